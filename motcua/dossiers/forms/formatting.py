"""How dates, times, durations and people read on the official forms.

Everything is shown in the office's zone (Asia/Ho_Chi_Minh), whatever zone the value was stored in.
"""

import datetime as dt
import re
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.formatting import duration_text as catalog_duration_text
from motcua.organizations.models import Agency, AgencyKind

_ADMINISTRATIVE_KINDS = (AgencyKind.COMMUNE, AgencyKind.DISTRICT, AgencyKind.PROVINCE)
# "UBND xã Minh Dân" is dated "Minh Dân, ngày …": the place is the unit's proper name.
_UNIT_PREFIX = re.compile(
    r"^(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)?\s*"
    r"(?:thành phố|thị xã|thị trấn|đặc khu|phường|quận|huyện|tỉnh|xã)?\s+",
    re.IGNORECASE,
)


@cache
def office_zone() -> ZoneInfo:
    return ZoneInfo(settings.MOTCUA_OFFICE_TIME_ZONE)


def local(value: dt.datetime) -> dt.datetime:
    """An aware datetime in the office's zone."""
    return timezone.localtime(value, office_zone())


def local_naive(value: dt.datetime | None) -> dt.datetime | None:
    """The office's wall-clock time without a zone (what a spreadsheet cell can hold)."""
    return local(value).replace(tzinfo=None) if value else None


def clock_text(value: dt.datetime | None) -> str:
    """ "08 giờ 30 phút, ngày 13/02/2026" (forms 01 and 04)."""
    if value is None:
        return ""
    moment = local(value)
    return _("%(hour)s giờ %(minute)s phút, ngày %(date)s") % {
        "hour": f"{moment:%H}",
        "minute": f"{moment:%M}",
        "date": f"{moment:%d/%m/%Y}",
    }


def short_text(value: dt.datetime | None) -> str:
    """ "08:30 13/02/2026" (form 06 and the tracking book)."""
    return f"{local(value):%H:%M %d/%m/%Y}" if value else ""


def date_text(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = local(value).date()
    return f"{value:%d/%m/%Y}"


def place_date_text(place: str, value: dt.date | dt.datetime | None) -> str:
    """ "Hàm Yên, ngày 13 tháng 02 năm 2026"; blanks to fill by hand when there is no date."""
    if value is None:
        return _("%(place)s, ngày …… tháng …… năm ……") % {"place": place or "……"}
    if isinstance(value, dt.datetime):
        value = local(value).date()
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s") % {
        "place": place or "……",
        "day": f"{value:%d}",
        "month": f"{value:%m}",
        "year": f"{value:%Y}",
    }


def place_name(agency: Agency) -> str:
    """The proper name of the nearest administrative unit at or above the agency."""
    ids = agency.ancestors_path_ids()
    units = {
        unit.pk: unit
        for unit in Agency.objects.filter(pk__in=ids, kind__in=_ADMINISTRATIVE_KINDS).only(
            "pk", "name"
        )
    }
    for pk in reversed(ids):
        if pk in units:
            return _UNIT_PREFIX.sub("", units[pk].name, count=1).strip()
    return ""


def duration_text(amount: Decimal | int | str | None, unit: str) -> str:
    """ "Trong ngày" for 0, else "3 ngày làm việc" / "8 giờ làm việc"; "" when unknown."""
    if amount is None or amount == "":
        return ""
    return catalog_duration_text(amount, unit)


def person_name(user) -> str:
    if user is None:
        return ""
    return user.full_name or user.get_full_name() or user.get_username()


def event_actor_name(event) -> str:
    """The name as written in the event (kept even if the account is renamed later)."""
    if event is None:
        return ""
    return event.actor_name or person_name(event.actor)
