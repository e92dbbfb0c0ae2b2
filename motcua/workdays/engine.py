"""Working-time arithmetic (DOMAIN.md §3): working days, office hours, due times.

Pure Python: no Django, no database. A `WorkCalendar` lays the office time of every working day
of a span of years end to end on one axis (in microseconds), remembering for each working day the
office time of all the days before it. A due time is then a bisect on that axis and a little
arithmetic, never a loop over days. The span grows on demand (1901–2100, the years for which the
`holidays` package knows the lunar dates).

Conventions, as practised by the reception desks (**policy**, DOMAIN.md §3):
- The clock starts at receipt. Before opening, in the lunch break, after closing or on a day off
  it starts at the next opening; after the cut-off (default 15:00) at the next working day's
  opening.
- N working days end at the same position of the office day N working days later. A position
  exactly at the end of a session is that session's closing time (11:30, 17:00), never the next
  session's opening: Monday 07:30 + 3 days = Wednesday 17:00.
- Fractions of a day are fractions of that day's office time; hours are office time.
- 0 days ("trong ngày") is the closing time of the day the clock starts.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from fractions import Fraction
from functools import lru_cache
from typing import Final, NamedTuple
from zoneinfo import ZoneInfo

OFFICE_TZ: Final = ZoneInfo("Asia/Ho_Chi_Minh")
MIN_YEAR: Final = 1901
MAX_YEAR: Final = 2100

DAYS: Final = "days"
HOURS: Final = "hours"
UNITS: Final = (DAYS, HOURS)

DEFAULT_CUTOFF: Final = time(15, 0)

_US_PER_SECOND = 1_000_000
_US_PER_MINUTE = 60 * _US_PER_SECOND
_US_PER_HOUR = 60 * _US_PER_MINUTE
_NO_CUTOFF = 24 * _US_PER_HOUR  # later than any time of day
_MARGIN_YEARS = 2  # built ahead of the latest year asked for, so most calls never rebuild


class _CalendarCutoff:
    """Sentinel: use the cut-off of the office day (its season's, else the calendar's)."""

    def __repr__(self) -> str:
        return "CALENDAR_CUTOFF"


CALENDAR_CUTOFF: Final = _CalendarCutoff()


def _us(value: time) -> int:
    return (
        (value.hour * 60 + value.minute) * 60 + value.second
    ) * _US_PER_SECOND + value.microsecond


@dataclass(frozen=True, slots=True)
class OfficeDay:
    """The office hours of a working day: two sessions and the cut-off for same-day receipt.

    `cutoff` None means the calendar's cut-off.
    """

    morning_open: time = time(7, 30)
    morning_close: time = time(11, 30)
    afternoon_open: time = time(13, 30)
    afternoon_close: time = time(17, 0)
    cutoff: time | None = None

    def __post_init__(self) -> None:
        times = [self.morning_open, self.morning_close, self.afternoon_open, self.afternoon_close]
        if self.cutoff is not None:
            times.append(self.cutoff)
        if any(t.tzinfo is not None for t in times):
            raise ValueError("office hours are local wall-clock times, without a time zone")
        if not (
            self.morning_open < self.morning_close <= self.afternoon_open < self.afternoon_close
        ):
            raise ValueError(
                "office hours must satisfy morning_open < morning_close <= afternoon_open "
                "< afternoon_close"
            )

    @property
    def minutes(self) -> float:
        """Office minutes of the day."""
        return self._shape(None).length / _US_PER_MINUTE

    def _shape(self, calendar_cutoff: time | None) -> _Shape:
        mo, mc = _us(self.morning_open), _us(self.morning_close)
        ao, ac = _us(self.afternoon_open), _us(self.afternoon_close)
        cutoff = self.cutoff if self.cutoff is not None else calendar_cutoff
        return _Shape(
            mo,
            mc,
            ao,
            ac,
            mc - mo,
            mc - mo + ac - ao,
            _NO_CUTOFF if cutoff is None else _us(cutoff),
        )


DEFAULT_OFFICE_DAY: Final = OfficeDay()


class _Shape(NamedTuple):
    """An office day in microseconds from midnight, as the hot paths read it."""

    mo: int
    mc: int
    ao: int
    ac: int
    morning: int  # office time of the morning session
    length: int  # office time of the day
    cutoff: int


class _Table(NamedTuple):
    """Every working day of [first_year, last_year] laid on one office-time axis."""

    first_year: int
    last_year: int
    first_ordinal: int
    last_ordinal: int
    ordinals: list[int]  # the working days, ascending (date.toordinal())
    dates: list[date]
    starts: list[int]  # office time before the day's opening
    ends: list[int]  # office time up to the day's closing
    shapes: list[_Shape]


@lru_cache(maxsize=256)
def vn_statutory_days(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(days off, weekend days worked) of the `holidays` package for Vietnam in `year`.

    Covers the Labor Code holidays (art. 112), compensatory days and the swaps the package knows;
    later government decisions are calendar entries on top of this.
    """
    import holidays  # imported here: only calendars built with the default source need it

    vietnam = holidays.country_holidays("VN", years=year)
    off = frozenset(vietnam.keys())
    worked = frozenset(d for d in getattr(vietnam, "weekend_workdays", ()) if d.year == year)
    return off, worked


def _no_statutory_days(year: int) -> tuple[frozenset[date], frozenset[date]]:
    return frozenset(), frozenset()


StatutorySource = Callable[[int], tuple[Iterable[date], Iterable[date]]]


class WorkCalendar:
    """Which days are worked and at what hours, for one scope (the nation, an agency's subtree).

    A day is worked when it is in `working_dates` (make-up days), else not when it is in
    `non_working_dates`, else as the statutory source says (holidays off, swapped weekend days
    worked), else Monday to Friday. `seasons` are (month, day, OfficeDay): each applies from that
    day every year until the next one's start; one season from 1/1 is the whole year.

    Immutable once built; the precomputed axis is extended (rebuilt) when a computation reaches
    outside it, under a lock, so one instance may serve many threads.
    """

    def __init__(
        self,
        *,
        non_working_dates: Iterable[date] = (),
        working_dates: Iterable[date] = (),
        seasons: Iterable[tuple[int, int, OfficeDay]] = ((1, 1, DEFAULT_OFFICE_DAY),),
        cutoff: time | None = DEFAULT_CUTOFF,
        statutory: StatutorySource | None = vn_statutory_days,
        tz: tzinfo = OFFICE_TZ,
    ) -> None:
        self.non_working_dates = frozenset(non_working_dates)
        self.working_dates = frozenset(working_dates)
        both = self.non_working_dates & self.working_dates
        if both:
            raise ValueError(f"dates both worked and not worked: {sorted(both)}")
        season_list = sorted(seasons, key=lambda s: (s[0], s[1]))
        if not season_list:
            season_list = [(1, 1, DEFAULT_OFFICE_DAY)]
        keys = []
        for month, day, office_day in season_list:
            if not isinstance(office_day, OfficeDay):
                raise TypeError("a season is (month, day, OfficeDay)")
            date(2001, month, day)  # ValueError for 30/2, 0/1…; 29/2 is refused as well
            keys.append(month * 100 + day)
        if len(set(keys)) != len(keys):
            raise ValueError("two seasons start on the same day")
        if cutoff is not None and cutoff.tzinfo is not None:
            raise ValueError("the cut-off is a local wall-clock time, without a time zone")
        self.seasons: tuple[tuple[int, int, OfficeDay], ...] = tuple(season_list)
        self.cutoff = cutoff
        self.tz = tz
        self._season_keys = keys
        self._season_shapes = [office_day._shape(cutoff) for _, _, office_day in season_list]
        self._statutory = statutory or _no_statutory_days
        self._statutory_cache: dict[int, tuple[frozenset[date], frozenset[date]]] = {}
        self._lock = threading.Lock()
        self._table: _Table | None = None

    def __repr__(self) -> str:
        return (
            f"<WorkCalendar {len(self.non_working_dates)} days off, "
            f"{len(self.working_dates)} make-up days, {len(self.seasons)} season(s)>"
        )

    # -- days ------------------------------------------------------------------------------

    def _statutory_for(self, year: int) -> tuple[frozenset[date], frozenset[date]]:
        cached = self._statutory_cache.get(year)
        if cached is None:
            off, worked = self._statutory(year)
            cached = self._statutory_cache[year] = (frozenset(off), frozenset(worked))
        return cached

    def is_working_day(self, day: date) -> bool:
        if day in self.working_dates:
            return True
        if day in self.non_working_dates:
            return False
        off, worked = self._statutory_for(day.year)
        if day in worked:
            return True
        if day in off:
            return False
        return day.weekday() < 5

    def office_day(self, day: date) -> OfficeDay | None:
        """The office hours of `day`, None when it is not a working day."""
        if not self.is_working_day(day):
            return None
        return self.seasons[self._season_index(day)][2]

    def _season_index(self, day: date) -> int:
        # The last season started on or before this day; before the first start of the year,
        # the last season of the previous year still runs.
        return bisect_left(self._season_keys, day.month * 100 + day.day + 1) - 1

    # -- the precomputed axis ---------------------------------------------------------------

    def _build(self, first_year: int, last_year: int) -> _Table:
        ordinals: list[int] = []
        dates: list[date] = []
        starts: list[int] = []
        ends: list[int] = []
        shapes: list[_Shape] = []
        total = 0
        first = date(first_year, 1, 1).toordinal()
        last = date(last_year, 12, 31).toordinal()
        season_shapes = self._season_shapes
        for ordinal in range(first, last + 1):
            day = date.fromordinal(ordinal)
            if not self.is_working_day(day):
                continue
            shape = season_shapes[self._season_index(day)]
            ordinals.append(ordinal)
            dates.append(day)
            starts.append(total)
            total += shape.length
            ends.append(total)
            shapes.append(shape)
        return _Table(first_year, last_year, first, last, ordinals, dates, starts, ends, shapes)

    def _covering(self, first_year: int, last_year: int) -> _Table:
        """A table covering [first_year, last_year] at least (and a margin after)."""
        table = self._table
        if table is not None and table.first_year <= first_year and last_year <= table.last_year:
            return table
        if first_year < MIN_YEAR or last_year > MAX_YEAR:
            raise ValueError(f"dates outside {MIN_YEAR}–{MAX_YEAR} are not supported")
        with self._lock:
            table = self._table
            if table is not None:
                if table.first_year <= first_year and last_year <= table.last_year:
                    return table
                first_year = min(first_year, table.first_year)
                last_year = max(last_year, table.last_year)
            table = self._build(
                max(MIN_YEAR, first_year - 1), min(MAX_YEAR, last_year + _MARGIN_YEARS)
            )
            self._table = table
            return table

    def _table_for(self, ordinal: int) -> _Table:
        table = self._table
        if table is not None and table.first_ordinal <= ordinal <= table.last_ordinal:
            return table
        year = date.fromordinal(ordinal).year
        return self._covering(year, year)

    def _grow(self, table: _Table, years_more: int) -> _Table:
        return self._covering(table.first_year, table.last_year + max(1, years_more))

    # -- instants --------------------------------------------------------------------------

    def _local(self, instant: datetime) -> tuple[int, int]:
        """(ordinal of the local date, microseconds since local midnight)."""
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise ValueError("an aware datetime is required (with a time zone)")
        local = instant.astimezone(self.tz)
        return local.toordinal(), (
            (local.hour * 60 + local.minute) * 60 + local.second
        ) * _US_PER_SECOND + local.microsecond

    def _at(self, day: date, us: int) -> datetime:
        seconds, micro = divmod(us, _US_PER_SECOND)
        minutes, seconds = divmod(seconds, 60)
        hours, minutes = divmod(minutes, 60)
        return datetime(day.year, day.month, day.day, hours, minutes, seconds, micro, self.tz)

    @staticmethod
    def _start(table: _Table, ordinal: int, us: int, cutoff: int | None) -> tuple[int, int]:
        """Where the clock starts for a receipt: (working-day index, office time into that day).

        The index may equal len(table.ordinals) when the start lies past the table.
        """
        ordinals = table.ordinals
        index = bisect_left(ordinals, ordinal)
        if index < len(ordinals) and ordinals[index] == ordinal:
            mo, mc, ao, ac, morning, _length, day_cutoff = table.shapes[index]
            if us >= ac or us > (day_cutoff if cutoff is None else cutoff):
                return index + 1, 0
            if us <= mo:
                return index, 0
            if us < mc:
                return index, us - mo
            if us <= ao:
                return index, morning
            return index, morning + us - ao
        return index, 0

    @staticmethod
    def _position(table: _Table, ordinal: int, us: int) -> int:
        """Office time on the axis up to this instant (a continuous, non-decreasing function)."""
        index, offset = WorkCalendar._start(table, ordinal, us, _NO_CUTOFF)
        if index >= len(table.starts):
            return table.ends[-1] if table.ends else 0
        return table.starts[index] + offset

    def _opening_at(self, table: _Table, index: int, offset: int) -> datetime:
        """The instant `offset` into day `index`, an offset at a session's end meaning the next
        session's opening (where a clock starts)."""
        shape = table.shapes[index]
        us = shape.mo + offset if offset < shape.morning else shape.ao + offset - shape.morning
        return self._at(table.dates[index], us)

    def _closing_at(self, table: _Table, index: int, offset: int) -> datetime:
        """The instant `offset` into day `index`, an offset at a session's end meaning that
        session's closing time (where a due time lands)."""
        shape = table.shapes[index]
        us = shape.mo + offset if offset <= shape.morning else shape.ao + offset - shape.morning
        return self._at(table.dates[index], us)


# -- the public functions ----------------------------------------------------------------------


def _ratio(amount) -> tuple[int, int]:
    if type(amount) is int:
        numerator, denominator = amount, 1
    else:
        if isinstance(amount, bool) or not hasattr(amount, "as_integer_ratio"):
            raise TypeError("the amount must be a number (int, Decimal, float, Fraction)")
        try:
            numerator, denominator = amount.as_integer_ratio()
        except (ValueError, OverflowError) as exc:  # NaN, infinity
            raise ValueError("the amount must be a finite number") from exc
    if numerator < 0:
        raise ValueError("the amount must not be negative")
    return numerator, denominator


def _cutoff_us(cutoff) -> int | None:
    if cutoff is CALENDAR_CUTOFF:
        return None
    if cutoff is None:
        return _NO_CUTOFF
    if not isinstance(cutoff, time) or cutoff.tzinfo is not None:
        raise TypeError("the cut-off is a local time of day, or None for no cut-off")
    return _us(cutoff)


def due_at_after(
    start: datetime,
    amount,
    unit: str,
    calendar: WorkCalendar,
    *,
    cutoff: time | _CalendarCutoff | None = CALENDAR_CUTOFF,
) -> datetime:
    """The due time of `amount` working days or hours counted from a receipt at `start`.

    `amount` is an int, Decimal, float or Fraction, not negative; `unit` is "days" or "hours".
    `cutoff` overrides the office day's cut-off (a procedure's rule version); None: no cut-off.
    Returns an aware datetime in the calendar's zone (Asia/Ho_Chi_Minh).
    """
    numerator, denominator = _ratio(amount)
    if unit != DAYS and unit != HOURS:
        raise ValueError(f"unknown unit {unit!r}: use 'days' or 'hours'")
    cutoff_us = _cutoff_us(cutoff)
    ordinal, us = calendar._local(start)
    table = calendar._table_for(ordinal)
    while True:
        index, offset = calendar._start(table, ordinal, us, cutoff_us)
        count = len(table.ordinals)
        if index >= count:
            table = calendar._grow(table, 1)
            continue
        if unit == DAYS:
            shape = table.shapes[index]
            if numerator == 0:
                return calendar._at(table.dates[index], shape.ac)
            length = shape.length
            scale = length * denominator
            whole, rest = divmod(offset * denominator + numerator * length, scale)
            target = index + whole
            if target >= count:
                table = calendar._grow(table, (target - count) // 200 + 1)
                continue
            if rest == 0:
                # Exactly a whole office day: the closing time of the day before, not the
                # opening of the day after (Monday 07:30 + 3 days = Wednesday 17:00).
                return calendar._at(table.dates[target - 1], table.shapes[target - 1].ac)
            offset = rest * table.shapes[target].length // scale
            if offset == 0:
                return calendar._opening_at(table, target, 0)
            return calendar._closing_at(table, target, offset)
        # Hours: office time on the axis.
        span = (numerator * _US_PER_HOUR * 2 + denominator) // (2 * denominator)
        if span == 0:
            return calendar._opening_at(table, index, offset)
        end = table.starts[index] + offset + span
        ends = table.ends
        if end > ends[-1]:
            yearly = max(1, ends[-1] // max(1, table.last_year - table.first_year + 1))
            table = calendar._grow(table, (end - ends[-1]) // yearly + 1)
            continue
        target = bisect_left(ends, end)
        return calendar._closing_at(table, target, end - table.starts[target])


def clock_start(
    received_at: datetime,
    calendar: WorkCalendar,
    *,
    cutoff: time | _CalendarCutoff | None = CALENDAR_CUTOFF,
) -> datetime:
    """The instant the processing clock starts for a receipt at `received_at`."""
    cutoff_us = _cutoff_us(cutoff)
    ordinal, us = calendar._local(received_at)
    table = calendar._table_for(ordinal)
    while True:
        index, offset = calendar._start(table, ordinal, us, cutoff_us)
        if index < len(table.ordinals):
            return calendar._opening_at(table, index, offset)
        table = calendar._grow(table, 1)


def next_opening(instant: datetime, calendar: WorkCalendar) -> datetime:
    """The first instant at or after `instant` when the office is open: `instant` itself (in the
    office zone) during office hours, otherwise the next session's opening. No cut-off."""
    return clock_start(instant, calendar, cutoff=None)


def is_working_time(instant: datetime, calendar: WorkCalendar) -> bool:
    """Whether the office is open at `instant`: a working day, inside a session (the opening
    minute included, the closing minute not)."""
    ordinal, us = calendar._local(instant)
    table = calendar._table_for(ordinal)
    ordinals = table.ordinals
    index = bisect_left(ordinals, ordinal)
    if index == len(ordinals) or ordinals[index] != ordinal:
        return False
    mo, mc, ao, ac, *_ = table.shapes[index]
    return mo <= us < mc or ao <= us < ac


def _merged(
    intervals: Iterable[tuple[datetime, datetime]], low: datetime, high: datetime
) -> list[tuple[datetime, datetime]]:
    clipped = sorted(
        (max(begin, low), min(end, high))
        for begin, end in intervals
        if end > low and begin < high and end > begin
    )
    merged: list[tuple[datetime, datetime]] = []
    for begin, end in clipped:
        if merged and begin <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((begin, end))
    return merged


def working_minutes_between(
    start: datetime,
    end: datetime,
    calendar: WorkCalendar,
    paused: Iterable[tuple[datetime, datetime]] = (),
) -> float:
    """Office minutes between two instants, minus those inside the `paused` intervals
    (overlapping intervals count once). 0 when `end` is not after `start`."""
    start_ordinal, start_us = calendar._local(start)
    end_ordinal, end_us = calendar._local(end)
    if end <= start:
        return 0.0
    pauses = _merged(paused, start, end)
    first_year = date.fromordinal(start_ordinal).year
    last_year = date.fromordinal(end_ordinal).year
    table = calendar._covering(first_year, last_year)
    position = WorkCalendar._position
    total = position(table, end_ordinal, end_us) - position(table, start_ordinal, start_us)
    for begin, finish in pauses:
        total -= position(table, *calendar._local(finish)) - position(
            table, *calendar._local(begin)
        )
    return total / _US_PER_MINUTE


def add_working_minutes(instant: datetime, minutes, calendar: WorkCalendar) -> datetime:
    """`instant` moved later by `minutes` of office time, without a cut-off: how a paused clock
    moves a due time."""
    numerator, denominator = _ratio(minutes)
    return due_at_after(
        instant, Fraction(numerator, denominator * 60), HOURS, calendar, cutoff=None
    )


__all__ = [
    "CALENDAR_CUTOFF",
    "DAYS",
    "DEFAULT_CUTOFF",
    "DEFAULT_OFFICE_DAY",
    "HOURS",
    "MAX_YEAR",
    "MIN_YEAR",
    "OFFICE_TZ",
    "UNITS",
    "OfficeDay",
    "WorkCalendar",
    "add_working_minutes",
    "clock_start",
    "due_at_after",
    "is_working_time",
    "next_opening",
    "vn_statutory_days",
    "working_minutes_between",
]
