"""What every leaders' page reads from: an agency subtree, a period of whole office days, and the
dossiers of that subtree (received there or handled by an agency in it)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Channel
from motcua.common.db import report_db_alias
from motcua.common.errors import InvalidInput
from motcua.dossiers.models import Dossier
from motcua.dossiers.statuses import DossierStatus
from motcua.organizations.models import Agency
from motcua.workdays.engine import OFFICE_TZ

MAX_PERIOD_DAYS = 366 * 5


@dataclass(frozen=True)
class Period:
    """Office days date_from to date_to inclusive (Asia/Ho_Chi_Minh)."""

    date_from: date
    date_to: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.date_from, time.min, tzinfo=OFFICE_TZ)

    @property
    def end(self) -> datetime:
        """The first instant after the period (date_to 24:00)."""
        return datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=OFFICE_TZ)

    def months(self, limit: int = 12) -> list[tuple[date, date]]:
        """The period's calendar months (clipped to it), the last `limit` of them."""
        months = []
        first = self.date_from
        while first <= self.date_to:
            following = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
            months.append((first, min(following - timedelta(days=1), self.date_to)))
            first = following
        return months[-limit:]


def today_local() -> date:
    return timezone.now().astimezone(OFFICE_TZ).date()


def _parse_date(value: str | None, *, field: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=OFFICE_TZ).date()
        except ValueError:
            continue
    raise InvalidInput(
        _("Ngày «%(value)s» không hợp lệ (%(field)s); nhập theo dạng 31/12/2026 hoặc 2026-12-31.")
        % {"value": value[:20], "field": field},
        code="invalid_date",
    )


def period_from(raw_from: str | None, raw_to: str | None) -> Period:
    """The period asked for; by default this year so far (1 January to today)."""
    today = today_local()
    date_to = _parse_date(raw_to, field=_("đến ngày")) or today
    date_from = _parse_date(raw_from, field=_("từ ngày")) or date_to.replace(month=1, day=1)
    if date_from > date_to:
        raise InvalidInput(_("«Từ ngày» phải trước hoặc bằng «đến ngày»."), code="invalid_period")
    if (date_to - date_from).days > MAX_PERIOD_DAYS:
        raise InvalidInput(_("Kỳ báo cáo dài quá 5 năm."), code="period_too_long")
    return Period(date_from, date_to)


def subtree_dossiers(agency: Agency) -> QuerySet[Dossier]:
    """Dossiers received by the agency or below it, or handled by an agency of its subtree (read
    from the report database)."""
    return Dossier.objects.using(report_db_alias()).filter(
        Q(receiving_agency__path__startswith=agency.path)
        | Q(competent_agency__path__startswith=agency.path)
    )


# Never received: still "Mới đăng ký" or refused at intake (imported ones may carry a receipt
# time); left out as in the timeliness report.
NEVER_RECEIVED = (DossierStatus.SUBMITTED, DossierStatus.NOT_ACCEPTED)


def received_in(agency: Agency, period: Period) -> QuerySet[Dossier]:
    """Dossiers of the subtree received in the period."""
    return (
        subtree_dossiers(agency)
        .filter(received_at__gte=period.start, received_at__lt=period.end)
        .exclude(status__in=NEVER_RECEIVED)
    )


def received_dossiers(
    *, agency: Agency, period: Period, channel: str | None = None, field: str | None = None
) -> QuerySet[Dossier]:
    """The list behind a "received" number of the dashboard: by channel or by field code."""
    dossiers = received_in(agency, period)
    if channel:
        if channel not in Channel.values:
            raise InvalidInput(_("Hình thức nộp không hợp lệ."), code="invalid_channel")
        dossiers = dossiers.filter(channel=channel)
    if field:
        dossiers = dossiers.filter(procedure__field__code=field[:32])
    return dossiers.select_related("receiving_agency").order_by("received_at", "id")
