"""Worked examples of every due-time rule of DOMAIN.md §3, on pure calendars (no database)."""

from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

import pytest

from motcua.workdays.engine import (
    OFFICE_TZ,
    OfficeDay,
    WorkCalendar,
    add_working_minutes,
    clock_start,
    due_at_after,
    is_working_time,
    next_opening,
    vn_statutory_days,
    working_minutes_between,
)

# The national calendar as the package and the late 2026 decision make it.
NATIONAL = WorkCalendar(non_working_dates={date(2026, 1, 2)}, working_dates={date(2026, 1, 10)})
SUMMER = OfficeDay(time(7, 0), time(11, 30), time(13, 30), time(17, 0))
WINTER = OfficeDay(time(7, 30), time(12, 0), time(13, 0), time(16, 30))
SEASONAL = WorkCalendar(seasons=[(4, 15, SUMMER), (10, 15, WINTER)])


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=OFFICE_TZ)


# 2026-03-02 is a Monday with no holiday around it.
MON = (2026, 3, 2)
TUE = (2026, 3, 3)
WED = (2026, 3, 4)


class TestWholeDays:
    def test_a_receipt_at_opening_ends_at_closing_of_the_last_day(self):
        assert due_at_after(vn(*MON, 7, 30), 3, "days", NATIONAL) == vn(*WED, 17, 0)

    def test_a_receipt_mid_morning_ends_at_the_same_time_n_days_later(self):
        assert due_at_after(vn(*MON, 9, 0), 1, "days", NATIONAL) == vn(*TUE, 9, 0)

    def test_a_receipt_mid_afternoon_ends_at_the_same_time_n_days_later(self):
        assert due_at_after(vn(*MON, 14, 45, 30), 2, "days", NATIONAL) == vn(*WED, 14, 45, 30)

    def test_tet_2026_after_the_cutoff(self):
        # Fri 13/2 16:30: after the cut-off, then Tết 14–22/2: the clock starts Mon 23/2 07:30.
        due = due_at_after(vn(2026, 2, 13, 16, 30), 3, "days", NATIONAL)
        assert due == vn(2026, 2, 25, 17, 0)
        assert due.isoformat() == "2026-02-25T17:00:00+07:00"

    def test_weekends_are_skipped(self):
        assert due_at_after(vn(2026, 3, 6, 10, 0), 1, "days", NATIONAL) == vn(2026, 3, 9, 10, 0)


class TestWhereTheClockStarts:
    def test_before_opening(self):
        assert clock_start(vn(*MON, 6, 0), NATIONAL) == vn(*MON, 7, 30)
        assert due_at_after(vn(*MON, 6, 0), 1, "days", NATIONAL) == vn(*MON, 17, 0)

    def test_in_the_lunch_break_the_clock_starts_at_13_30(self):
        assert clock_start(vn(*MON, 12, 0), NATIONAL) == vn(*MON, 13, 30)
        assert due_at_after(vn(*MON, 12, 0), 2, "hours", NATIONAL) == vn(*MON, 15, 30)

    def test_a_lunch_receipt_plus_whole_days_lands_on_the_morning_closing(self):
        # Four office hours into the day is 11:30 as much as 13:30; a due time keeps 11:30.
        assert due_at_after(vn(*MON, 12, 0), 1, "days", NATIONAL) == vn(*TUE, 11, 30)

    def test_after_closing(self):
        assert clock_start(vn(*MON, 17, 30), NATIONAL) == vn(*TUE, 7, 30)
        assert due_at_after(vn(*MON, 17, 30), 1, "days", NATIONAL) == vn(*TUE, 17, 0)

    def test_exactly_at_closing(self):
        assert clock_start(vn(*MON, 17, 0), NATIONAL) == vn(*TUE, 7, 30)

    def test_after_the_cutoff(self):
        assert clock_start(vn(*MON, 15, 1), NATIONAL) == vn(*TUE, 7, 30)
        assert due_at_after(vn(*MON, 15, 1), 1, "days", NATIONAL) == vn(*TUE, 17, 0)

    def test_exactly_at_the_cutoff_still_counts_that_day(self):
        assert clock_start(vn(*MON, 15, 0), NATIONAL) == vn(*MON, 15, 0)
        assert due_at_after(vn(*MON, 15, 0), 1, "days", NATIONAL) == vn(*TUE, 15, 0)

    def test_a_cutoff_given_by_the_procedure_overrides_the_calendar(self):
        assert due_at_after(vn(*MON, 14, 0), 1, "days", NATIONAL, cutoff=time(13, 45)) == vn(
            *TUE, 17, 0
        )
        assert due_at_after(vn(*MON, 16, 30), 1, "days", NATIONAL, cutoff=None) == vn(*TUE, 16, 30)

    def test_on_a_saturday(self):
        assert clock_start(vn(2026, 3, 7, 10, 0), NATIONAL) == vn(2026, 3, 9, 7, 30)
        assert due_at_after(vn(2026, 3, 7, 10, 0), 1, "days", NATIONAL) == vn(2026, 3, 9, 17, 0)

    def test_on_a_holiday_and_the_swapped_day_after_it(self):
        # 1/1/2026 holiday, 2/1 swapped day off, 3–4/1 weekend: the clock starts Mon 5/1.
        assert clock_start(vn(2026, 1, 1, 9, 0), NATIONAL) == vn(2026, 1, 5, 7, 30)
        assert due_at_after(vn(2026, 1, 1, 9, 0), 1, "days", NATIONAL) == vn(2026, 1, 5, 17, 0)

    def test_on_a_make_up_saturday_the_office_is_open(self):
        assert clock_start(vn(2026, 1, 10, 9, 0), NATIONAL) == vn(2026, 1, 10, 9, 0)
        assert due_at_after(vn(2026, 1, 9, 9, 0), 1, "days", NATIONAL) == vn(2026, 1, 10, 9, 0)

    def test_a_start_in_another_zone_is_converted_to_office_time(self):
        due = due_at_after(datetime(2026, 2, 13, 9, 30, tzinfo=UTC), 3, "days", NATIONAL)
        assert due == vn(2026, 2, 25, 17, 0)
        assert due.tzinfo is OFFICE_TZ
        tokyo = timezone(timedelta(hours=9))
        assert due_at_after(datetime(2026, 3, 2, 11, 0, tzinfo=tokyo), 1, "days", NATIONAL) == (
            vn(*TUE, 9, 0)
        )


class TestSameDayAndFractions:
    def test_zero_days_is_the_closing_time_of_the_starting_day(self):
        assert due_at_after(vn(*MON, 10, 0), 0, "days", NATIONAL) == vn(*MON, 17, 0)

    def test_zero_days_after_the_cutoff_is_the_next_working_days_closing(self):
        assert due_at_after(vn(2026, 3, 6, 15, 30), 0, "days", NATIONAL) == vn(2026, 3, 9, 17, 0)

    def test_zero_days_on_a_day_off(self):
        assert due_at_after(vn(2026, 3, 8, 10, 0), 0, "days", NATIONAL) == vn(2026, 3, 9, 17, 0)

    def test_half_a_day_is_half_the_office_time_of_the_day(self):
        # 7:30–11:30 and 13:30–17:00 make 7.5 hours; half is 3 h 45.
        assert due_at_after(vn(*MON, 7, 30), Decimal("0.5"), "days", NATIONAL) == vn(*MON, 11, 15)
        assert due_at_after(vn(*MON, 10, 0), 0.5, "days", NATIONAL) == vn(*MON, 15, 45)
        assert due_at_after(vn(*MON, 7, 30), Fraction(3, 2), "days", NATIONAL) == vn(*TUE, 11, 15)

    def test_half_a_day_from_the_afternoon_runs_into_the_next_morning(self):
        assert due_at_after(vn(*MON, 15, 0), Decimal("0.5"), "days", NATIONAL) == vn(*TUE, 9, 15)

    def test_zero_hours_is_the_instant_the_clock_starts(self):
        assert due_at_after(vn(*MON, 12, 0), 0, "hours", NATIONAL) == vn(*MON, 13, 30)


class TestHours:
    def test_hours_skip_the_lunch_break(self):
        # 10:00–11:30 is 1.5 h, the other 2.5 h run from 13:30.
        assert due_at_after(vn(*MON, 10, 0), 4, "hours", NATIONAL) == vn(*MON, 16, 0)

    def test_with_winter_hours_four_hours_from_ten_is_three_in_the_afternoon(self):
        winter = WorkCalendar(seasons=[(1, 1, WINTER)])
        assert due_at_after(vn(*MON, 10, 0), 4, "hours", winter) == vn(*MON, 15, 0)

    def test_hours_landing_on_a_session_end_stay_there(self):
        assert due_at_after(vn(*MON, 7, 30), 4, "hours", NATIONAL) == vn(*MON, 11, 30)
        assert due_at_after(vn(*MON, 15, 0), 2, "hours", NATIONAL) == vn(*MON, 17, 0)

    def test_hours_received_after_the_cutoff_start_the_next_morning(self):
        assert due_at_after(vn(*MON, 16, 0), 1, "hours", NATIONAL) == vn(*TUE, 8, 30)

    def test_hours_spanning_days_and_a_weekend(self):
        # 14:00–17:00 is 3 h, the other 2 h run from Tuesday's opening.
        assert due_at_after(vn(*MON, 14, 0), 5, "hours", NATIONAL) == vn(*TUE, 9, 30)
        # Friday 14:30–17:00 is 2.5 h: exactly that lands on Friday's closing, not Monday.
        assert due_at_after(vn(2026, 3, 6, 14, 30), 2.5, "hours", NATIONAL) == vn(2026, 3, 6, 17, 0)
        assert due_at_after(vn(2026, 3, 6, 14, 30), 3, "hours", NATIONAL) == vn(2026, 3, 9, 8, 0)

    def test_the_eight_working_hours_of_an_online_dossier(self):
        # 30 working hours: four full days (7.5 h each) from Monday's opening.
        assert due_at_after(vn(*MON, 7, 30), 30, "hours", NATIONAL) == vn(2026, 3, 5, 17, 0)
        assert due_at_after(vn(*MON, 9, 0), 8, "hours", NATIONAL) == vn(*TUE, 9, 30)

    def test_fractional_hours(self):
        assert due_at_after(vn(*MON, 7, 30), Decimal("0.25"), "hours", NATIONAL) == vn(*MON, 7, 45)

    def test_working_minutes_can_be_added(self):
        assert add_working_minutes(vn(*MON, 11, 0), 45, NATIONAL) == vn(*MON, 13, 45)
        # No cut-off when moving a paused due time.
        assert add_working_minutes(vn(*MON, 16, 0), 30, NATIONAL) == vn(*MON, 16, 30)


class TestSeasons:
    def test_each_season_has_its_hours_and_the_winter_wraps_round_the_new_year(self):
        assert SEASONAL.office_day(date(2026, 1, 5)) == WINTER
        assert SEASONAL.office_day(date(2026, 4, 14)) == WINTER
        assert SEASONAL.office_day(date(2026, 4, 15)) == SUMMER
        assert SEASONAL.office_day(date(2026, 10, 14)) == SUMMER
        assert SEASONAL.office_day(date(2026, 10, 15)) == WINTER
        assert SEASONAL.office_day(date(2026, 10, 17)) is None  # a Saturday

    def test_lunch_and_opening_follow_the_season(self):
        assert clock_start(vn(2026, 1, 5, 12, 30), SEASONAL) == vn(2026, 1, 5, 13, 0)
        assert clock_start(vn(2026, 6, 1, 12, 30), SEASONAL) == vn(2026, 6, 1, 13, 30)
        assert clock_start(vn(2026, 6, 1, 6, 0), SEASONAL) == vn(2026, 6, 1, 7, 0)

    def test_a_due_time_across_the_season_change_keeps_the_position_in_the_day(self):
        # Tue 14/4 09:30 is 2 h into a winter day; 1 day later is 2 h into a summer day.
        assert due_at_after(vn(2026, 4, 14, 9, 30), 1, "days", SEASONAL) == vn(2026, 4, 15, 9, 0)
        assert due_at_after(vn(2026, 4, 14, 7, 30), 1, "days", SEASONAL) == vn(2026, 4, 14, 16, 30)
        assert due_at_after(vn(2026, 4, 14, 7, 30), 2, "days", SEASONAL) == vn(2026, 4, 15, 17, 0)

    def test_days_of_unequal_length_keep_the_same_share_of_the_day(self):
        short = OfficeDay(time(8, 0), time(10, 0), time(13, 0), time(15, 0))  # 4 h
        long = OfficeDay(time(7, 0), time(11, 0), time(13, 0), time(17, 0))  # 8 h
        calendar = WorkCalendar(seasons=[(1, 1, short), (3, 3, long)], cutoff=None)
        # Mon 2/3 at 09:00 is a quarter of a 4-hour day; a quarter of Tue's 8 hours is 09:00.
        assert due_at_after(vn(*MON, 9, 0), 1, "days", calendar) == vn(*TUE, 9, 0)
        assert due_at_after(vn(*MON, 14, 0), 1, "days", calendar) == vn(*TUE, 15, 0)
        # Half of Monday's 4 hours from its opening is the end of its morning session.
        assert due_at_after(vn(*MON, 8, 0), Decimal("0.5"), "days", calendar) == vn(*MON, 10, 0)


class TestQueries:
    def test_is_working_time(self):
        assert is_working_time(vn(*MON, 7, 30), NATIONAL)
        assert not is_working_time(vn(*MON, 7, 29, 59), NATIONAL)
        assert not is_working_time(vn(*MON, 11, 30), NATIONAL)
        assert is_working_time(vn(*MON, 13, 30), NATIONAL)
        assert not is_working_time(vn(*MON, 17, 0), NATIONAL)
        assert not is_working_time(vn(2026, 3, 7, 10, 0), NATIONAL)
        assert is_working_time(vn(2026, 1, 10, 10, 0), NATIONAL)
        assert not is_working_time(vn(2026, 1, 2, 10, 0), NATIONAL)

    def test_next_opening(self):
        assert next_opening(vn(*MON, 9, 15), NATIONAL) == vn(*MON, 9, 15)
        assert next_opening(vn(*MON, 11, 30), NATIONAL) == vn(*MON, 13, 30)
        assert next_opening(vn(*MON, 15, 30), NATIONAL) == vn(*MON, 15, 30)  # no cut-off
        assert next_opening(vn(2026, 3, 6, 18, 0), NATIONAL) == vn(2026, 3, 9, 7, 30)

    def test_working_minutes_between(self):
        assert working_minutes_between(vn(*MON, 7, 0), vn(*WED, 7, 0), NATIONAL) == 900
        assert working_minutes_between(vn(*MON, 11, 0), vn(*MON, 14, 0), NATIONAL) == 60
        assert working_minutes_between(vn(2026, 3, 6, 16, 0), vn(2026, 3, 9, 8, 0), NATIONAL) == 90
        assert working_minutes_between(vn(*TUE, 9, 0), vn(*MON, 9, 0), NATIONAL) == 0

    def test_working_minutes_between_minus_paused_intervals(self):
        paused = [
            (vn(*MON, 13, 30), vn(*MON, 15, 30)),
            (vn(*MON, 15, 0), vn(*MON, 16, 0)),  # overlaps the first: counted once
            (vn(2026, 2, 1, 0, 0), vn(*MON, 8, 0)),  # starts before the span
        ]
        minutes = working_minutes_between(vn(*MON, 7, 30), vn(*TUE, 7, 30), NATIONAL, paused)
        assert minutes == 450 - 150 - 30

    def test_a_tet_week_has_no_working_minutes(self):
        assert working_minutes_between(vn(2026, 2, 14), vn(2026, 2, 23), NATIONAL) == 0


class TestCalendarData:
    def test_make_up_days_override_the_package_and_the_weekend(self):
        calendar = WorkCalendar(working_dates={date(2026, 2, 17), date(2026, 3, 7)})
        assert calendar.is_working_day(date(2026, 2, 17))
        assert calendar.is_working_day(date(2026, 3, 7))
        assert not NATIONAL.is_working_day(date(2026, 2, 17))

    def test_days_off_override_a_weekday(self):
        calendar = WorkCalendar(non_working_dates={date(2026, 3, 3)})
        assert due_at_after(vn(*MON, 9, 0), 1, "days", calendar) == vn(*WED, 9, 0)

    def test_the_package_swaps_are_honoured_without_entries(self):
        # The package knows Sat 26/4/2025 was worked for Fri 2/5/2025.
        off, worked = vn_statutory_days(2025)
        assert date(2025, 5, 2) in off
        assert worked == {date(2025, 4, 26)}
        plain = WorkCalendar()
        assert plain.is_working_day(date(2025, 4, 26))
        assert not plain.is_working_day(date(2025, 5, 2))

    def test_a_date_cannot_be_both_off_and_worked(self):
        with pytest.raises(ValueError, match="both"):
            WorkCalendar(non_working_dates={date(2026, 1, 2)}, working_dates={date(2026, 1, 2)})

    def test_bad_office_hours_and_seasons_are_refused(self):
        with pytest.raises(ValueError, match="morning_open"):
            OfficeDay(time(11, 30), time(7, 30), time(13, 30), time(17, 0))
        with pytest.raises(ValueError, match="day is out of range"):
            WorkCalendar(seasons=[(2, 30, SUMMER)])
        with pytest.raises(ValueError, match="same day"):
            WorkCalendar(seasons=[(1, 1, SUMMER), (1, 1, WINTER)])

    def test_the_precomputed_years_grow_on_demand(self):
        calendar = WorkCalendar(statutory=None)
        assert due_at_after(vn(2026, 3, 2, 9, 0), 1, "days", calendar) == vn(2026, 3, 3, 9, 0)
        assert due_at_after(vn(1990, 3, 1, 9, 0), 1, "days", calendar) == vn(1990, 3, 2, 9, 0)
        # 2088-01-01 is a Thursday; 500 working days without holidays are 100 weeks (700 days).
        assert due_at_after(vn(2088, 1, 1, 9, 0), 500, "days", calendar) == vn(2089, 12, 1, 9, 0)
        assert working_minutes_between(vn(2026, 3, 2), vn(2026, 3, 9), calendar) == 5 * 450


class TestBadInput:
    def test_a_naive_start_is_refused(self):
        with pytest.raises(ValueError, match="aware"):
            due_at_after(datetime(2026, 3, 2, 9, 0), 1, "days", NATIONAL)  # noqa: DTZ001

    @pytest.mark.parametrize("amount", [-1, Decimal("-0.5"), -0.1])
    def test_a_negative_amount_is_refused(self, amount):
        with pytest.raises(ValueError, match="negative"):
            due_at_after(vn(*MON, 9, 0), amount, "days", NATIONAL)

    @pytest.mark.parametrize("amount", [Decimal("NaN"), float("inf"), Decimal("Infinity")])
    def test_a_non_finite_amount_is_refused(self, amount):
        with pytest.raises(ValueError, match="finite"):
            due_at_after(vn(*MON, 9, 0), amount, "days", NATIONAL)

    @pytest.mark.parametrize("amount", ["3", None, True])
    def test_a_non_number_is_refused(self, amount):
        with pytest.raises(TypeError):
            due_at_after(vn(*MON, 9, 0), amount, "days", NATIONAL)

    def test_an_unknown_unit_is_refused(self):
        with pytest.raises(ValueError, match="unit"):
            due_at_after(vn(*MON, 9, 0), 1, "weeks", NATIONAL)

    def test_a_due_time_beyond_the_supported_years_is_refused(self):
        with pytest.raises(ValueError, match="2100"):
            due_at_after(vn(2100, 12, 1, 9, 0), 100, "days", NATIONAL)
        with pytest.raises(ValueError, match="1901"):
            due_at_after(vn(1900, 6, 1, 9, 0), 1, "days", NATIONAL)
