from datetime import date, datetime, time

import pytest

from motcua.common.errors import Conflict, Forbidden, InvalidInput
from motcua.workdays import services
from motcua.workdays.models import CalendarEntry, CalendarEntryKind, CalendarRevision, OfficeHours
from motcua.workdays.selectors import calendar_revision
from motcua.workdays.services import (
    calendar_entry_create,
    calendar_entry_delete,
    calendar_entry_update,
    office_hours_delete,
    office_hours_set,
)

pytestmark = pytest.mark.django_db

HOLIDAY = CalendarEntryKind.HOLIDAY
DAY_OFF = CalendarEntryKind.DAY_OFF
MAKEUP = CalendarEntryKind.MAKEUP_WORKDAY


@pytest.fixture
def hook_calls(monkeypatch):
    calls = []
    monkeypatch.setattr(services, "on_calendar_changed", lambda **kwargs: calls.append(kwargs))
    return calls


def revision_value() -> int:
    return CalendarRevision.objects.get(pk=1).value


class TestCalendarEntryCreate:
    def test_creates_the_entry_bumps_the_revision_and_notifies(self, tree, officers, hook_calls):
        before = calendar_revision()

        entry = calendar_entry_create(
            date=date(2026, 3, 3),
            kind=DAY_OFF,
            name="  Nghỉ lễ hội Tháp Bà  ",
            legal_reference="Quyết định số 1/QĐ-UBND",
            agencies=[tree["province"]],
            actor=officers["province_admin"],
        )

        entry.refresh_from_db()
        assert entry.name == "Nghỉ lễ hội Tháp Bà"
        assert entry.created_by == officers["province_admin"]
        assert list(entry.agencies.all()) == [tree["province"]]
        after = calendar_revision()
        assert after[0] == before[0] + 1
        assert after[1] != before[1]
        assert hook_calls == [
            {"entry_dates": frozenset({date(2026, 3, 3)}), "agency_paths": (tree["province"].path,)}
        ]

    def test_a_nationwide_entry_notifies_without_paths(self, hook_calls):
        calendar_entry_create(date=date(2027, 1, 1), kind=HOLIDAY, name="Tết Dương lịch")
        assert hook_calls == [{"entry_dates": frozenset({date(2027, 1, 1)}), "agency_paths": None}]

    def test_a_date_cannot_be_off_and_worked_for_the_same_scope(self, hook_calls):
        before = revision_value()
        # 2/1/2026 is a nationwide day off since the migration.
        with pytest.raises(Conflict) as error:
            calendar_entry_create(date=date(2026, 1, 2), kind=MAKEUP, name="Làm việc")
        assert error.value.code == "calendar_conflict"
        assert "02/01/2026" in str(error.value.message)
        assert CalendarEntry.objects.filter(date=date(2026, 1, 2)).count() == 1
        assert revision_value() == before
        assert hook_calls == []

    def test_the_same_date_may_differ_between_scopes(self, tree):
        entry = calendar_entry_create(
            date=date(2026, 1, 2), kind=MAKEUP, name="Tỉnh làm việc", agencies=[tree["province"]]
        )
        assert entry.kind == MAKEUP

    def test_agency_scopes_clash_when_they_share_an_agency(self, tree):
        calendar_entry_create(
            date=date(2026, 3, 7),
            kind=MAKEUP,
            name="Làm bù",
            agencies=[tree["province"], tree["other"]],
        )
        with pytest.raises(Conflict):
            calendar_entry_create(
                date=date(2026, 3, 7), kind=DAY_OFF, name="Nghỉ", agencies=[tree["other"]]
            )
        calendar_entry_create(
            date=date(2026, 3, 7), kind=DAY_OFF, name="Nghỉ", agencies=[tree["district"]]
        )

    def test_two_entries_of_the_same_kind_are_allowed(self):
        calendar_entry_create(
            date=date(2026, 1, 2), kind=HOLIDAY, name="Trùng nhưng không mâu thuẫn"
        )
        assert CalendarEntry.objects.filter(date=date(2026, 1, 2)).count() == 2

    @pytest.mark.parametrize(
        ("changes", "code"),
        [
            ({"name": "   "}, "required"),
            ({"name": "x" * 201}, "too_long"),
            ({"legal_reference": "x" * 301}, "too_long"),
            ({"kind": "weekend"}, "invalid_kind"),
            ({"date": datetime(2026, 3, 3, 9, 0)}, "invalid_date"),  # noqa: DTZ001
            ({"date": "2026-03-03"}, "invalid_date"),
            ({"date": date(2150, 1, 1)}, "invalid_date"),
        ],
    )
    def test_bad_values_are_refused_and_nothing_changes(self, changes, code, hook_calls):
        before = (CalendarEntry.objects.count(), revision_value())
        values = {"date": date(2026, 3, 3), "kind": HOLIDAY, "name": "Nghỉ"} | changes
        with pytest.raises(InvalidInput) as error:
            calendar_entry_create(**values)
        assert error.value.code == code
        assert (CalendarEntry.objects.count(), revision_value()) == before
        assert hook_calls == []


class TestPermissions:
    def test_nationwide_entries_need_a_system_admin(self, officers):
        with pytest.raises(Forbidden):
            calendar_entry_create(
                date=date(2026, 3, 3),
                kind=HOLIDAY,
                name="Nghỉ",
                actor=officers["province_admin"],
            )
        entry = calendar_entry_create(
            date=date(2026, 3, 3), kind=HOLIDAY, name="Nghỉ", actor=officers["system_admin"]
        )
        assert entry.created_by == officers["system_admin"]

    def test_an_agency_admin_manages_its_own_subtree_only(self, tree, officers):
        admin = officers["district_admin"]
        calendar_entry_create(
            date=date(2026, 3, 3),
            kind=DAY_OFF,
            name="Nghỉ",
            agencies=[tree["commune"]],
            actor=admin,
        )
        for agency in (tree["province"], tree["other"]):
            with pytest.raises(Forbidden):
                calendar_entry_create(
                    date=date(2026, 3, 4), kind=DAY_OFF, name="Nghỉ", agencies=[agency], actor=admin
                )

    def test_other_roles_may_not_change_the_calendar(self, tree, officers):
        with pytest.raises(Forbidden):
            calendar_entry_create(
                date=date(2026, 3, 3),
                kind=DAY_OFF,
                name="Nghỉ",
                agencies=[tree["province"]],
                actor=officers["specialist"],
            )

    def test_an_agency_admin_cannot_take_a_nationwide_entry_into_its_scope(self, tree, officers):
        entry = CalendarEntry.objects.get(date=date(2026, 1, 2))
        with pytest.raises(Forbidden):
            calendar_entry_update(
                entry=entry, agencies=[tree["province"]], actor=officers["province_admin"]
            )
        with pytest.raises(Forbidden):
            calendar_entry_delete(entry=entry, actor=officers["province_admin"])
        assert not entry.agencies.exists()


class TestCalendarEntryUpdateAndDelete:
    def test_update_changes_only_the_given_fields_and_notifies_both_dates(self, tree, hook_calls):
        entry = calendar_entry_create(
            date=date(2026, 3, 3),
            kind=DAY_OFF,
            name="Nghỉ",
            legal_reference="QĐ 1",
            agencies=[tree["district"]],
        )
        hook_calls.clear()
        before = revision_value()

        calendar_entry_update(entry=entry, date=date(2026, 3, 5), actor=None)

        entry.refresh_from_db()
        assert (entry.date, entry.kind, entry.name, entry.legal_reference) == (
            date(2026, 3, 5),
            DAY_OFF,
            "Nghỉ",
            "QĐ 1",
        )
        assert list(entry.agencies.all()) == [tree["district"]]
        assert revision_value() == before + 1
        assert hook_calls == [
            {
                "entry_dates": frozenset({date(2026, 3, 3), date(2026, 3, 5)}),
                "agency_paths": (tree["district"].path,),
            }
        ]

    def test_update_to_nationwide_notifies_without_paths(self, tree, hook_calls):
        entry = calendar_entry_create(
            date=date(2026, 3, 3), kind=DAY_OFF, name="Nghỉ", agencies=[tree["district"]]
        )
        calendar_entry_update(entry=entry, agencies=[], actor=None)
        assert not entry.agencies.exists()
        assert hook_calls[-1]["agency_paths"] is None

    def test_update_into_a_clash_is_refused(self):
        entry = calendar_entry_create(date=date(2026, 1, 3), kind=MAKEUP, name="Làm bù")
        before = revision_value()
        with pytest.raises(Conflict):
            calendar_entry_update(entry=entry, date=date(2026, 1, 2), actor=None)
        entry.refresh_from_db()
        assert entry.date == date(2026, 1, 3)
        assert revision_value() == before

    def test_an_entry_does_not_clash_with_itself(self):
        entry = CalendarEntry.objects.get(date=date(2026, 1, 2))
        calendar_entry_update(entry=entry, kind=HOLIDAY, actor=None)
        entry.refresh_from_db()
        assert entry.kind == HOLIDAY

    def test_delete(self, hook_calls):
        entry = CalendarEntry.objects.get(date=date(2026, 1, 10))
        before = revision_value()
        calendar_entry_delete(entry=entry, actor=None)
        assert not CalendarEntry.objects.filter(date=date(2026, 1, 10)).exists()
        assert revision_value() == before + 1
        assert hook_calls == [{"entry_dates": frozenset({date(2026, 1, 10)}), "agency_paths": None}]


class TestOfficeHours:
    def test_set_creates_then_replaces_the_row_of_the_same_season(self, tree, hook_calls):
        province = tree["province"]
        first = office_hours_set(
            agency=province,
            season_start_month=4,
            season_start_day=15,
            morning_open=time(7, 0),
            afternoon_close=time(17, 0),
            name="Mùa hè",
        )
        second = office_hours_set(
            agency=province,
            season_start_month=4,
            season_start_day=15,
            morning_open=time(7, 15),
            name="Mùa hè",
        )
        assert second.pk == first.pk
        assert OfficeHours.objects.get(pk=first.pk).morning_open == time(7, 15)
        assert hook_calls == [{"entry_dates": None, "agency_paths": (province.path,)}] * 2

    def test_national_rows_are_one_per_season(self):
        office_hours_set(name="Toàn quốc", morning_open=time(7, 0))
        office_hours_set(name="Toàn quốc", morning_open=time(8, 0))
        assert OfficeHours.objects.get(agency=None).morning_open == time(8, 0)

    @pytest.mark.parametrize(
        ("values", "code"),
        [
            ({"season_start_month": 2, "season_start_day": 29}, "invalid_season"),
            ({"season_start_month": 13}, "invalid_season"),
            ({"morning_open": time(12, 0)}, "invalid_office_hours"),
            ({"morning_close": time(14, 0)}, "invalid_office_hours"),
            ({"afternoon_close": time(13, 0)}, "invalid_office_hours"),
            ({"cutoff": "15:00"}, "invalid_office_hours"),
        ],
    )
    def test_bad_hours_are_refused(self, values, code, hook_calls):
        before = revision_value()
        with pytest.raises(InvalidInput) as error:
            office_hours_set(**values)
        assert error.value.code == code
        assert not OfficeHours.objects.exists()
        assert revision_value() == before
        assert hook_calls == []

    def test_a_row_can_move_to_another_season_but_not_onto_an_existing_one(self, tree):
        province = tree["province"]
        winter = office_hours_set(agency=province, season_start_month=10, season_start_day=15)
        office_hours_set(agency=province, season_start_month=4, season_start_day=15)
        office_hours_set(
            agency=province, season_start_month=11, season_start_day=1, office_hours=winter
        )
        winter.refresh_from_db()
        assert (winter.season_start_month, winter.season_start_day) == (11, 1)
        with pytest.raises(Conflict):
            office_hours_set(
                agency=province, season_start_month=4, season_start_day=15, office_hours=winter
            )

    def test_permissions(self, tree, officers):
        with pytest.raises(Forbidden):
            office_hours_set(actor=officers["province_admin"])
        with pytest.raises(Forbidden):
            office_hours_set(agency=tree["other"], actor=officers["province_admin"])
        row = office_hours_set(agency=tree["commune"], actor=officers["district_admin"])
        with pytest.raises(Forbidden):
            office_hours_delete(office_hours=row, actor=officers["specialist"])

    def test_delete(self, tree, hook_calls):
        row = office_hours_set(agency=tree["district"])
        before = revision_value()
        office_hours_delete(office_hours=row, actor=None)
        assert not OfficeHours.objects.exists()
        assert revision_value() == before + 1
        assert hook_calls[-1] == {"entry_dates": None, "agency_paths": (tree["district"].path,)}


def test_the_revision_row_is_recreated_if_missing():
    CalendarRevision.objects.all().delete()
    calendar_entry_create(date=date(2027, 1, 1), kind=HOLIDAY, name="Tết Dương lịch")
    assert CalendarRevision.objects.get(pk=1).value == 1
