"""The admin writes through the services: validation, revision and created_by included."""

from datetime import date, time

import pytest
from django.urls import reverse

from motcua.organizations.models import User
from motcua.workdays.models import CalendarEntry, CalendarEntryKind, CalendarRevision, OfficeHours
from motcua.workdays.services import calendar_entry_create, office_hours_set

pytestmark = pytest.mark.django_db


def revision() -> int:
    return CalendarRevision.objects.get(pk=1).value


@pytest.fixture
def superuser():
    return User.objects.create_superuser("admin", "admin@example.org", "mật-khẩu-quản-trị")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def officer_client(client, officers):
    officer = officers["district_admin"]
    officer.is_staff = True
    officer.save(update_fields=["is_staff"])
    from django.contrib.auth.models import Permission

    officer.user_permissions.set(Permission.objects.filter(content_type__app_label="workdays"))
    client.force_login(officer)
    return client


ENTRY_URL = "admin:workdays_calendarentry"


def entry_form(**values) -> dict:
    return {
        "date": "2026-03-03",
        "kind": CalendarEntryKind.DAY_OFF,
        "name": "Nghỉ lễ hội",
        "legal_reference": "Quyết định số 5/QĐ-UBND",
        "agencies": [],
    } | values


class TestCalendarEntryAdmin:
    def test_the_list_and_its_filters_show(self, admin_client, tree):
        calendar_entry_create(
            date=date(2026, 3, 3), kind="day_off", name="Nghỉ huyện", agencies=[tree["district"]]
        )
        response = admin_client.get(reverse(f"{ENTRY_URL}_changelist"), {"date__year": "2026"})
        assert response.status_code == 200
        content = response.content.decode()
        assert "Nghỉ hoán đổi (làm bù thứ Bảy 10/01/2026)" in content
        assert "UBND huyện Diên Khánh" in content
        assert "Thứ Bảy" in content
        national = admin_client.get(reverse(f"{ENTRY_URL}_changelist"), {"scope": "national"})
        assert "Nghỉ huyện" not in national.content.decode()

    def test_add_goes_through_the_service(self, admin_client, superuser, tree):
        before = revision()
        response = admin_client.post(
            reverse(f"{ENTRY_URL}_add"), entry_form(agencies=[tree["district"].pk])
        )
        assert response.status_code == 302
        entry = CalendarEntry.objects.get(name="Nghỉ lễ hội")
        assert entry.date == date(2026, 3, 3)
        assert entry.created_by == superuser
        assert list(entry.agencies.all()) == [tree["district"]]
        assert revision() == before + 1

    def test_a_clash_is_a_form_error(self, admin_client):
        before = (CalendarEntry.objects.count(), revision())
        response = admin_client.post(
            reverse(f"{ENTRY_URL}_add"),
            entry_form(date="2026-01-02", kind=CalendarEntryKind.MAKEUP_WORKDAY),
        )
        assert response.status_code == 200
        assert "không thể vừa là ngày nghỉ vừa là ngày làm việc" in response.content.decode()
        assert (CalendarEntry.objects.count(), revision()) == before

    def test_change_and_delete_go_through_the_services(self, admin_client):
        entry = CalendarEntry.objects.get(date=date(2026, 1, 10))
        before = revision()
        response = admin_client.post(
            reverse(f"{ENTRY_URL}_change", args=[entry.pk]),
            entry_form(
                date="2026-01-17",
                kind=CalendarEntryKind.MAKEUP_WORKDAY,
                name=entry.name,
                legal_reference=entry.legal_reference,
            ),
        )
        assert response.status_code == 302
        entry.refresh_from_db()
        assert entry.date == date(2026, 1, 17)
        assert revision() == before + 1

        response = admin_client.post(
            reverse(f"{ENTRY_URL}_delete", args=[entry.pk]), {"post": "yes"}
        )
        assert response.status_code == 302
        assert not CalendarEntry.objects.filter(pk=entry.pk).exists()
        assert revision() == before + 2

    def test_the_bulk_delete_action_goes_through_the_service(self, admin_client):
        ids = list(CalendarEntry.objects.filter(date__year=2025).values_list("pk", flat=True)[:2])
        before = revision()
        response = admin_client.post(
            reverse(f"{ENTRY_URL}_changelist"),
            {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
        )
        assert response.status_code == 302
        assert not CalendarEntry.objects.filter(pk__in=ids).exists()
        assert revision() == before + 2

    def test_an_agency_admin_is_refused_a_nationwide_entry_with_a_message(
        self, officer_client, tree
    ):
        response = officer_client.post(reverse(f"{ENTRY_URL}_add"), entry_form())
        assert response.status_code == 200
        assert "Chỉ quản trị hệ thống" in response.content.decode()
        response = officer_client.post(
            reverse(f"{ENTRY_URL}_add"), entry_form(agencies=[tree["commune"].pk])
        )
        assert response.status_code == 302
        assert CalendarEntry.objects.get(name="Nghỉ lễ hội").created_by.username == "qt.huyen"


HOURS_URL = "admin:workdays_officehours"


def hours_form(**values) -> dict:
    return {
        "agency": "",
        "name": "Giờ mùa hè",
        "season_start_day": "15",
        "season_start_month": "4",
        "morning_open": "07:00",
        "morning_close": "11:30",
        "afternoon_open": "13:30",
        "afternoon_close": "17:00",
        "cutoff": "15:00",
    } | values


class TestOfficeHoursAdmin:
    def test_add_change_delete_through_the_services(self, admin_client, tree):
        before = revision()
        response = admin_client.post(
            reverse(f"{HOURS_URL}_add"), hours_form(agency=tree["province"].pk)
        )
        assert response.status_code == 302
        row = OfficeHours.objects.get()
        assert (row.agency, row.morning_open) == (tree["province"], time(7, 0))
        assert revision() == before + 1

        response = admin_client.post(
            reverse(f"{HOURS_URL}_change", args=[row.pk]),
            hours_form(agency=tree["province"].pk, season_start_month="5", morning_open="06:45"),
        )
        assert response.status_code == 302
        row.refresh_from_db()
        assert (row.season_start_month, row.morning_open) == (5, time(6, 45))

        response = admin_client.get(reverse(f"{HOURS_URL}_changelist"))
        assert "UBND tỉnh Khánh Hòa" in response.content.decode()
        assert "06:45–11:30" in response.content.decode()

        response = admin_client.post(reverse(f"{HOURS_URL}_delete", args=[row.pk]), {"post": "yes"})
        assert response.status_code == 302
        assert not OfficeHours.objects.exists()
        assert revision() == before + 3

    @pytest.mark.parametrize(
        ("values", "message"),
        [
            ({"morning_open": "12:00"}, "Giờ làm việc phải theo thứ tự"),
            ({"season_start_day": "30", "season_start_month": "2"}, "không hợp lệ: 30/2"),
        ],
    )
    def test_bad_hours_are_form_errors(self, admin_client, values, message):
        response = admin_client.post(reverse(f"{HOURS_URL}_add"), hours_form(**values))
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not OfficeHours.objects.exists()

    def test_a_second_row_for_the_same_season_is_a_form_error(self, admin_client):
        office_hours_set(season_start_month=4, season_start_day=15)
        response = admin_client.post(reverse(f"{HOURS_URL}_add"), hours_form())
        assert response.status_code == 200
        assert "Đã có giờ làm việc toàn quốc áp dụng từ cùng ngày" in response.content.decode()
        assert OfficeHours.objects.count() == 1
