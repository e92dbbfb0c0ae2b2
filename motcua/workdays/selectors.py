"""Reads of the working calendar: the `WorkCalendar` that applies to an agency, entry lists.

Built calendars are cached in process memory per (agency scope, calendar revision): a cache,
never the source of truth. Every call reads the revision row (one primary-key query), so a change
made through any app server is seen by all of them at their next call.
"""

import threading
from datetime import date

from django.db.models import Q, QuerySet

from motcua.organizations.models import Agency
from motcua.workdays.engine import DEFAULT_CUTOFF, OfficeDay, WorkCalendar
from motcua.workdays.models import (
    CalendarEntry,
    CalendarEntryKind,
    CalendarRevision,
    OfficeHours,
)

_CACHE_LIMIT = 4096  # scopes kept per revision; a province has a few thousand agencies at most

_cache_lock = threading.Lock()
_cache: dict[str, WorkCalendar] = {}
_cache_revision: tuple[int, str] | None = None


def calendar_revision() -> tuple[int, str]:
    """(change count, token) of the calendar data; (0, "") before the first migration row."""
    row = CalendarRevision.objects.filter(pk=1).values_list("value", "token").first()
    if row is None:
        return 0, ""
    return row[0], str(row[1])


def _scope_ids(agency: Agency | None) -> list[int]:
    """The agency's ancestors and itself, root first (their entries and hours apply to it)."""
    return agency.ancestors_path_ids() if agency is not None else []


def calendar_for_agency(agency: Agency | None = None) -> WorkCalendar:
    """The working calendar of `agency` (None: the national calendar).

    Days: the `holidays` package for Vietnam, overridden by the calendar entries that apply
    (nationwide, and those of the agency or an ancestor, the deepest scope deciding a date).
    Hours: the agency's office hours, else its nearest ancestor's, else the national rows, else
    7:30–11:30, 13:30–17:00 with a 15:00 cut-off.
    """
    global _cache_revision
    revision = calendar_revision()
    key = agency.path if agency is not None else ""
    with _cache_lock:
        if revision != _cache_revision:
            _cache.clear()
            _cache_revision = revision
        calendar = _cache.get(key)
    if calendar is not None:
        return calendar
    calendar = _build_calendar(agency)
    with _cache_lock:
        if revision == _cache_revision:
            if len(_cache) >= _CACHE_LIMIT:
                _cache.clear()
            _cache[key] = calendar
    return calendar


def calendar_cache_clear() -> None:
    """Forget every cached calendar (tests; never needed for correctness)."""
    global _cache_revision
    with _cache_lock:
        _cache.clear()
        _cache_revision = None


def _build_calendar(agency: Agency | None) -> WorkCalendar:
    non_working, working = resolved_entry_dates(agency=agency)
    seasons = office_hours_seasons(agency=agency)
    return WorkCalendar(
        non_working_dates=non_working, working_dates=working, seasons=seasons, cutoff=None
    )


def resolved_entry_dates(*, agency: Agency | None = None) -> tuple[set[date], set[date]]:
    """(days off, make-up working days) decided by the entries that apply to `agency`.

    When scopes disagree about a date, the entry of the deepest scope wins: a province may work
    on a day the nation has off, and a commune may differ from its province.
    """
    ids = _scope_ids(agency)
    depth_of = {agency_id: depth for depth, agency_id in enumerate(ids, start=1)}
    decided: dict[date, tuple[int, bool]] = {}  # date → (scope depth, worked)

    def decide(day: date, kind: str, depth: int) -> None:
        worked = kind == CalendarEntryKind.MAKEUP_WORKDAY
        current = decided.get(day)
        if current is None or depth > current[0] or (depth == current[0] and worked):
            decided[day] = (depth, worked)

    for day, kind in CalendarEntry.objects.filter(agencies__isnull=True).values_list(
        "date", "kind"
    ):
        decide(day, kind, 0)
    if ids:
        links = CalendarEntry.agencies.through.objects.filter(agency_id__in=ids).values_list(
            "calendarentry__date", "calendarentry__kind", "agency_id"
        )
        for day, kind, agency_id in links:
            decide(day, kind, depth_of[agency_id])
    non_working = {day for day, (_, worked) in decided.items() if not worked}
    working = {day for day, (_, worked) in decided.items() if worked}
    return non_working, working


def office_hours_rows(*, agency: Agency | None = None) -> list[OfficeHours]:
    """The office-hours rows that apply to `agency`: its own, else its nearest ancestor's, else
    the national ones; empty when none exist (the built-in default applies)."""
    ids = _scope_ids(agency)
    rows = list(
        OfficeHours.objects.filter(Q(agency__isnull=True) | Q(agency_id__in=ids)).order_by(
            "season_start_month", "season_start_day"
        )
    )
    by_scope: dict[int | None, list[OfficeHours]] = {}
    for row in rows:
        by_scope.setdefault(row.agency_id, []).append(row)
    for agency_id in reversed(ids):
        if agency_id in by_scope:
            return by_scope[agency_id]
    return by_scope.get(None, [])


def office_hours_seasons(*, agency: Agency | None = None) -> list[tuple[int, int, OfficeDay]]:
    rows = office_hours_rows(agency=agency)
    if not rows:
        return [(1, 1, OfficeDay(cutoff=DEFAULT_CUTOFF))]
    return [
        (
            row.season_start_month,
            row.season_start_day,
            OfficeDay(
                morning_open=row.morning_open,
                morning_close=row.morning_close,
                afternoon_open=row.afternoon_open,
                afternoon_close=row.afternoon_close,
                cutoff=row.cutoff,
            ),
        )
        for row in rows
    ]


def calendar_entry_list(
    *, agency: Agency | None = None, year: int | None = None
) -> QuerySet[CalendarEntry]:
    """Entries that apply to `agency` (nationwide and its ancestors'; None: nationwide only),
    by date, optionally within one year."""
    scope = Q(agencies__isnull=True)
    ids = _scope_ids(agency)
    if ids:
        scope |= Q(agencies__in=ids)
    entries = CalendarEntry.objects.filter(scope)
    if year is not None:
        entries = entries.filter(date__year=year)
    return entries.distinct().prefetch_related("agencies").order_by("date", "kind")
