"""The supervisor's figures for one day and the last days, the page, its access and the Excel
export."""

from io import BytesIO

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from motcua.organizations.models import Role
from motcua.queueing.services import (
    ticket_call_next,
    ticket_finish,
    ticket_no_show,
    ticket_start_serving,
)
from motcua.queueing.stats import queue_day_stats, queue_history
from motcua.queueing.statuses import TicketPriority
from motcua.queueing.tests.factories import DESK_CODE, build_desk, issue, local, make_officer

pytestmark = pytest.mark.django_db

MONDAY = local(2026, 3, 2).date()
SUNDAY = local(2026, 3, 1).date()


@pytest.fixture
def day():
    """A morning at the desk, seen at 8:30:
    8:00 A001, A002 (elderly); 8:01 B003; 8:05 counter 1 calls A002 (5 min), serves 8:06–8:16;
    8:10 counter 3 calls B003 (9 min), no-show 8:12; 8:20 counter 1 calls A001 (20 min),
    serves 8:20–8:30; 8:21 A004 still waiting at 8:30 (9 min). The day before: one ticket."""
    with time_machine.travel(local(2026, 3, 1, 9, 0), tick=False) as clock:
        desk = build_desk()
        issue(desk, "A")
        clock.move_to(local(2026, 3, 2, 8, 0))
        a1, a2 = issue(desk, "A"), issue(desk, "A", TicketPriority.ELDERLY)
        clock.move_to(local(2026, 3, 2, 8, 1))
        b3 = issue(desk, "B")
        one, three, officer = desk.counters[1], desk.counters[3], desk.officer
        clock.move_to(local(2026, 3, 2, 8, 5))
        assert ticket_call_next(counter=one, actor=officer) == a2
        clock.move_to(local(2026, 3, 2, 8, 6))
        ticket_start_serving(counter=one, ticket=a2, actor=officer)
        clock.move_to(local(2026, 3, 2, 8, 10))
        assert ticket_call_next(counter=three, actor=officer) == b3
        clock.move_to(local(2026, 3, 2, 8, 12))
        ticket_no_show(counter=three, ticket=b3, actor=officer)
        clock.move_to(local(2026, 3, 2, 8, 16))
        ticket_finish(counter=one, ticket=a2, actor=officer)
        clock.move_to(local(2026, 3, 2, 8, 20))
        assert ticket_call_next(counter=one, actor=officer) == a1
        ticket_start_serving(counter=one, ticket=a1, actor=officer)
        clock.move_to(local(2026, 3, 2, 8, 21))
        issue(desk, "A")
        clock.move_to(local(2026, 3, 2, 8, 30))
        ticket_finish(counter=one, ticket=a1, actor=officer)
        yield desk


def figures(row) -> tuple:
    return (
        row.name,
        row.issued,
        row.priority,
        row.called,
        row.done,
        row.no_show,
        row.in_line,
        row.average_wait,
        row.longest_wait,
        row.average_service,
    )


def test_a_days_figures_per_area_and_counter(day, django_assert_num_queries):
    with django_assert_num_queries(3):
        stats = queue_day_stats(desk=day.desk, day=MONDAY)

    assert figures(stats.total) == ("Cả bộ phận", 4, 1, 3, 2, 1, 1, 10.8, 20.0, 10.0)
    assert [figures(row) for row in stats.areas] == [
        ("A — Tư pháp – Hộ tịch", 3, 1, 2, 2, 0, 1, 11.3, 20.0, 10.0),
        ("B — Đất đai", 1, 0, 1, 0, 1, 0, 9.0, 9.0, None),
    ]
    assert [figures(row) for row in stats.counters] == [
        ("Quầy 1 — Quầy Tư pháp – Hộ tịch", 0, 0, 2, 2, 0, 0, 12.5, 20.0, 10.0),
        ("Quầy 2 — Quầy tổng hợp", 0, 0, 0, 0, 0, 0, None, None, None),
        ("Quầy 3 — Quầy Đất đai", 0, 0, 1, 0, 1, 0, 9.0, 9.0, None),
    ]
    longest = stats.longest
    assert (longest.label, longest.service, longest.minutes, longest.still_waiting) == (
        "A001",
        "Tư pháp – Hộ tịch",
        20.0,
        False,
    )
    assert [t.label for t in stats.tickets] == ["A001", "A002", "B003", "A004"]


def test_a_ticket_waiting_now_counts_until_now_and_may_be_the_longest(day):
    with time_machine.travel(local(2026, 3, 2, 9, 0), tick=False):
        stats = queue_day_stats(desk=day.desk, day=MONDAY)
    assert (stats.longest.label, stats.longest.minutes, stats.longest.still_waiting) == (
        "A004",
        39.0,
        True,
    )


def test_a_past_days_unserved_ticket_has_no_waiting_time(day):
    with time_machine.travel(local(2026, 3, 2, 9, 0), tick=False):
        stats = queue_day_stats(desk=day.desk, day=SUNDAY)
    assert figures(stats.total) == ("Cả bộ phận", 1, 0, 0, 0, 0, 1, None, None, None)
    assert stats.longest is None


def test_history_newest_first(day, django_assert_num_queries):
    with django_assert_num_queries(1):
        history = queue_history(desk=day.desk, until=MONDAY)
    assert [(h.day, h.issued, h.done, h.no_show, h.average_wait) for h in history] == [
        (MONDAY, 4, 2, 1, 11.3),  # (5 + 9 + 20) / 3 minutes, called tickets only
        (SUNDAY, 1, 0, 0, None),
    ]
    assert queue_history(desk=day.other_desk, until=MONDAY) == []


def test_stats_page_for_the_desk_and_its_supervisors(day):
    reporter = make_officer("baocao", day.commune, Role.REPORTER)
    url = f"/xep-hang/thong-ke/{DESK_CODE}/"
    with time_machine.travel(local(2026, 3, 2, 8, 30), tick=False):
        for user in (day.officer, reporter):
            client = Client()
            client.force_login(user)
            response = client.get(url)
            assert response.status_code == 200
            page = response.content.decode()
            assert "<dd data-total-issued>4</dd>" in page
            assert "<dd data-total-no-show>1</dd>" in page
            assert "20,0 phút (số A001, Tư pháp – Hộ tịch)" in page
            assert f'href="/xep-hang/thong-ke/{DESK_CODE}/excel/?day=2026-03-02"' in page

        client = Client()
        client.force_login(day.officer)
        sunday = client.get(url, {"day": "2026-03-01"}).content.decode()
        assert "<dd data-total-issued>1</dd>" in sunday


@pytest.mark.parametrize(
    ("day_param", "message"),
    [
        ("02/03/2026", "Ngày «02/03/2026» không hợp lệ"),
        ("2026-02-30", "Ngày «2026-02-30» không hợp lệ"),
        ("2026-03-03", "Chưa có số liệu cho một ngày trong tương lai."),
    ],
)
def test_stats_page_bad_day_is_400(day, day_param, message):
    client = Client()
    client.force_login(day.officer)
    with time_machine.travel(local(2026, 3, 2, 8, 30), tick=False):
        response = client.get(f"/xep-hang/thong-ke/{DESK_CODE}/", {"day": day_param})
        export = client.get(f"/xep-hang/thong-ke/{DESK_CODE}/excel/", {"day": day_param})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert export.status_code == 400


def test_stats_of_another_desk_is_404(day):
    client = Client()
    client.force_login(day.other_officer)
    assert client.get(f"/xep-hang/thong-ke/{DESK_CODE}/").status_code == 404
    assert client.get(f"/xep-hang/thong-ke/{DESK_CODE}/excel/").status_code == 404
    assert client.get("/xep-hang/thong-ke/000.00.51.H62/").status_code == 404  # not a desk


def test_excel_export(day):
    client = Client()
    client.force_login(day.officer)
    with time_machine.travel(local(2026, 3, 2, 8, 30), tick=False):
        response = client.get(f"/xep-hang/thong-ke/{DESK_CODE}/excel/", {"day": "2026-03-02"})

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="xep-hang-{DESK_CODE}-2026-03-02.xlsx"'
    )
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Theo khu vực dịch vụ", "Theo quầy", "Danh sách vé"]
    areas = [list(row) for row in book["Theo khu vực dịch vụ"].iter_rows(values_only=True)]
    assert areas[0][0] == "Trung tâm phục vụ hành chính công xã Hàm Yên — 02/03/2026"
    assert areas[2] == ["A — Tư pháp – Hộ tịch", 3, 1, 2, 2, 0, 1, 11.3, 20, 10]
    assert areas[4] == ["Cả bộ phận", 4, 1, 3, 2, 1, 1, 10.8, 20, 10]
    tickets = [list(row) for row in book["Danh sách vé"].iter_rows(values_only=True)]
    assert tickets[2] == [
        "A002",
        "Tư pháp – Hộ tịch",
        "Người cao tuổi",
        "Đã xong",
        1,
        "08:00:00",
        "08:05:00",
        "08:06:00",
        "08:16:00",
        1,
    ]
    assert tickets[4][:5] == ["A004", "Tư pháp – Hộ tịch", "Không ưu tiên", "Đang chờ", None]
