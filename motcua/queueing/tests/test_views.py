"""The queue's pages with the Django client: the kiosk and its ticket, the position page, the
counter, the board; who may open what, and that bad input answers 4xx with a Vietnamese
message and changes nothing."""

import json
import re

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from motcua.organizations.models import User
from motcua.queueing.models import BoardNotice, Ticket
from motcua.queueing.services import (
    board_notice_save,
    service_area_create,
    ticket_call_next,
    ticket_finish,
    ticket_start_serving,
)
from motcua.queueing.statuses import TicketPriority, TicketStatus
from motcua.queueing.tests.factories import DESK_CODE, build_desk, issue, local

pytestmark = pytest.mark.django_db

MONDAY = local(2026, 3, 2, 8, 0)
KIOSK = f"/xep-hang/kiosk/{DESK_CODE}/"


@pytest.fixture(autouse=True)
def _clean_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def desk(clock):
    return build_desk()


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# -- kiosk ---------------------------------------------------------------------------------------


def test_kiosk_shows_the_desks_areas_grouped_by_field(desk):
    lonely = service_area_create(desk=desk.desk, code="Z", name="Khu không có quầy")
    assert lonely.counters.count() == 0

    response = Client().get(KIOSK)

    assert response.status_code == 200
    page = text(response)
    assert "Trung tâm phục vụ hành chính công xã Hàm Yên" in page
    assert re.findall(r'name="service_area" value="(\d+)"', page) == [
        str(desk.areas["A"].pk),
        str(desk.areas["B"].pk),
    ]
    assert page.index("<h3>Hộ tịch</h3>") < page.index("<h3>Đất đai</h3>")
    assert re.findall(r'name="priority" value="(\w+)"', page) == [
        "none",
        "elderly",
        "disabled",
        "pregnant",
        "infant",
    ]
    assert "Tổng hợp" not in page  # the other desk's area


@pytest.mark.parametrize("code", ["000.00.51.H62", "không-có", "000.01.99.H62"])
def test_kiosk_of_something_that_is_not_a_desk_is_404(desk, code):
    response = Client().get(f"/xep-hang/kiosk/{code}/")
    assert response.status_code == 404
    assert "Không tìm thấy" in text(response)


def test_kiosk_without_script_posts_and_lands_on_the_printing_ticket(desk):
    response = Client().post(
        KIOSK, {"service_area": desk.areas["B"].pk, "priority": TicketPriority.PREGNANT}
    )

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/xep-hang/ve/{ticket.token}/?in=1&ve=1"
    assert (ticket.label, ticket.priority) == ("B001", TicketPriority.PREGNANT)

    page = Client().get(response["Location"])
    assert 'data-autoprint="1"' in text(page)
    assert f'data-back-url="{KIOSK}"' in text(page)


def test_kiosk_script_gets_json(desk):
    issue(desk, "A")
    response = Client().post(
        KIOSK,
        {"service_area": desk.areas["A"].pk, "priority": "none", "request_key": "a" * 32},
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 201
    ticket = Ticket.objects.get(number=2)
    assert response.json() == {
        "number": 2,
        "label": "A002",
        "service": "Tư pháp – Hộ tịch",
        "ahead": 1,
        "ticket_url": f"/xep-hang/ve/{ticket.token}/",
        "position_url": f"/xep-hang/so/{ticket.token}/",
    }
    # The same tap sent again (the answer was lost): the same ticket, no new number.
    again = Client().post(
        KIOSK,
        {"service_area": desk.areas["A"].pk, "priority": "none", "request_key": "a" * 32},
        HTTP_ACCEPT="application/json",
    )
    assert again.status_code == 201
    assert again.json()["number"] == 2
    assert Ticket.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({}, "invalid_service_area"),
        ({"service_area": "A"}, "invalid_service_area"),
        ({"service_area": "999999"}, "invalid_service_area"),
        ({"service_area": "{area}", "priority": "vip"}, "invalid_priority"),
        ({"service_area": "{area}", "request_key": "<script>"}, "invalid_request_key"),
    ],
)
def test_kiosk_bad_input_is_400_with_a_vietnamese_message(desk, data, code):
    data = {k: str(desk.areas["A"].pk) if v == "{area}" else v for k, v in data.items()}

    as_json = Client().post(KIOSK, data, HTTP_ACCEPT="application/json")
    as_page = Client().post(KIOSK, data)

    assert as_json.status_code == 400
    assert as_json.json()["code"] == code
    assert as_json.json()["message"]
    assert as_page.status_code == 400
    assert as_json.json()["message"] in text(as_page)
    assert Ticket.objects.count() == 0


def test_another_desks_area_is_refused_at_this_kiosk(desk):
    area = desk.other_desk.service_areas.get()
    response = Client().post(KIOSK, {"service_area": area.pk}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_service_area",
        "message": "Khu vực dịch vụ không có tại bộ phận này hoặc đã ngừng hoạt động.",
    }


def test_kiosk_rate_limit_per_address(desk, settings):
    settings.MOTCUA_KIOSK_RATE = 2
    client = Client()
    statuses = [
        client.post(
            KIOSK, {"service_area": desk.areas["A"].pk}, HTTP_ACCEPT="application/json"
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [201, 201, 429]
    refused = client.post(
        KIOSK, {"service_area": desk.areas["A"].pk}, HTTP_ACCEPT="application/json"
    )
    assert refused.json()["code"] == "rate_limited"
    assert refused.json()["message"].startswith("Máy lấy số đang nhận quá nhiều yêu cầu")
    assert Ticket.objects.count() == 2


def test_kiosk_other_methods_are_405(desk):
    assert Client().put(KIOSK).status_code == 405


# -- the printed ticket and the position page ----------------------------------------------------


def test_the_printed_ticket(desk, clock, settings):
    settings.MOTCUA_PUBLIC_BASE_URL = "https://motcua.tuyenquang.gov.vn"
    issue(desk, "A")
    clock.shift(90)
    ticket = issue(desk, "A", TicketPriority.ELDERLY)

    response = Client().get(f"/xep-hang/ve/{ticket.token}/")

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"  # printed from the kiosk's frame
    page = text(response)
    assert '<p class="ticket-number" data-ticket-number>A002</p>' in page
    assert '<p class="ticket-desk">Trung tâm phục vụ hành chính công xã Hàm Yên</p>' in page
    assert '<p class="ticket-service">Tư pháp – Hộ tịch</p>' in page
    assert "Ưu tiên: Người cao tuổi" in page
    assert "Không có ai chờ trước bạn" in page  # the priority ticket goes first
    assert ">08:01 02/03/2026</time>" in page
    assert 'class="qr-code"' in page
    assert "data-autoprint" not in page
    assert "queueing/ticket.css" in page


def test_ticket_with_people_ahead(desk):
    issue(desk, "A")
    issue(desk, "A")
    ticket = issue(desk, "A")
    page = text(Client().get(f"/xep-hang/ve/{ticket.token}/"))
    assert "Có 2 người chờ trước bạn" in page


@pytest.mark.parametrize("path", ["/xep-hang/ve/khong-co/", "/xep-hang/so/khong-co/"])
def test_unknown_token_is_404(desk, path):
    response = Client().get(path)
    assert response.status_code == 404
    assert "Không tìm thấy" in text(response)


def test_position_page_follows_the_ticket(desk):
    issue(desk, "A")
    ticket = issue(desk, "A")
    url = f"/xep-hang/so/{ticket.token}/"

    page = Client().get(url)
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    assert "Còn 1 người trước bạn." in text(page)
    assert 'hx-trigger="every 10s"' in text(page)
    assert "<html" in text(page)

    counter = desk.counters[1]
    first = ticket_call_next(counter=counter, actor=desk.officer)
    fragment = Client().get(url, HTTP_HX_REQUEST="true")
    assert "<html" not in text(fragment)
    assert "Bạn là người tiếp theo." in text(fragment)

    ticket_start_serving(counter=counter, ticket=first, actor=desk.officer)
    ticket_finish(counter=counter, ticket=first, actor=desk.officer)
    ticket_call_next(counter=counter, actor=desk.officer)
    assert "Đã đến lượt bạn: mời đến quầy số 1." in text(Client().get(url))

    ticket.refresh_from_db()
    ticket_start_serving(counter=counter, ticket=ticket, actor=desk.officer)
    ticket_finish(counter=counter, ticket=ticket, actor=desk.officer)
    done = text(Client().get(url))
    assert "Đã xong" in done
    assert "hx-get" not in done  # nothing more to wait for


# -- the counter ---------------------------------------------------------------------------------


def counter_url(desk, number: int = 1, rest: str = "") -> str:
    return f"/xep-hang/quay/{desk.counters[number].pk}/{rest}"


def test_counter_needs_sign_in(desk):
    response = Client().get(counter_url(desk))
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


def test_another_desks_officer_gets_404_and_changes_nothing(desk):
    issue(desk)
    client = as_user(desk.other_officer)

    assert client.get(counter_url(desk)).status_code == 404
    assert client.get(counter_url(desk, rest="hang-cho/")).status_code == 404
    response = client.post(counter_url(desk, rest="goi-tiep/"))

    assert response.status_code == 404
    assert Ticket.objects.get().status == TicketStatus.WAITING


def test_a_citizen_is_not_an_officer(desk):
    citizen = User.objects.create_user(username="congdan", password="x-2026-mật-khẩu")
    response = as_user(citizen).get(counter_url(desk))
    assert response.status_code == 403


def test_counter_list_shows_the_officers_counters(desk):
    page = text(as_user(desk.officer).get("/xep-hang/quay/"))
    assert re.findall(r'href="/xep-hang/quay/(\d+)/"', page) == [
        str(desk.counters[n].pk) for n in (1, 2, 3)
    ]
    leader = User.objects.create_user(username="lanhdao", password="x-2026-mật-khẩu")
    from motcua.organizations.services import membership_grant

    membership_grant(user=leader, agency=desk.commune, role="leader")
    response = as_user(leader).get("/xep-hang/quay/")
    assert response.status_code == 404
    assert "chưa được giao vai trò tiếp nhận" in text(response)


def test_counter_page_lists_the_line_priority_first(desk, django_assert_num_queries):
    issue(desk, "A")
    issue(desk, "B")  # counter 1 does not serve B
    issue(desk, "A", TicketPriority.DISABLED)
    client = as_user(desk.officer)
    client.get(counter_url(desk))  # the session's first request

    # Session, user, officer check, the counter (with access), then the counter's view: numbers
    # at the counter, the line, the desk's areas, the other counters.
    with django_assert_num_queries(8):
        response = client.get(counter_url(desk))

    assert response.status_code == 200
    page = text(response)
    assert re.findall(r'<span class="row-number">(\w+)</span>', page) == ["A003", "A001"]
    assert "Người khuyết tật" in page
    assert "Quầy đang trống." in page
    assert "data-waiting>2<" in page
    assert "disabled" not in re.search(r'<button[^>]*data-action="call_next"[^>]*>', page).group()


def test_call_next_then_serve_and_finish_through_the_page(desk):
    ticket = issue(desk, "A")
    client = as_user(desk.officer)

    called = client.post(counter_url(desk, rest="goi-tiep/"), follow=True)
    assert messages_of(called) == ["Đã gọi số A001 đến quầy số 1."]
    page = text(called)
    assert '<p class="current-number" data-ticket-number>A001</p>' in page
    assert re.findall(r'data-action="(\w+)"', page) == [
        "recall",
        "start",
        "no_show",
        "hold",
        "intake",
        "transfer",
        "call_next",
    ]
    assert f'href="/can-bo/tiep-nhan/?ticket={ticket.pk}"' in page

    started = client.post(counter_url(desk, rest=f"ve/{ticket.pk}/phuc-vu/"), follow=True)
    assert messages_of(started) == ["Bắt đầu phục vụ số A001."]
    assert re.findall(r'data-action="(\w+)"', text(started))[:3] == ["hold", "finish", "intake"]

    finished = client.post(counter_url(desk, rest=f"ve/{ticket.pk}/ket-thuc/"), follow=True)
    assert messages_of(finished) == ["Đã kết thúc số A001."]
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DONE

    empty = client.post(counter_url(desk, rest="goi-tiep/"), follow=True)
    assert messages_of(empty) == ["Không còn ai đang chờ."]


def test_call_next_on_a_busy_counter_is_409_with_the_reason(desk):
    issue(desk)
    issue(desk)
    client = as_user(desk.officer)
    client.post(counter_url(desk, rest="goi-tiep/"))

    response = client.post(counter_url(desk, rest="goi-tiep/"))

    assert response.status_code == 409
    assert "Quầy số 1 đang có số A001" in text(response)
    assert Ticket.objects.filter(status=TicketStatus.CALLED).count() == 1


def test_a_forbidden_transition_is_409_and_changes_nothing(desk):
    ticket = issue(desk)
    client = as_user(desk.officer)
    client.post(counter_url(desk, rest="goi-tiep/"))

    response = client.post(counter_url(desk, rest=f"ve/{ticket.pk}/ket-thuc/"))

    assert response.status_code == 409
    assert "Không thể «kết thúc» số A001 đang ở trạng thái «Đã gọi»." in text(response)
    assert Ticket.objects.get().status == TicketStatus.CALLED


def test_transfer_through_the_page(desk):
    ticket = issue(desk, "A")
    client = as_user(desk.officer)
    client.post(counter_url(desk, rest="goi-tiep/"))
    url = counter_url(desk, rest=f"ve/{ticket.pk}/chuyen/")

    for bad in ["", "area:abc", "counter:999999", f"area:{desk.other_desk.service_areas.get().pk}"]:
        response = client.post(url, {"to": bad})
        assert response.status_code == 400
        assert "Hãy chọn khu vực dịch vụ hoặc quầy để chuyển đến." in text(response)
    assert Ticket.objects.get().status == TicketStatus.CALLED

    moved = client.post(url, {"to": f"counter:{desk.counters[3].pk}"}, follow=True)
    assert messages_of(moved) == ["Đã chuyển số A001."]
    ticket.refresh_from_db()
    assert (ticket.status, ticket.target_counter) == (TicketStatus.TRANSFERRED, desk.counters[3])


@pytest.mark.parametrize(
    ("rest", "status"),
    [
        ("ve/{ticket}/bay-nhay/", 404),
        ("ve/999999/ket-thuc/", 404),
        ("ve/{other}/ket-thuc/", 404),
    ],
)
def test_unknown_action_or_ticket_is_404(desk, rest, status):
    ticket = issue(desk)
    other = ticket_issue_other(desk)
    client = as_user(desk.officer)
    response = client.post(counter_url(desk, rest=rest.format(ticket=ticket.pk, other=other.pk)))
    assert response.status_code == status


def ticket_issue_other(desk) -> Ticket:
    from motcua.queueing.services import ticket_issue

    return ticket_issue(desk=desk.other_desk, service_area=desk.other_desk.service_areas.get())


def test_counter_actions_are_post_only(desk):
    ticket = issue(desk)
    client = as_user(desk.officer)
    assert client.get(counter_url(desk, rest="goi-tiep/")).status_code == 405
    assert client.get(counter_url(desk, rest=f"ve/{ticket.pk}/ket-thuc/")).status_code == 405


def test_counter_line_fragment(desk):
    issue(desk, "A")
    response = as_user(desk.officer).get(counter_url(desk, rest="hang-cho/"))
    assert response.status_code == 200
    assert "<html" not in text(response)
    assert '<span class="row-number">A001</span>' in text(response)


# -- the display board ---------------------------------------------------------------------------


def test_board_page_may_be_framed_and_shows_the_desk(desk):
    board_notice_save(notice=BoardNotice(desk=desk.desk, text="Nghỉ trưa từ 11:30 đến 13:30."))
    response = Client().get(f"/xep-hang/man-hinh/{DESK_CODE}/")

    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    page = text(response)
    assert f'data-stream-url="/xep-hang/man-hinh/{DESK_CODE}/su-kien/"' in page
    assert f'data-state-url="/xep-hang/man-hinh/{DESK_CODE}/noi-dung/"' in page
    assert 'data-time-zone="Asia/Ho_Chi_Minh"' in page
    assert "Nghỉ trưa từ 11:30 đến 13:30." in page
    assert "Chưa gọi số nào hôm nay." in page
    # Every other page refuses to be framed.
    assert Client().get(KIOSK)["X-Frame-Options"] == "DENY"


def test_board_state_after_a_call(desk, django_assert_num_queries):
    issue(desk, "A")
    issue(desk, "B")
    issue(desk, "B")
    called = ticket_call_next(counter=desk.counters[3], actor=desk.officer)
    event_id = called.events.latest("id").pk

    # The desk, then the board: version, counters, numbers at counters, calls, areas, notices.
    with django_assert_num_queries(7):
        response = Client().get(f"/xep-hang/man-hinh/{DESK_CODE}/noi-dung/")

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    page = text(response)
    assert "<html" not in page
    assert re.findall(r'data-counter="(\d)" data-serving="(\w+)"', page) == [("3", "B002")]
    assert f'data-call-id="{event_id}" data-label="B002" data-counter="3"' in page
    assert 'data-speech="Mời công dân có số B 2 đến quầy số 3"' in page
    assert 'data-text="Mời công dân có số B002 đến quầy số 3"' in page
    assert re.findall(r'data-area="(\w)">.*?<strong data-waiting>(\d+)</strong>', page) == [
        ("A", "1"),
        ("B", "1"),
    ]


def test_board_of_an_unknown_desk_is_404(desk):
    for path in ["", "noi-dung/", "su-kien/"]:
        assert Client().get(f"/xep-hang/man-hinh/khong-co/{path}").status_code == 404


def test_board_pages_are_get_only(desk):
    assert Client().post(f"/xep-hang/man-hinh/{DESK_CODE}/").status_code == 405


def test_kiosk_json_error_for_a_missing_desk(desk):
    response = Client().post(
        "/xep-hang/kiosk/khong-co/", {"service_area": "1"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 404
    assert json.loads(response.content)["code"] == "desk_not_found"
