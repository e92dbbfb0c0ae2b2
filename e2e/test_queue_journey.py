"""The queue at huyện Hàm Yên's desk: a citizen takes a priority ticket at the kiosk (the answer
to the first tap is lost on the way back, as in a network drop or a server restart, and the
kiosk's retry gets the same number), the printed ticket is 80 mm wide, the officer at counter 1
calls it, and the display board, open all along, shows and announces it within two seconds
without a reload; then the board loses the server, a number is called meanwhile, and the board
shows and announces it once when the server is back."""

import re
import sys
import threading
import time
from io import BytesIO

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from motcua.organizations.demo import DISTRICT_DESK_CODE
from motcua.queueing.models import Ticket
from motcua.queueing.statuses import TicketStatus
from motcua.queueing.stream import board_events
from motcua.workdays.engine import OFFICE_TZ

pytestmark = pytest.mark.e2e

DESK_NAME = "Bộ phận tiếp nhận và trả kết quả huyện Hàm Yên"
AREA = "Tư pháp – Hộ tịch – Chứng thực"
BOARD = f"/xep-hang/man-hinh/{DISTRICT_DESK_CODE}/"
KIOSK = f"/xep-hang/kiosk/{DISTRICT_DESK_CODE}/"
MM_PER_POINT = 25.4 / 72


def sign_in(page, username: str, password: str) -> None:
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/can-bo/$"))


def test_kiosk_ticket_counter_call_and_board(page, browser, live_server, seeded_demo, settings):
    # Streams end every few seconds so the board also reconnects during the journey.
    settings.MOTCUA_QUEUE_STREAM_SECONDS = 3
    settings.MOTCUA_QUEUE_BOARD_REFRESH = 600  # the stream alone must bring the numbers

    # The TV: the board of the desk, open before anything happens.
    tv_context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    tv_context.set_default_timeout(15_000)
    board = tv_context.new_page()
    board.goto(BOARD)
    expect(board.locator("h1")).to_have_text(DESK_NAME)
    expect(board.locator(".board-calls")).to_contain_text("Chưa gọi số nào hôm nay.")
    board.evaluate("window.__sameDocument = true")

    # The kiosk: the first answer is lost after the server issued the ticket; the retry with the
    # same key gets the same ticket. Printing is recorded instead of sent to a printer.
    kiosk = page
    kiosk.add_init_script(
        "window.print = function () { window.top.__printed = (window.top.__printed || 0) + 1; };"
    )
    lost = []

    def lose_first_answer(route):
        if not lost:
            route.fetch()  # the server handles the request...
            lost.append(True)
            route.abort("connectionreset")  # ...and the answer never arrives
        else:
            route.continue_()

    kiosk.route(f"**{KIOSK}", lambda route: lose_first_answer(route)
                if route.request.method == "POST" else route.continue_())  # fmt: skip
    kiosk.goto(KIOSK)
    expect(kiosk.locator("h1")).to_have_text("Lấy số thứ tự")
    kiosk.get_by_text("Người cao tuổi").click()
    kiosk.get_by_role("button", name=re.compile(AREA)).click()
    done = kiosk.locator("[data-state=done]")
    expect(done).to_be_visible()
    expect(kiosk.locator("[data-field=label]")).to_have_text("A001")
    expect(kiosk.locator("[data-field=service]")).to_have_text(AREA)
    expect(kiosk.locator("[data-field=ahead]")).to_have_text("0")
    assert lost == [True]
    ticket = Ticket.objects.get()
    assert (ticket.label, ticket.priority, ticket.status) == ("A001", "elderly", "waiting")
    # The ticket is printed from the kiosk's hidden frame, once.
    frame = kiosk.frame_locator("#kiosk-print")
    expect(frame.locator("[data-ticket-number]")).to_have_text("A001")
    kiosk.wait_for_function("window.__printed === 1")
    kiosk.get_by_role("button", name="Xong").click()
    expect(kiosk.locator("#kiosk-result")).to_be_hidden()

    # The printable ticket: everything on it, and an 80 mm page fitted to its length.
    printable = tv_context.new_page()
    printable.goto(f"/xep-hang/ve/{ticket.token}/")
    article = printable.locator("article.ticket")
    expect(article).to_contain_text(DESK_NAME)
    expect(article).to_contain_text(AREA)
    expect(article).to_contain_text("Ưu tiên: Người cao tuổi")
    expect(article).to_contain_text("Không có ai chờ trước bạn")
    issued = ticket.issued_at.astimezone(OFFICE_TZ)
    expect(article).to_contain_text(f"Lấy số lúc {issued:%H:%M %d/%m/%Y}")
    expect(article.locator("svg.qr-code")).to_be_visible()
    pdf = PdfReader(BytesIO(printable.pdf(prefer_css_page_size=True, print_background=False)))
    assert len(pdf.pages) == 1
    width_mm = float(pdf.pages[0].mediabox.width) * MM_PER_POINT
    height_mm = float(pdf.pages[0].mediabox.height) * MM_PER_POINT
    assert abs(width_mm - 80) < 0.5
    assert 70 < height_mm < 160
    assert "A001" in pdf.pages[0].extract_text()
    printable.close()

    # Counter 1 calls the next number; the board shows it within two seconds, no reload.
    officer = tv_context.browser.new_context(base_url=live_server.url, locale="vi-VN")
    counter = officer.new_page()
    sign_in(counter, "tiepnhan.hamyen", seeded_demo["tiepnhan.hamyen"])
    counter.goto("/xep-hang/quay/")
    counter.get_by_role("link", name=re.compile(r"^Quầy số 1\b")).click()
    expect(counter.locator("h1")).to_contain_text("Quầy số 1")
    counter.get_by_role("button", name="Gọi số tiếp theo").click()
    expect(counter.locator(".messages")).to_contain_text("Đã gọi số A001 đến quầy số 1.")
    expect(board.locator('tr[data-counter="1"] .board-number')).to_have_text("A001", timeout=2000)
    expect(board.locator(".board-calls li").first).to_contain_text("A001")
    expect(board.locator("[data-callout-text]")).to_have_text(
        "Mời công dân có số A001 đến quầy số 1"
    )
    expect(board.locator("#board")).to_have_attribute("data-announced", "1")
    assert board.evaluate("window.__sameDocument") is True
    intake = counter.locator('a[data-action="intake"]')
    assert intake.get_attribute("href") == f"/can-bo/tiep-nhan/?ticket={ticket.pk}"
    counter.get_by_role("button", name="Bắt đầu phục vụ").click()
    counter.get_by_role("button", name="Kết thúc").click()
    expect(counter.locator(".messages")).to_contain_text("Đã kết thúc số A001.")
    expect(board.locator('tr[data-counter="1"] .board-number')).to_have_text("—", timeout=2000)

    # The server goes away for the board; a number is called meanwhile.
    kiosk.get_by_role("button", name=re.compile(AREA)).click()
    expect(kiosk.locator("[data-field=label]")).to_have_text("A002")
    down = re.compile(r"/xep-hang/man-hinh/")
    board.route(down, lambda route: route.abort("connectionrefused"))
    expect(board.locator("[data-link]")).to_be_visible(timeout=10_000)
    counter.get_by_role("button", name="Gọi số tiếp theo").click()
    expect(counter.locator(".messages")).to_contain_text("Đã gọi số A002 đến quầy số 1.")
    board.unroute(down)
    expect(board.locator('tr[data-counter="1"] .board-number')).to_have_text("A002", timeout=10_000)
    expect(board.locator("[data-link]")).to_be_hidden()
    expect(board.locator("#board")).to_have_attribute("data-announced", "2")
    assert board.evaluate("window.__sameDocument") is True
    assert Ticket.objects.filter(status=TicketStatus.CALLED).count() == 1
    tv_context.close()
    officer.close()
    wait_for_streams_to_end()


def _streaming() -> bool:
    for frame in sys._current_frames().values():
        while frame is not None:
            if frame.f_code is board_events.__code__:
                return True
            frame = frame.f_back
    return False


def wait_for_streams_to_end(timeout: float = 10) -> None:
    """The server notices a closed board only when its stream ends (its lifetime): wait for the
    live server's streams, so none outlives the test's database."""
    deadline = time.monotonic() + timeout
    while _streaming():
        assert time.monotonic() < deadline, "a board stream outlived its lifetime"
        threading.Event().wait(0.05)
