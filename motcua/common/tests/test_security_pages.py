"""Every kind of page answers with the Content-Security-Policy and holds nothing the policy would
block: no inline script, no event-handler attribute, no style attribute, no javascript: link,
and only <style> blocks whose hash the policy lists. The admin pages of every registered model
are walked too."""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
import time_machine
from django.contrib import admin
from django.core.cache import cache
from django.test import Client
from django.urls import NoReverseMatch, reverse

from motcua.common.security import csp_hash
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_forward, dossier_submit
from motcua.dossiers.tests.factories import (
    APPLICANT,
    DOCUMENTS,
    HKD,
    Office,
    build_office,
    demo_procedure,
    local,
    receive,
)
from motcua.organizations.models import User
from motcua.organizations.services import counter_create
from motcua.portal.tests.citizen_helpers import make_citizen
from motcua.queueing.models import BoardNotice, Ticket
from motcua.queueing.services import (
    board_notice_save,
    service_area_create,
    ticket_call_next,
    ticket_issue,
)
from motcua.ratings.models import Feedback
from motcua.ratings.services import rating_submit, rating_token
from motcua.ratings.tests.factories import returned

pytestmark = pytest.mark.django_db

RETURNED_AT = local(2026, 3, 6, 15, 0)
NOW = local(2026, 3, 6, 15, 30)


@dataclass
class World:
    office: Office
    procedure: object
    returned: Dossier  # rated "not satisfied": a feedback is open
    unrated: Dossier  # returned, not rated yet
    moving: Dossier  # forwarded with a note
    online: Dossier  # submitted online by `citizen`
    citizen: User
    counter: object
    ticket: Ticket
    feedback: Feedback
    superuser: User


def build_world(text: str = "") -> World:
    """An office with every kind of record a page shows; `text` is put into every field a user
    types (applicant name, notes, rating comment and reason, board notice, procedure, counter and
    service area names)."""
    office = build_office()
    procedure = demo_procedure(HKD, name=f"Đăng ký thành lập hộ kinh doanh {text}".strip())
    applicant = {**APPLICANT, "name": f"Nguyễn Văn An {text}".strip()}
    done = returned(office, procedure, at=RETURNED_AT, applicant=applicant)
    unrated = returned(office, procedure, at=RETURNED_AT, applicant=applicant)
    moving = receive(office, procedure, at=local(2026, 3, 6, 9, 0), applicant=applicant)
    with time_machine.travel(local(2026, 3, 6, 9, 30), tick=False):
        dossier_forward(actor=office.reception, dossier=moving, note=f"Chuyển xử lý {text}")
    citizen = make_citizen()
    with time_machine.travel(local(2026, 3, 6, 10, 0), tick=False):
        online = dossier_submit(
            actor=citizen,
            receiving_agency=office.desk,
            procedure=procedure,
            applicant=applicant,
            documents=list(DOCUMENTS),
        )
    with time_machine.travel(NOW, tick=False):
        rating_submit(
            dossier=done,
            level="not_satisfied",
            channel="online",
            comment=f"Góp ý {text}",
            reason=f"Chờ lâu {text}",
        )
        counter = counter_create(
            desk=office.desk, number=1, name=f"Quầy Tư pháp – Hộ tịch {text}".strip()
        )
        area = service_area_create(
            desk=office.desk, code="A", name=f"Tư pháp {text}".strip(), counters=[counter]
        )
        board_notice_save(notice=BoardNotice(desk=office.desk, text=f"Thông báo {text}"))
        ticket_issue(desk=office.desk, service_area=area)
        ticket_call_next(counter=counter, actor=office.reception)
        ticket = ticket_issue(desk=office.desk, service_area=area)
    superuser = User.objects.create_superuser(username="root", password="x", email="")
    return World(
        office=office,
        procedure=procedure,
        returned=done,
        unrated=unrated,
        moving=moving,
        online=online,
        citizen=citizen,
        counter=counter,
        ticket=ticket,
        feedback=Feedback.objects.get(),
        superuser=superuser,
    )


def pages(world: World) -> dict[str, list[str]]:
    """Who opens what: "public", "citizen", "officer" (the desk's reception) and "admin"."""
    desk = world.office.desk.code
    return {
        "public": [
            "/",
            "/thu-tuc/",
            "/thu-tuc/tim-kiem/?q=ho+kinh+doanh",
            f"/thu-tuc/{world.procedure.pk}/",
            "/tra-cuu/",
            f"/tra-cuu/{world.moving.code}/",
            "/tra-cuu/KHONG-CO/",
            "/dang-nhap/",
            "/dang-nhap-cong-dan/",
            "/dang-ky/",
            reverse("ratings:rate", args=[rating_token(world.unrated)]),
            reverse("ratings:rate", args=[rating_token(world.returned)]),
            f"/xep-hang/kiosk/{desk}/",
            f"/xep-hang/ve/{world.ticket.token}/",
            f"/xep-hang/so/{world.ticket.token}/",
            f"/xep-hang/man-hinh/{desk}/",
            f"/xep-hang/man-hinh/{desk}/noi-dung/",
            "/khong-co-trang-nay/",
        ],
        "citizen": [
            "/ho-so-cua-toi/",
            f"/ho-so-cua-toi/{world.online.code}/",
            "/tai-khoan/",
            f"/dich-vu-cong/nop/{world.procedure.pk}/",
        ],
        "officer": [
            "/can-bo/",
            "/can-bo/tiep-nhan/",
            "/can-bo/so-theo-doi/",
            f"/can-bo/ho-so/{world.moving.code}/",
            f"/can-bo/ho-so/{world.returned.code}/",
            "/danh-gia/phan-hoi/",
            f"/danh-gia/phan-hoi/{world.feedback.pk}/",
            f"/danh-gia/quay/{desk}/",
            "/xep-hang/quay/",
            f"/xep-hang/quay/{world.counter.pk}/",
            f"/xep-hang/thong-ke/{desk}/",
            "/xac-thuc-hai-buoc/",  # the second factor's enrolment page (QR code)
        ],
        "admin": admin_pages(),
    }


def admin_pages() -> list[str]:
    """The admin index, and the list and add page of every registered model."""
    urls = ["/admin/"]
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        for view in ("changelist", "add"):
            try:
                url = reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}")
            except NoReverseMatch:
                continue
            if view == "add" and not model_admin.has_add_permission(_superuser_request()):
                continue
            urls.append(url)
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(
                reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
            )
    return urls


def _superuser_request():
    class _Request:
        user = User.objects.get(username="root")
        method = "GET"
        GET: dict = {}

    return _Request()


def client_for(world: World, who: str) -> Client:
    client = Client()
    user = {
        "public": None,
        "citizen": world.citizen,
        "officer": world.office.reception,
        "admin": world.superuser,
    }[who]
    if user is not None:
        client.force_login(user)
    return client


class PageScan(HTMLParser):
    """What a page holds that a strict CSP would block (or needs to allow)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.styles: list[str] = []
        self._in: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name == "style":
                self.problems.append(f"<{tag} style=...>")
            if name in {"href", "src", "action", "formaction"} and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:...>")
        if tag == "script":
            if not dict(attrs).get("src"):
                self.problems.append("<script> without src")
            self._in, self._text = "script", []
        elif tag == "style":
            self._in, self._text = "style", []

    def handle_data(self, data):
        if self._in:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == self._in:
            content = "".join(self._text)
            if tag == "script" and content.strip():
                self.problems.append("inline script content")
            if tag == "style":
                self.styles.append(content)
            self._in = None


def directives(header: str) -> dict[str, list[str]]:
    policy = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            policy[words[0]] = words[1:]
    return policy


def check_page(url: str, response) -> list[str]:
    """The problems of one page (empty: fine)."""
    problems = []
    header = response.get("Content-Security-Policy")
    if header is None:
        return [f"{url}: no Content-Security-Policy header"]
    policy = directives(header)
    for directive, expected in {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "connect-src": ["'self'"],
    }.items():
        if policy.get(directive) != expected:
            problems.append(f"{url}: {directive} is {policy.get(directive)}")
    if any("unsafe" in source for sources in policy.values() for source in sources):
        problems.append(f"{url}: an unsafe-* source in {header}")
    if "html" in response.get("Content-Type", ""):
        scan = PageScan()
        scan.feed(response.content.decode())
        problems += [f"{url}: {problem}" for problem in scan.problems]
        allowed = set(policy.get("style-src", []))
        for block in scan.styles:
            if csp_hash(block) not in allowed:
                problems.append(f"{url}: an inline <style> not allowed by hash: {block[:60]!r}")
    return problems


@pytest.fixture
def world():
    cache.clear()
    yield build_world()
    cache.clear()


def test_every_kind_of_page_carries_a_strict_policy_it_does_not_break(world):
    problems, opened = [], 0
    with time_machine.travel(NOW, tick=False):
        for who, urls in pages(world).items():
            client = client_for(world, who)
            for url in urls:
                response = client.get(url)
                expected = 404 if "khong-co" in url.lower() else 200
                if response.status_code != expected:
                    problems.append(f"{who} {url}: HTTP {response.status_code}")
                    continue
                opened += 1
                problems += check_page(url, response)

    assert problems == []
    assert opened > 90  # the admin alone brings dozens of pages


def test_frame_ancestors_none_except_the_board_and_the_kiosk_ticket(world):
    desk = world.office.desk.code
    client = Client()
    with time_machine.travel(NOW, tick=False):
        catalog = client.get("/thu-tuc/")
        board = client.get(f"/xep-hang/man-hinh/{desk}/")
        ticket = client.get(f"/xep-hang/ve/{world.ticket.token}/")

    assert directives(catalog["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]
    assert catalog["X-Frame-Options"] == "DENY"
    # A signage player of any origin may frame the board ...
    assert "frame-ancestors" not in directives(board["Content-Security-Policy"])
    assert "X-Frame-Options" not in board
    # ... the kiosk frames its own ticket to print it.
    assert directives(ticket["Content-Security-Policy"])["frame-ancestors"] == ["'self'"]


def test_the_operator_may_name_who_frames_the_board(world, settings):
    settings.MOTCUA_CSP_BOARD_FRAME_ANCESTORS = ["'self'", "https://bangtin.example.vn"]
    with time_machine.travel(NOW, tick=False):
        board = Client().get(f"/xep-hang/man-hinh/{world.office.desk.code}/")

    assert directives(board["Content-Security-Policy"])["frame-ancestors"] == [
        "'self'",
        "https://bangtin.example.vn",
    ]


def test_forms_post_to_the_app_and_to_the_configured_gateway(settings):
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {
            **settings.CONTENT_SECURITY_POLICY["DIRECTIVES"],
            "form-action": ["'self'", "https://pay.example.vn"],
        }
    }
    response = Client().get("/dang-nhap/")

    assert directives(response["Content-Security-Policy"])["form-action"] == [
        "'self'",
        "https://pay.example.vn",
    ]


def test_an_inline_style_or_script_would_be_reported():
    scan = PageScan()
    scan.feed(
        '<p style="color:red" onclick="x()">a</p><script>alert(1)</script>'
        '<a href=" JavaScript:alert(1)">b</a><style>p{}</style>'
    )

    assert sorted(scan.problems) == [
        "<a href=javascript:...>",
        "<p onclick=...>",
        "<p style=...>",
        "<script> without src",
        "inline script content",
    ]
    assert scan.styles == ["p{}"]
    assert re.fullmatch(r"'sha256-[A-Za-z0-9+/]{43}='", csp_hash("p{}"))
