"""Text people type (applicant name, notes, rating comment and reason, board notice, procedure,
counter and service area names) holding HTML or JavaScript is shown as text everywhere: the
officers' dossier page, the public lookup, the citizen pages, the feedback pages, the display
board (page, fragment and event stream), the kiosk ticket, and the PDF forms."""

import re
from io import BytesIO

import pytest
import time_machine
from django.core.cache import cache
from pypdf import PdfReader

from motcua.common.tests.test_security_pages import NOW, PageScan, build_world, client_for

pytestmark = pytest.mark.django_db

PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']
ESCAPED = {
    PAYLOADS[0]: "&lt;script&gt;alert(1)&lt;/script&gt;",
    PAYLOADS[1]: "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
}


@pytest.fixture(params=PAYLOADS, ids=["script", "attribute"])
def payload(request):
    return request.param


@pytest.fixture
def world(payload):
    cache.clear()
    yield build_world(payload)
    cache.clear()


def pages_with_text(world) -> list[tuple[str, str, int]]:
    """(who, url, how many times at least the text must appear escaped)."""
    desk = world.office.desk.code
    return [
        ("officer", f"/can-bo/ho-so/{world.moving.code}/", 2),  # applicant, forward note
        ("officer", f"/can-bo/ho-so/{world.returned.code}/", 3),  # applicant, comment, reason
        ("officer", "/can-bo/so-theo-doi/", 1),  # the tracking book: applicant
        ("officer", "/danh-gia/phan-hoi/", 1),
        ("officer", f"/danh-gia/phan-hoi/{world.feedback.pk}/", 2),  # comment, reason
        ("officer", f"/xep-hang/quay/{world.counter.pk}/", 1),
        ("public", f"/tra-cuu/{world.moving.code}/", 1),  # procedure name
        ("public", f"/thu-tuc/{world.procedure.pk}/", 1),
        ("public", "/thu-tuc/", 1),
        ("public", f"/xep-hang/kiosk/{desk}/", 1),  # service area
        ("public", f"/xep-hang/ve/{world.ticket.token}/", 1),
        ("public", f"/xep-hang/man-hinh/{desk}/", 2),  # notice, counter
        ("public", f"/xep-hang/man-hinh/{desk}/noi-dung/", 2),
        ("citizen", "/ho-so-cua-toi/", 1),  # procedure name
        ("citizen", f"/ho-so-cua-toi/{world.online.code}/", 1),  # procedure
    ]


def test_user_text_is_escaped_on_every_page(world, payload):
    problems = []
    clients = {who: client_for(world, who) for who in ("public", "citizen", "officer")}
    with time_machine.travel(NOW, tick=False):
        for who, url, at_least in pages_with_text(world):
            response = clients[who].get(url)
            page = response.content.decode()
            if response.status_code != 200:
                problems.append(f"{url}: HTTP {response.status_code}")
                continue
            if payload in page:
                problems.append(f"{url}: the text is in the page unescaped")
            shown = page.count(ESCAPED[payload])
            if shown < at_least:
                problems.append(f"{url}: shown escaped {shown} times, expected {at_least}+")
            scan = PageScan()
            scan.feed(page)
            problems += [f"{url}: {problem}" for problem in scan.problems]

    assert problems == []


def test_the_board_stream_carries_numbers_only(world, payload, settings):
    settings.MOTCUA_QUEUE_STREAM_SECONDS = 0.01
    with time_machine.travel(NOW, tick=False):
        response = client_for(world, "public").get(
            f"/xep-hang/man-hinh/{world.office.desk.code}/su-kien/"
        )
        first = next(iter(response.streaming_content)).decode()
        response.close()

    assert re.fullmatch(r"retry: \d+\n\nid: \d+\nevent: board\ndata: \d+\n\n", first)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_pdf_forms_print_the_text_literally(world, payload):
    officer = client_for(world, "officer")
    with time_machine.travel(NOW, tick=False):
        receipt = officer.get(f"/can-bo/ho-so/{world.moving.code}/mau/01.pdf")

    assert receipt.status_code == 200
    assert receipt["Content-Type"] == "application/pdf"
    text = pdf_text(receipt.content)
    # WeasyPrint draws the characters; nothing is parsed as markup (no image, no lost text).
    assert f"Nguyễn Văn An {payload}".replace(" ", "") in text.replace(" ", "")
    assert f"Đăng ký thành lập hộ kinh doanh {payload}".replace(" ", "") in text.replace(" ", "")
    assert "&lt;" not in text
    assert "&quot;" not in text
