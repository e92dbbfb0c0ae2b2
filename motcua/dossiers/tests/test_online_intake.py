"""The desk's 8 working hours for an online dossier (DOMAIN §2): the deadline and countdown of
`online_intake_deadline`, the intake worklist ordered by it, and the dossier page."""

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from motcua.dossiers.models import RuleVersion
from motcua.dossiers.selectors import (
    IntakeDeadline,
    online_intake_deadline,
    online_intake_deadlines_attach,
)
from motcua.dossiers.tests.factories import HKD, build_office, demo_procedure, local, submit
from motcua.workdays.selectors import calendar_for_agency

pytestmark = pytest.mark.django_db

SUNDAY_EVENING = local(2026, 3, 1, 20, 0)
# Office time 7:30–11:30, 13:30–17:00 (7.5 h): Monday's whole day and Tuesday's first 30 min.
DUE = local(2026, 3, 3, 8, 0)


@pytest.fixture
def office():
    return build_office()


@pytest.fixture
def hkd():
    return demo_procedure(HKD)


@pytest.fixture
def submitted(office, hkd):
    return submit(office, hkd, at=SUNDAY_EVENING)


def deadline(dossier, at):
    return online_intake_deadline(
        dossier=dossier, calendar=calendar_for_agency(dossier.receiving_agency), at=at
    )


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("at", "overdue", "minutes", "label"),
    [
        (local(2026, 3, 2, 8, 0), False, 450, "còn 7 giờ 30 phút làm việc"),
        (local(2026, 3, 2, 13, 40), False, 230, "còn 3 giờ 50 phút làm việc"),
        (local(2026, 3, 2, 15, 0), False, 150, "còn 2 giờ 30 phút làm việc"),
        (local(2026, 3, 2, 20, 0), False, 30, "còn 30 phút làm việc"),  # closed: time stands
        (local(2026, 3, 3, 7, 59, 30), False, 0, "còn dưới 1 phút làm việc"),
        (DUE, True, 0, "đã hết hạn tiếp nhận"),
        (local(2026, 3, 3, 9, 0), True, 60, "quá hạn 1 giờ làm việc"),
        (local(2026, 3, 3, 9, 0, 30), True, 61, "quá hạn 1 giờ 1 phút làm việc"),
        (local(2026, 3, 4, 8, 0), True, 450, "quá hạn 7 giờ 30 phút làm việc"),
    ],
)
def test_eight_working_hours_from_the_submission(submitted, at, overdue, minutes, label):
    result = deadline(submitted, at)

    assert result == IntakeDeadline(due_at=DUE, overdue=overdue, minutes=minutes)
    assert result.label == label


def test_the_hours_come_from_the_dossiers_rule_version(submitted):
    RuleVersion.objects.filter(pk=submitted.rule_version_id).update(online_intake_hours=4)
    submitted.refresh_from_db()

    result = deadline(submitted, local(2026, 3, 2, 8, 0))

    assert result.due_at == local(2026, 3, 2, 11, 30)
    assert result.label == "còn 3 giờ 30 phút làm việc"


def test_a_submission_in_office_hours_counts_from_that_moment(office, hkd):
    dossier = submit(office, hkd, at=local(2026, 3, 2, 10, 0))

    assert deadline(dossier, local(2026, 3, 2, 10, 0)).due_at == local(2026, 3, 3, 10, 30)


def test_a_holiday_does_not_count(office, hkd):
    # Thứ Tư 29/4/2026, 16:00; 30/4 and 1/5 are holidays, then the weekend.
    dossier = submit(office, hkd, at=local(2026, 4, 29, 16, 0))

    result = deadline(dossier, local(2026, 5, 4, 8, 0))

    assert result.due_at == local(2026, 5, 4, 16, 30)
    assert result.label == "còn 6 giờ 30 phút làm việc"


def test_only_a_dossier_waiting_for_the_desk_has_an_intake_deadline(office, hkd, submitted):
    from motcua.dossiers.services import dossier_refuse_intake

    with time_machine.travel(local(2026, 3, 2, 9, 0), tick=False):
        dossier_refuse_intake(actor=office.reception, dossier=submitted, reason="Sai thẩm quyền")

    assert deadline(submitted, local(2026, 3, 2, 9, 0)) is None


def test_a_page_gets_its_deadlines_with_one_calendar_per_desk(
    office, hkd, submitted, django_assert_num_queries
):
    later = submit(office, hkd, at=local(2026, 3, 2, 10, 0))
    calendar_for_agency(office.desk)  # the desk's calendar in the cache

    # the rule versions; the calendar's revision
    with django_assert_num_queries(2):
        rows = online_intake_deadlines_attach(
            dossiers=[submitted, later], at=local(2026, 3, 2, 10, 0)
        )

    assert [row.intake_deadline.label for row in rows] == [
        "còn 5 giờ 30 phút làm việc",
        "còn 8 giờ làm việc",
    ]


# -- pages ---------------------------------------------------------------------------------------


def test_the_intake_worklist_shows_the_countdown_oldest_first(office, hkd, submitted):
    later = submit(office, hkd, at=local(2026, 3, 2, 10, 0))

    with time_machine.travel(local(2026, 3, 3, 9, 0), tick=False):
        response = as_user(office.reception).get(reverse("dossiers:home"), {"tab": "intake"})

    page = response.content.decode()
    assert response.status_code == 200
    assert page.index(submitted.code) < page.index(later.code)
    assert '<th scope="col">Hạn tiếp nhận</th>' in page
    assert '<small class="intake-countdown overdue-label">quá hạn 1 giờ làm việc</small>' in page
    assert '<small class="intake-countdown">còn 1 giờ 30 phút làm việc</small>' in page
    assert page.count('class="is-overdue"') == 1
    assert "08:00 03/03/2026" in page


def test_the_intake_worklist_costs_the_same_queries_for_one_or_many(
    office, hkd, submitted, django_assert_num_queries
):
    client = as_user(office.reception)
    with time_machine.travel(local(2026, 3, 2, 9, 0), tick=False):
        client.get(reverse("dossiers:home"), {"tab": "intake"})  # calendars into the cache
        with django_assert_num_queries(11) as one:
            client.get(reverse("dossiers:home"), {"tab": "intake"})
        submit(office, hkd)
        submit(office, hkd)
        with django_assert_num_queries(len(one.captured_queries)):
            response = client.get(reverse("dossiers:home"), {"tab": "intake"})

    assert len(response.context["page"].object_list) == 3


def test_the_dossier_page_shows_the_intake_deadline(office, submitted):
    with time_machine.travel(local(2026, 3, 2, 13, 40), tick=False):
        response = as_user(office.reception).get(reverse("dossiers:detail", args=[submitted.code]))

    page = response.content.decode()
    assert "Nộp trực tuyến lúc" in page
    assert "20:00 01/03/2026" in page
    assert "Hạn tiếp nhận" in page
    assert "còn 3 giờ 50 phút làm việc" in page


def test_a_received_dossier_page_has_no_intake_deadline(office, hkd):
    from motcua.dossiers.tests.factories import receive

    dossier = receive(office, hkd, at=local(2026, 3, 2, 8, 0))

    page = as_user(office.reception).get(reverse("dossiers:detail", args=[dossier.code]))

    assert "Hạn tiếp nhận" not in page.content.decode()
