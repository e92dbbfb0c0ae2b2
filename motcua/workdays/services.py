"""Writes to the working calendar: calendar entries and office hours.

Every write runs in one transaction that locks the calendar revision row (calendar writes are
rare; serializing them makes the "not off and worked on the same day" check race-free), bumps the
revision so every app process rebuilds its cached calendars, and calls `on_calendar_changed`.

`actor` None is the system itself (data migrations, operators' commands, the demo seed). An
officer needs the system_admin role for nationwide data, or agency_admin on the agency (or an
ancestor) for an agency's own entries and hours.
"""

import uuid
from collections.abc import Iterable
from datetime import date, datetime, time

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.audit import hooks
from motcua.common.errors import Conflict, Forbidden, InvalidInput
from motcua.organizations.access import is_system_admin, user_has_role
from motcua.organizations.models import Agency, Role
from motcua.workdays.engine import MAX_YEAR, MIN_YEAR
from motcua.workdays.models import (
    NON_WORKING_KINDS,
    CalendarEntry,
    CalendarEntryKind,
    CalendarRevision,
    OfficeHours,
)


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()


def on_calendar_changed(
    *, entry_dates: frozenset[date] | None, agency_paths: tuple[str, ...] | None = None
) -> None:
    """Called inside the writing transaction after every change to the calendar.

    `entry_dates`: the dates whose status changed (None: any date may have, e.g. office hours
    changed). `agency_paths`: the subtrees affected (None: nationwide).
    """
    from motcua.dossiers.services import dossiers_recompute_due  # here: avoids an import cycle

    dossiers_recompute_due(agency_paths=agency_paths, entry_dates=entry_dates)


# -- shared steps ------------------------------------------------------------------------------


def _lock_calendar() -> None:
    row = CalendarRevision.objects.select_for_update().filter(pk=1).first()
    if row is None:
        CalendarRevision.objects.get_or_create(pk=1)


def _bump_revision() -> None:
    CalendarRevision.objects.filter(pk=1).update(
        value=F("value") + 1, token=uuid.uuid4(), changed_at=timezone.now()
    )


def _paths(agencies: Iterable[Agency]) -> tuple[str, ...] | None:
    paths = tuple(sorted(agency.path for agency in agencies))
    return paths or None


def _check_may_manage(*, actor, agencies: Iterable[Agency]) -> None:
    if actor is None or is_system_admin(actor):
        return
    agencies = list(agencies)
    if not agencies:
        raise Forbidden(
            _("Chỉ quản trị hệ thống mới được thay đổi lịch làm việc, giờ làm việc toàn quốc."),
            code="calendar_forbidden",
        )
    for agency in agencies:
        if not user_has_role(user=actor, agency=agency, role=Role.AGENCY_ADMIN):
            raise Forbidden(
                _("Bạn không có quyền quản trị lịch làm việc của cơ quan «%(agency)s».")
                % {"agency": agency.name},
                code="calendar_forbidden",
            )


def _clean_text(value, *, field: str, max_length: int, required: bool) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        raise InvalidInput(_("Trường «%(field)s» phải là văn bản.") % {"field": field})
    if required and not text:
        raise InvalidInput(
            _("Trường «%(field)s» không được để trống.") % {"field": field}, code="required"
        )
    if len(text) > max_length:
        raise InvalidInput(
            _("Trường «%(field)s» dài quá %(max)d ký tự.") % {"field": field, "max": max_length},
            code="too_long",
        )
    return text


def _clean_date(value) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidInput(_("Ngày không hợp lệ."), code="invalid_date")
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise InvalidInput(
            _("Lịch làm việc chỉ hỗ trợ các năm %(first)d–%(last)d.")
            % {"first": MIN_YEAR, "last": MAX_YEAR},
            code="invalid_date",
        )
    return value


def _clean_kind(value) -> str:
    if value not in CalendarEntryKind.values:
        raise InvalidInput(
            _("Loại ngày không hợp lệ: «%(kind)s».") % {"kind": value}, code="invalid_kind"
        )
    return str(value)


# -- calendar entries --------------------------------------------------------------------------


def calendar_entry_check(
    *,
    date: date,
    kind: str,
    agencies: Iterable[Agency],
    actor,
    entry: CalendarEntry | None = None,
) -> None:
    """Raise the DomainError that creating (or changing `entry` into) this entry would raise.

    A date cannot be both off and worked for the same scope: nationwide against nationwide, or
    any agency in common.
    """
    agencies = list(agencies)
    if entry is not None and entry.pk is not None:
        _check_may_manage(actor=actor, agencies=list(entry.agencies.all()))
    _check_may_manage(actor=actor, agencies=agencies)
    _clean_date(date)
    _clean_kind(kind)
    if kind in NON_WORKING_KINDS:
        opposite = [CalendarEntryKind.MAKEUP_WORKDAY]
    else:
        opposite = list(NON_WORKING_KINDS)
    clashes = CalendarEntry.objects.filter(date=date, kind__in=opposite)
    if entry is not None and entry.pk is not None:
        clashes = clashes.exclude(pk=entry.pk)
    if agencies:
        clashes = clashes.filter(agencies__in=[agency.pk for agency in agencies]).distinct()
    else:
        clashes = clashes.filter(agencies__isnull=True)
    clash = clashes.first()
    if clash is not None:
        raise Conflict(
            _(
                "Ngày %(date)s đã có «%(name)s» (%(kind)s) cho cùng phạm vi áp dụng: một ngày "
                "không thể vừa là ngày nghỉ vừa là ngày làm việc."
            )
            % {"date": f"{date:%d/%m/%Y}", "name": clash.name, "kind": clash.get_kind_display()},
            code="calendar_conflict",
        )


@transaction.atomic
def calendar_entry_create(
    *,
    date: date,
    kind: str,
    name: str,
    legal_reference: str = "",
    agencies: Iterable[Agency] = (),
    actor=None,
) -> CalendarEntry:
    agencies = list(agencies)
    name = _clean_text(name, field=_("tên"), max_length=200, required=True)
    legal_reference = _clean_text(
        legal_reference, field=_("văn bản công bố"), max_length=300, required=False
    )
    _lock_calendar()
    calendar_entry_check(date=date, kind=kind, agencies=agencies, actor=actor)
    entry = CalendarEntry.objects.create(
        date=date, kind=kind, name=name, legal_reference=legal_reference, created_by=actor
    )
    if agencies:
        entry.agencies.set(agencies)
    hooks.calendar_entry_saved(entry, before=None, agencies=agencies, actor=actor)
    _bump_revision()
    on_calendar_changed(entry_dates=frozenset({date}), agency_paths=_paths(agencies))
    return entry


@transaction.atomic
def calendar_entry_update(
    *,
    entry: CalendarEntry,
    actor,
    date: date | _Unset = UNSET,
    kind: str | _Unset = UNSET,
    name: str | _Unset = UNSET,
    legal_reference: str | _Unset = UNSET,
    agencies: Iterable[Agency] | _Unset = UNSET,
) -> CalendarEntry:
    """Change the given fields of `entry` (the others stay as stored)."""
    _lock_calendar()
    current = CalendarEntry.objects.select_for_update().get(pk=entry.pk)
    old_date = current.date
    old_agencies = list(current.agencies.all())
    before = hooks.calendar_entry_snapshot(current, old_agencies)
    new_agencies = old_agencies if isinstance(agencies, _Unset) else list(agencies)
    if not isinstance(date, _Unset):
        current.date = date
    if not isinstance(kind, _Unset):
        current.kind = kind
    if not isinstance(name, _Unset):
        current.name = _clean_text(name, field=_("tên"), max_length=200, required=True)
    if not isinstance(legal_reference, _Unset):
        current.legal_reference = _clean_text(
            legal_reference, field=_("văn bản công bố"), max_length=300, required=False
        )
    calendar_entry_check(
        date=current.date, kind=current.kind, agencies=new_agencies, actor=actor, entry=current
    )
    current.save(
        update_fields=["date", "kind", "name", "legal_reference", "updated_at"],
    )
    if not isinstance(agencies, _Unset):
        current.agencies.set(new_agencies)
    hooks.calendar_entry_saved(current, before=before, agencies=new_agencies, actor=actor)
    _bump_revision()
    scopes = (_paths(old_agencies) or ()) + (_paths(new_agencies) or ())
    nationwide = not old_agencies or not new_agencies
    on_calendar_changed(
        entry_dates=frozenset({old_date, current.date}),
        agency_paths=None if nationwide else tuple(sorted(set(scopes))),
    )
    return current


@transaction.atomic
def calendar_entry_delete(*, entry: CalendarEntry, actor) -> None:
    _lock_calendar()
    current = CalendarEntry.objects.select_for_update().get(pk=entry.pk)
    agencies = list(current.agencies.all())
    _check_may_manage(actor=actor, agencies=agencies)
    day = current.date
    hooks.calendar_entry_deleted(current, agencies=agencies, actor=actor)
    current.delete()
    _bump_revision()
    on_calendar_changed(entry_dates=frozenset({day}), agency_paths=_paths(agencies))


# -- office hours ------------------------------------------------------------------------------


def office_hours_check(
    *,
    agency: Agency | None,
    season_start_month,
    season_start_day,
    morning_open,
    morning_close,
    afternoon_open,
    afternoon_close,
    cutoff,
    actor,
    office_hours: OfficeHours | None = None,
) -> None:
    """Raise the DomainError that `office_hours_set` would raise for these values."""
    _check_may_manage(actor=actor, agencies=[agency] if agency is not None else [])
    try:
        date(2001, int(season_start_month), int(season_start_day))  # 2001: no 29/2
    except (TypeError, ValueError):
        raise InvalidInput(
            _("Ngày bắt đầu áp dụng không hợp lệ: %(day)s/%(month)s.")
            % {"day": season_start_day, "month": season_start_month},
            code="invalid_season",
        ) from None
    times = [morning_open, morning_close, afternoon_open, afternoon_close, cutoff]
    if any(not isinstance(value, time) or value.tzinfo is not None for value in times):
        raise InvalidInput(_("Giờ làm việc không hợp lệ."), code="invalid_office_hours")
    if not morning_open < morning_close <= afternoon_open < afternoon_close:
        raise InvalidInput(
            _(
                "Giờ làm việc phải theo thứ tự: sáng bắt đầu < sáng kết thúc ≤ chiều bắt đầu "
                "< chiều kết thúc."
            ),
            code="invalid_office_hours",
        )
    if office_hours is not None:
        same_season = OfficeHours.objects.filter(
            agency=agency,
            season_start_month=season_start_month,
            season_start_day=season_start_day,
        ).exclude(pk=office_hours.pk)
        if same_season.exists():
            raise Conflict(
                _("Đã có giờ làm việc áp dụng từ ngày %(day)02d/%(month)02d cho phạm vi này.")
                % {"day": int(season_start_day), "month": int(season_start_month)},
                code="office_hours_conflict",
            )


@transaction.atomic
def office_hours_set(
    *,
    agency: Agency | None = None,
    season_start_month: int = 1,
    season_start_day: int = 1,
    morning_open: time = time(7, 30),
    morning_close: time = time(11, 30),
    afternoon_open: time = time(13, 30),
    afternoon_close: time = time(17, 0),
    cutoff: time = time(15, 0),
    name: str = "",
    actor=None,
    office_hours: OfficeHours | None = None,
) -> OfficeHours:
    """Set the office hours of `agency` (None: national) from a season start each year.

    Without `office_hours`, the row of that agency and season start is created or replaced;
    with it, that row is changed (its season start may move).
    """
    name = _clean_text(name, field=_("tên"), max_length=100, required=False)
    _lock_calendar()
    if office_hours is not None:
        old = OfficeHours.objects.select_for_update().get(pk=office_hours.pk)
        old_agency = old.agency
        if old_agency != agency:
            _check_may_manage(actor=actor, agencies=[old_agency] if old_agency else [])
    office_hours_check(
        agency=agency,
        season_start_month=season_start_month,
        season_start_day=season_start_day,
        morning_open=morning_open,
        morning_close=morning_close,
        afternoon_open=afternoon_open,
        afternoon_close=afternoon_close,
        cutoff=cutoff,
        actor=actor,
        office_hours=office_hours,
    )
    values = {
        "name": name,
        "morning_open": morning_open,
        "morning_close": morning_close,
        "afternoon_open": afternoon_open,
        "afternoon_close": afternoon_close,
        "cutoff": cutoff,
    }
    if office_hours is None:
        before = hooks.office_hours_stored(agency, season_start_month, season_start_day)
        row, _created = OfficeHours.objects.update_or_create(
            agency=agency,
            season_start_month=int(season_start_month),
            season_start_day=int(season_start_day),
            defaults=values,
        )
        paths = _paths([agency] if agency else [])
    else:
        before = hooks.snapshot(old)
        row = old
        for field, value in values.items():
            setattr(row, field, value)
        row.agency = agency
        row.season_start_month = int(season_start_month)
        row.season_start_day = int(season_start_day)
        row.save(
            update_fields=[
                *values,
                "agency",
                "season_start_month",
                "season_start_day",
                "updated_at",
            ]
        )
        touched = [a for a in (old_agency, agency) if a is not None]
        paths = None if old_agency is None or agency is None else _paths(touched)
    hooks.audit_saved(instance=row, before=before, agency=agency, actor=actor)
    _bump_revision()
    on_calendar_changed(entry_dates=None, agency_paths=paths)
    return row


@transaction.atomic
def office_hours_delete(*, office_hours: OfficeHours, actor) -> None:
    _lock_calendar()
    current = OfficeHours.objects.select_for_update().get(pk=office_hours.pk)
    agency = current.agency
    _check_may_manage(actor=actor, agencies=[agency] if agency else [])
    hooks.audit_deleted(
        instance=current, before=hooks.snapshot(current), agency=agency, actor=actor
    )
    current.delete()
    _bump_revision()
    on_calendar_changed(entry_dates=None, agency_paths=_paths([agency] if agency else []))
