"""Every URL pattern and API operation, walked with every kind of user: what each may open is
exactly the declared matrix, and everything else answers 404, 403, 405 or the way to the login
page — without the applicant's personal data in the answer.

A new URL pattern fails this test until it is declared in PAGES or API below: access is decided
on purpose, never by accident."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from motcua.api.services import api_token_create
from motcua.dossiers.services import dossier_attach_file, dossier_receive
from motcua.dossiers.tests.factories import APPLICANT, HKD, build_office, demo_procedure, submit
from motcua.organizations.models import Role, User
from motcua.organizations.services import counter_create
from motcua.payments.models import PaymentMethod
from motcua.payments.services import payment_record_at_counter
from motcua.portal.models import CitizenProfile
from motcua.portal.tests.citizen_helpers import make_citizen
from motcua.queueing.services import service_area_create, ticket_issue

pytestmark = pytest.mark.django_db

ANON, CITIZEN, OTHER_CITIZEN = "anonymous", "citizen", "other_citizen"
RECEPTION, SPECIALIST, HEAD, LEADER = "reception", "specialist", "head", "leader"
AGENCY_ADMIN, REPORTER, OTHER_OFFICER, OTHER_REPORTER = (
    "agency_admin",
    "reporter",
    "other_officer",
    "other_reporter",
)
SUPERUSER = "superuser"
ROLES = (ANON, CITIZEN, OTHER_CITIZEN, RECEPTION, SPECIALIST, HEAD, LEADER, AGENCY_ADMIN)
ROLES += (REPORTER, OTHER_OFFICER, OTHER_REPORTER, SUPERUSER)

EVERYONE = frozenset(ROLES)
NOBODY: frozenset[str] = frozenset()
# Officers of xã Hàm Yên who see its dossiers (the specialist's department is Phòng Kinh tế, the
# step after the desk; the leader and agency admin reach the whole commune).
OFFICERS = frozenset({RECEPTION, SPECIALIST, HEAD, LEADER, AGENCY_ADMIN, REPORTER})
ALL_OFFICERS = OFFICERS | {OTHER_OFFICER, OTHER_REPORTER, SUPERUSER}
READERS = frozenset({HEAD, LEADER, AGENCY_ADMIN, REPORTER, SUPERUSER})
OWN_READERS = READERS | {OTHER_REPORTER}  # pages where each sees their own agency's figures
COMMUNE_READERS = frozenset({LEADER, AGENCY_ADMIN, REPORTER, SUPERUSER})
SIGNED_IN = EVERYONE - {ANON}
PERIOD = "agency=000.00.51.H62&from=2026-01-01&to=2026-12-31"
QUERY = {
    **dict.fromkeys(("reports:dashboard", "reports:timeliness", "reports:received"), PERIOD),
    "reports:quality": PERIOD,
    "reports:timeliness_dossiers": PERIOD + "&column=received_total",
    "reports:overdue": PERIOD + "&kind=overdue",
    "reports:quality_list": PERIOD + "&indicator=submitted_online&part=numerator",
    "outbox:export_csv": PERIOD,
    "outbox:export_jsonl": PERIOD,
}

# GET of each page: who gets 200. Keys are URL names; the values of the path's parameters come
# from the world built below. Patterns that GET cannot open (POST-only) are listed with NOBODY.
PAGES: dict[str, frozenset[str]] = {
    # public catalog, lookup, citizen accounts
    "portal:home": EVERYONE,
    "portal:procedure_list": EVERYONE,
    "portal:procedure_search": EVERYONE,
    "portal:procedure_detail": EVERYONE,
    "portal:lookup": EVERYONE,
    "portal:lookup_detail": EVERYONE,  # public status only (asserted below)
    "portal:citizen_register": EVERYONE,
    "portal:citizen_verify_email": NOBODY,  # a forged token
    "portal:citizen_login": EVERYONE,
    "portal:citizen_logout": NOBODY,
    # Any signed-in account has its own profile and list (an officer's is empty); never another's.
    "portal:citizen_profile": SIGNED_IN,
    "portal:citizen_submit": SIGNED_IN,
    "portal:my_dossiers": SIGNED_IN,
    "portal:my_dossier": frozenset({CITIZEN}),
    "portal:my_dossier_supplement": NOBODY,
    "portal:my_dossier_file": frozenset({CITIZEN}),
    "login": EVERYONE,
    "set_language": EVERYONE,  # Django's language switch: sets a cookie, nothing else
    "logout": NOBODY,
    "otp_verify": SIGNED_IN,  # the second-factor step of one's own sign-in
    # officers' dossier pages
    "dossiers:home": ALL_OFFICERS,
    "dossiers:intake": frozenset({RECEPTION, OTHER_OFFICER}),
    # The desk's book, read by its leaders and reporters (each their own agency's).
    "dossiers:tracking_book": frozenset(
        {RECEPTION, OTHER_OFFICER, LEADER, REPORTER, OTHER_REPORTER}
    ),
    "dossiers:detail": OFFICERS | {SUPERUSER},
    "dossiers:action": NOBODY,
    "dossiers:attach": NOBODY,
    "dossiers:file": OFFICERS | {SUPERUSER},
    "dossiers:form_pdf": OFFICERS | {SUPERUSER},
    # queue: the kiosk, the ticket and the board are public; counters are the desk's
    "queueing:kiosk": EVERYONE,
    "queueing:ticket": EVERYONE,
    "queueing:position": EVERYONE,
    "queueing:counters": frozenset({RECEPTION}),  # Minh Xuân's desk has no counter here
    "queueing:counter": frozenset({RECEPTION}),
    "queueing:counter_line": frozenset({RECEPTION}),
    "queueing:call_next": NOBODY,
    "queueing:ticket_action": NOBODY,
    "queueing:board": EVERYONE,
    "queueing:board_state": EVERYONE,
    "queueing:board_stream": EVERYONE,  # not opened here: an endless stream (queueing tests)
    "queueing:stats_home": ALL_OFFICERS - {SPECIALIST, HEAD},
    "queueing:stats": frozenset({RECEPTION, LEADER, AGENCY_ADMIN, REPORTER, SUPERUSER}),
    "queueing:stats_export": frozenset({RECEPTION, LEADER, AGENCY_ADMIN, REPORTER, SUPERUSER}),
    # payments
    "payments:record_at_counter": NOBODY,
    "payments:citizen_pay": NOBODY,
    "payments:refund": NOBODY,
    "payments:receipt": OFFICERS | {SUPERUSER},
    "payments:citizen_receipt": frozenset({CITIZEN}),
    "payments:fake_gateway": NOBODY,  # no online payment started
    "payments:callback": NOBODY,
    # ratings and feedback
    "ratings:feedback_list": ALL_OFFICERS,
    "ratings:feedback": NOBODY,  # no feedback in this world
    "ratings:counter": frozenset({RECEPTION}),
    "ratings:counter_rate": NOBODY,  # the dossier is not returned yet
    "ratings:rate": NOBODY,  # a forged token
    # reports, data out, logs
    # Asked for xã Hàm Yên (?agency=): its leaders, admin and reporter; not Minh Xuân's, not a
    # department head (whose reach is his department).
    "reports:dashboard": COMMUNE_READERS,
    "reports:timeliness": COMMUNE_READERS,
    "reports:timeliness_dossiers": COMMUNE_READERS,
    "reports:overdue": COMMUNE_READERS,
    "reports:received": COMMUNE_READERS,
    "reports:quality": COMMUNE_READERS,
    "reports:quality_list": COMMUNE_READERS,
    "outbox:log": OWN_READERS,  # each reader's own agencies' messages
    "outbox:resend": NOBODY,
    "outbox:export_csv": COMMUNE_READERS,
    "outbox:export_jsonl": COMMUNE_READERS,
    "audit:log": frozenset({AGENCY_ADMIN, SUPERUSER}),
    "audit:access_log": frozenset({AGENCY_ADMIN, SUPERUSER}),
}

SKIP_GET = {"queueing:board_stream", "set_language"}

# API operations (bearer tokens; citizens and anonymous callers have none): who gets a 2xx.
API_OFFICERS = frozenset({RECEPTION, SPECIALIST, HEAD, LEADER, AGENCY_ADMIN, REPORTER})
API_OFFICERS |= {OTHER_OFFICER, OTHER_REPORTER, SUPERUSER}
API: dict[str, frozenset[str]] = {
    "api:api-root": NOBODY,
    "api:openapi-json": EVERYONE,
    "api:openapi-view": EVERYONE,
    "api:health": EVERYONE,
    "api:procedure_list": EVERYONE,
    "api:procedure_detail": EVERYONE,
    "api:lookup": EVERYONE,
    "api:dossier_worklist": API_OFFICERS,
    "api:dossier_get": OFFICERS | {SUPERUSER},
    "api:dossier_create": NOBODY,  # POST: tested below
}
API_POST_ACTIONS = "api:dossier_"  # every action: tested by role in test_actions_by_role


def url_names(patterns=None, namespace=""):
    """(name, pattern) of every URL pattern outside the Django admin."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name, pattern


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    office = build_office()
    hkd = demo_procedure(HKD)
    citizen = make_citizen()
    other_citizen = make_citizen("binh.tran@example.vn")
    CitizenProfile.objects.filter(user=other_citizen).update(
        full_name="Trần Thị Bình", id_number="008190005678", phone="0987654321",
        address="Tổ 3, phường Minh Xuân",
    )  # fmt: skip
    dossier = submit(office, hkd, citizen=citizen)
    dossier_receive(
        actor=office.reception,
        receiving_agency=office.desk,
        procedure=hkd,
        channel="online",
        applicant={},
        documents=[],
        dossier=dossier,
    )
    upload = SimpleUploadedFile("to-khai.pdf", b"%PDF-1.7\n%%EOF\n", "application/pdf")
    file = dossier_attach_file(actor=office.reception, dossier=dossier, upload=upload)
    payment = payment_record_at_counter(
        actor=office.reception, dossier=dossier, amount=100_000, method=PaymentMethod.CASH
    )
    counter = counter_create(desk=office.desk, number=1, name="Quầy 1")
    area = service_area_create(desk=office.desk, code="A", name="Tổng hợp", counters=[counter])
    ticket = ticket_issue(desk=office.desk, service_area=area)
    superuser = User.objects.create_superuser(username="admin", password="mật-khẩu-thử-2026")
    users = {
        ANON: None,
        CITIZEN: citizen,
        OTHER_CITIZEN: other_citizen,
        RECEPTION: office.reception,
        SPECIALIST: office.specialist,
        HEAD: office.head,
        LEADER: office.leader,
        AGENCY_ADMIN: office.officers[Role.AGENCY_ADMIN],
        REPORTER: office.officers[Role.REPORTER],
        OTHER_OFFICER: office.other[Role.RECEPTION],
        OTHER_REPORTER: office.other[Role.REPORTER],
        SUPERUSER: superuser,
    }
    values = {
        "code": dossier.code,
        "pk": hkd.pk,
        "token": "khong-hop-le",
        "file_id": file.pk,
        "form": "01",
        "action": "forward",
        "counter_id": counter.pk,
        "ticket_id": ticket.pk,
        "slug": "goi-lai",
        "payment_id": payment.pk,
        "dossier_code": dossier.code,
    }
    return {"office": office, "dossier": dossier, "users": users, "values": values,
            "ticket": ticket}  # fmt: skip


def path_of(name: str, pattern: URLPattern, world) -> str:
    values = dict(world["values"])
    if name.startswith("queueing:"):
        values["code"] = world["office"].desk.code  # kiosk, board, stats: the desk's code
    if name in ("ratings:counter", "ratings:counter_rate"):
        values["code"] = world["office"].desk.code
    if name in ("queueing:ticket", "queueing:position"):
        values["token"] = world["ticket"].token
    if name == "ratings:feedback":
        values["pk"] = 999_999
    if name == "outbox:resend":
        values["pk"] = 1
    if name == "api:procedure_detail":
        values["code"] = HKD
    keys = set(pattern.pattern.regex.groupindex)
    from django.urls import reverse

    path = reverse(name, kwargs={key: values[key] for key in keys})
    return f"{path}?{QUERY[name]}" if name in QUERY else path


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def opened(response) -> bool:
    """200, or a redirect that is not to a login page (a page that forwards to the user's own)."""
    if response.status_code == 200:
        return True
    location = response.headers.get("Location", "")
    return response.status_code == 302 and not re.search(r"dang-nhap|login", location)


# Pages opened here with a forged token: "this link is not valid" (400) is their refusal.
FORGED = {"portal:citizen_verify_email", "ratings:rate"}


def denied(response, name: str = "") -> bool:
    if response.status_code in (403, 404, 405) or (name in FORGED and response.status_code == 400):
        return True
    location = response.headers.get("Location", "")
    return response.status_code == 302 and bool(re.search(r"dang-nhap|login", location))


def test_every_pattern_is_declared():
    names = {name for name, _ in url_names()}
    undeclared = sorted(
        names - set(PAGES) - set(API) - {n for n in names if n.startswith(API_POST_ACTIONS)}
    )
    assert undeclared == [], "declare who may open these in PAGES or API"


def test_each_user_opens_exactly_what_the_matrix_allows(world):
    dossier = world["dossier"]
    secrets = (APPLICANT["id_number"], APPLICANT["phone"], APPLICANT["address"])
    surprises = []
    clients = {role: client_for(user) for role, user in world["users"].items()}
    for name, pattern in url_names():
        if name.startswith("api:") or name in SKIP_GET:
            continue
        path = path_of(name, pattern, world)
        allowed = PAGES[name]
        for role, client in clients.items():
            response = client.get(path)
            if role in allowed and not opened(response):
                surprises.append((name, role, response.status_code, "expected 200"))
            elif role not in allowed and not denied(response, name):
                surprises.append((name, role, response.status_code, "expected a refusal"))
            # Refused, or a page anyone may open: nothing personal in it.
            if role not in allowed or role in (ANON, OTHER_CITIZEN):
                body = b"".join(response) if response.streaming else response.content
                leaked = [s for s in secrets if s.encode() in body]
                if leaked:
                    surprises.append((name, role, response.status_code, f"leaks {leaked}"))
    assert surprises == [], "\n".join(map(str, surprises))
    assert dossier.code  # the world had a real dossier to find


def api_client(role: str, user) -> Client:
    """Officers call the API with a bearer token; citizens and anonymous callers have none."""
    if user is None or role in (CITIZEN, OTHER_CITIZEN):
        return Client()
    _token, secret = api_token_create(user=user, name="kiểm thử quyền")
    return Client(headers={"Authorization": f"Bearer {secret}"})


API_QUERY = {"api:dossier_worklist": "kind=assigned"}


def test_each_api_caller_reads_exactly_what_the_matrix_allows(world):
    clients = {role: api_client(role, user) for role, user in world["users"].items()}
    secrets = (APPLICANT["id_number"], APPLICANT["phone"], APPLICANT["address"])
    surprises = []
    for name, pattern in url_names():
        if not name.startswith("api:") or name not in API or name == "api:dossier_create":
            continue
        path = path_of(name, pattern, world)
        if name in API_QUERY:
            path += "?" + API_QUERY[name]
        for role, client in clients.items():
            response = client.get(path)
            allowed = role in API[name]
            if allowed and not 200 <= response.status_code < 300:
                surprises.append((name, role, response.status_code, "expected 2xx"))
            if not allowed and response.status_code not in (401, 403, 404, 405):
                surprises.append((name, role, response.status_code, "expected a refusal"))
            if not allowed or name == "api:lookup":
                leaked = [s for s in secrets if s.encode() in response.content]
                if leaked:
                    surprises.append((name, role, response.status_code, f"leaks {leaked}"))
    assert surprises == [], "\n".join(map(str, surprises))


def test_only_the_desk_officer_acts_on_a_dossier_at_the_desk(world):
    """A write is refused to everyone else, and refusing it changes nothing."""
    dossier = world["dossier"]
    action = f"/api/v1/dossiers/{dossier.code}/actions/forward"
    page_action = f"/can-bo/ho-so/{dossier.code}/thao-tac/forward/"
    users = world["users"]
    for role, user in users.items():
        if role == RECEPTION:
            continue
        api = api_client(role, user).post(action, {}, content_type="application/json")
        assert api.status_code in (401, 403, 404), (role, api.status_code)
        page = client_for(user).post(page_action, {})
        assert denied(page) or page.status_code == 400, (role, page.status_code)
        dossier.refresh_from_db()
        assert dossier.status == "received", role
    response = api_client(RECEPTION, users[RECEPTION]).post(
        action, {}, content_type="application/json"
    )
    assert response.status_code == 200
    dossier.refresh_from_db()
    assert dossier.status == "processing"
