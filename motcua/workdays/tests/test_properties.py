"""Properties of the due-time engine that every calendar must keep (hypothesis)."""

from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.workdays.engine import (
    OFFICE_TZ,
    OfficeDay,
    WorkCalendar,
    clock_start,
    due_at_after,
    working_minutes_between,
)

NATIONAL = WorkCalendar(non_working_dates={date(2026, 1, 2)}, working_dates={date(2026, 1, 10)})
# Seasons of unequal length (8 h and 7 h) and a winter wrapping round the new year.
SEASONAL = WorkCalendar(
    seasons=[
        (4, 15, OfficeDay(time(7, 0), time(11, 30), time(13, 30), time(17, 0))),
        (10, 15, OfficeDay(time(7, 30), time(11, 30), time(13, 0), time(16, 0), cutoff=None)),
    ],
    cutoff=time(15, 30),
)
CALENDARS = st.sampled_from([NATIONAL, SEASONAL])

starts = st.datetimes(
    min_value=datetime(2025, 1, 1),  # noqa: DTZ001 — hypothesis adds the zones below
    max_value=datetime(2026, 12, 31, 23, 59),  # noqa: DTZ001
    timezones=st.sampled_from([OFFICE_TZ, UTC, timezone(timedelta(hours=-5))]),
)
units = st.sampled_from(["days", "hours"])
amounts = st.one_of(
    st.integers(min_value=0, max_value=40),
    st.decimals(min_value=0, max_value=40, places=2),
    st.fractions(min_value=0, max_value=40, max_denominator=12),
)
EXAMPLES = settings(max_examples=150, deadline=None)


def in_office(instant: datetime, calendar: WorkCalendar) -> bool:
    """On a working day, within a session, its opening and closing included."""
    office_day = calendar.office_day(instant.date())
    if office_day is None:
        return False
    wall = instant.timetz().replace(tzinfo=None)
    return (
        office_day.morning_open <= wall <= office_day.morning_close
        or office_day.afternoon_open <= wall <= office_day.afternoon_close
    )


@EXAMPLES
@given(calendar=CALENDARS, start=starts, amount=amounts, unit=units)
def test_a_due_time_is_never_outside_office_time(calendar, start, amount, unit):
    due = due_at_after(start, amount, unit, calendar)
    assert due.tzinfo is OFFICE_TZ
    assert in_office(due, calendar)
    assert due >= start


@EXAMPLES
@given(calendar=CALENDARS, start=starts, a=amounts, b=amounts, unit=units)
def test_more_time_never_gives_an_earlier_due_time(calendar, start, a, b, unit):
    low, high = sorted([a, b])
    if unit == "days" and low == 0 and high < 1:
        # "Trong ngày" (0 days) is the closing time of the day, a fraction of a day is a share
        # of its office time (DOMAIN.md §3): 0 days ends later than 0.5 day received at 07:30.
        high += 1
    assert due_at_after(start, low, unit, calendar) <= due_at_after(start, high, unit, calendar)


@EXAMPLES
@given(
    calendar=CALENDARS,
    start=starts,
    later_by=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20)),
    amount=amounts,
    unit=units,
)
def test_a_later_receipt_never_gives_an_earlier_due_time(calendar, start, later_by, amount, unit):
    assert due_at_after(start, amount, unit, calendar) <= due_at_after(
        start + later_by, amount, unit, calendar
    )


@EXAMPLES
@given(
    start=starts,
    amount=amounts,
    unit=units,
    holiday=st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 6, 30)),
)
def test_adding_a_holiday_never_gives_an_earlier_due_time(start, amount, unit, holiday):
    with_holiday = WorkCalendar(
        non_working_dates=NATIONAL.non_working_dates | {holiday} - NATIONAL.working_dates,
        working_dates=NATIONAL.working_dates - {holiday},
    )
    assert due_at_after(start, amount, unit, NATIONAL) <= due_at_after(
        start, amount, unit, with_holiday
    )


@EXAMPLES
@given(calendar=CALENDARS, start=starts, hours=st.decimals(min_value=0, max_value=200, places=2))
def test_hours_are_office_time_from_the_clock_start(calendar, start, hours):
    due = due_at_after(start, hours, "hours", calendar)
    minutes = working_minutes_between(clock_start(start, calendar), due, calendar)
    assert Decimal(str(minutes)) == hours * 60


@EXAMPLES
@given(start=starts, days=st.integers(min_value=1, max_value=30))
def test_whole_days_are_whole_office_days_on_a_calendar_of_equal_days(start, days):
    due = due_at_after(start, days, "days", NATIONAL)
    assert working_minutes_between(clock_start(start, NATIONAL), due, NATIONAL) == days * 450
