from datetime import date, datetime, time

import pytest

from motcua.workdays.engine import OFFICE_TZ, OfficeDay, due_at_after
from motcua.workdays.models import CalendarEntryKind
from motcua.workdays.selectors import (
    calendar_entry_list,
    calendar_for_agency,
    office_hours_rows,
    resolved_entry_dates,
)
from motcua.workdays.services import calendar_entry_create, office_hours_set

pytestmark = pytest.mark.django_db

SUMMER = {
    "morning_open": time(7, 0),
    "morning_close": time(11, 30),
    "afternoon_open": time(13, 30),
    "afternoon_close": time(17, 0),
}
WINTER = {
    "morning_open": time(7, 30),
    "morning_close": time(12, 0),
    "afternoon_open": time(13, 0),
    "afternoon_close": time(16, 30),
}


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=OFFICE_TZ)


class TestOfficeHoursInheritance:
    @pytest.fixture
    def seasons(self, tree):
        province = tree["province"]
        office_hours_set(agency=province, season_start_month=4, season_start_day=15, **SUMMER)
        office_hours_set(agency=province, season_start_month=10, season_start_day=15, **WINTER)

    def test_without_rows_the_built_in_default_applies(self, tree):
        assert office_hours_rows(agency=tree["commune"]) == []
        calendar = calendar_for_agency(tree["commune"])
        assert calendar.office_day(date(2026, 3, 2)) == OfficeDay(cutoff=time(15, 0))
        assert due_at_after(vn(2026, 3, 2, 10, 0), 4, "hours", calendar) == vn(2026, 3, 2, 16, 0)

    def test_a_commune_inherits_its_provinces_seasons_through_the_district(self, tree, seasons):
        calendar = calendar_for_agency(tree["commune"])
        assert calendar.office_day(date(2026, 1, 5)).morning_close == time(12, 0)
        assert calendar.office_day(date(2026, 6, 1)).morning_open == time(7, 0)
        # Winter: 10:00 + 4 hours = 15:00 (lunch 12:00–13:00); summer: 16:00.
        assert due_at_after(vn(2026, 1, 5, 10, 0), 4, "hours", calendar) == vn(2026, 1, 5, 15, 0)
        assert due_at_after(vn(2026, 6, 1, 10, 0), 4, "hours", calendar) == vn(2026, 6, 1, 16, 0)
        # Across the change on 15/4/2026: 2 h into Tuesday's winter day → 2 h into Wednesday.
        assert due_at_after(vn(2026, 4, 14, 9, 30), 1, "days", calendar) == vn(2026, 4, 15, 9, 0)

    def test_the_nearest_ancestor_with_rows_wins(self, tree, seasons):
        office_hours_set(agency=tree["district"], **SUMMER | {"morning_open": time(8, 0)})
        commune = calendar_for_agency(tree["commune"])
        assert commune.office_day(date(2026, 1, 5)).morning_open == time(8, 0)
        assert commune.office_day(date(2026, 6, 1)).morning_open == time(8, 0)
        department = calendar_for_agency(tree["department"])
        assert department.office_day(date(2026, 1, 5)).morning_open == time(7, 30)

    def test_the_national_rows_apply_where_no_ancestor_has_rows(self, tree, seasons):
        office_hours_set(**WINTER | {"morning_open": time(7, 45)}, cutoff=time(14, 0))
        other = calendar_for_agency(tree["other"])
        assert other.office_day(date(2026, 6, 1)).morning_open == time(7, 45)
        # The national cut-off of 14:00 applies too.
        assert due_at_after(vn(2026, 6, 1, 14, 30), 0, "days", other) == vn(2026, 6, 2, 16, 30)
        assert calendar_for_agency().office_day(date(2026, 6, 1)).morning_open == time(7, 45)
        assert calendar_for_agency(tree["commune"]).office_day(date(2026, 6, 1)).morning_open == (
            time(7, 0)
        )

    def test_the_cutoff_of_the_row_applies(self, tree):
        office_hours_set(agency=tree["province"], cutoff=time(16, 0))
        calendar = calendar_for_agency(tree["commune"])
        assert due_at_after(vn(2026, 3, 2, 15, 30), 0, "days", calendar) == vn(2026, 3, 2, 17, 0)
        assert due_at_after(vn(2026, 3, 2, 16, 10), 0, "days", calendar) == vn(2026, 3, 3, 17, 0)


class TestAgencyScopedEntries:
    def test_an_entry_applies_to_its_agencys_subtree_only(self, tree):
        calendar_entry_create(
            date=date(2026, 3, 3),
            kind=CalendarEntryKind.DAY_OFF,
            name="Nghỉ lễ hội",
            agencies=[tree["district"]],
        )
        tuesday = date(2026, 3, 3)
        assert not calendar_for_agency(tree["district"]).is_working_day(tuesday)
        assert not calendar_for_agency(tree["commune"]).is_working_day(tuesday)
        assert calendar_for_agency(tree["province"]).is_working_day(tuesday)
        assert calendar_for_agency(tree["department"]).is_working_day(tuesday)
        assert calendar_for_agency(tree["other"]).is_working_day(tuesday)
        assert calendar_for_agency().is_working_day(tuesday)
        assert due_at_after(
            vn(2026, 3, 2, 9, 0), 1, "days", calendar_for_agency(tree["commune"])
        ) == vn(2026, 3, 4, 9, 0)

    def test_the_deepest_scope_decides_a_date(self, tree):
        # Nationwide 2/1/2026 is off; the province works, its district does not.
        calendar_entry_create(
            date=date(2026, 1, 2),
            kind=CalendarEntryKind.MAKEUP_WORKDAY,
            name="Tỉnh làm việc",
            agencies=[tree["province"]],
        )
        calendar_entry_create(
            date=date(2026, 1, 2),
            kind=CalendarEntryKind.DAY_OFF,
            name="Huyện nghỉ",
            agencies=[tree["district"]],
        )
        day = date(2026, 1, 2)
        assert not calendar_for_agency().is_working_day(day)
        assert calendar_for_agency(tree["province"]).is_working_day(day)
        assert calendar_for_agency(tree["department"]).is_working_day(day)
        assert not calendar_for_agency(tree["commune"]).is_working_day(day)
        off, worked = resolved_entry_dates(agency=tree["department"])
        assert day in worked
        assert day not in off

    def test_entry_list_shows_what_applies(self, tree):
        calendar_entry_create(
            date=date(2026, 3, 3),
            kind=CalendarEntryKind.DAY_OFF,
            name="Huyện nghỉ",
            agencies=[tree["district"]],
        )
        names = [e.name for e in calendar_entry_list(agency=tree["commune"], year=2026)]
        assert len(names) == 16
        assert "Huyện nghỉ" in names
        assert "Huyện nghỉ" not in [e.name for e in calendar_entry_list(agency=tree["other"])]
        assert calendar_entry_list(year=2025).count() == 13


class TestCache:
    def test_a_cached_calendar_costs_one_query(self, tree, django_assert_num_queries):
        first = calendar_for_agency(tree["commune"])
        with django_assert_num_queries(1):
            assert calendar_for_agency(tree["commune"]) is first

    def test_any_change_is_seen_at_the_next_call(self, tree):
        before = calendar_for_agency(tree["commune"])
        assert before.is_working_day(date(2026, 3, 3))
        calendar_entry_create(
            date=date(2026, 3, 3),
            kind=CalendarEntryKind.DAY_OFF,
            name="Nghỉ",
            agencies=[tree["province"]],
        )
        after = calendar_for_agency(tree["commune"])
        assert after is not before
        assert not after.is_working_day(date(2026, 3, 3))
        office_hours_set(agency=tree["province"], morning_open=time(8, 0))
        assert calendar_for_agency(tree["commune"]).office_day(date(2026, 3, 4)).morning_open == (
            time(8, 0)
        )
