import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from motcua.common.ratelimit import client_ip, rate_limit_hit
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.statuses import Action, DossierStatus
from motcua.dossiers.tests.test_public import (
    CODE,
    INTERNAL_NOTE,
    OFFICER,
    PERSONAL,
    add_event,
    at,
    build_processing_dossier,
    build_world,
)

URL = f"/api/v1/lookup/{CODE}"
NOT_FOUND = {"code": "not_found", "message": "Không tìm thấy hồ sơ với mã đã nhập."}
# A Monday morning, 10 seconds into a minute: the rate-limit window has 50 seconds left.
MONDAY = datetime.datetime(2026, 1, 5, 8, 0, 10, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def dossier(db):
    world = build_world()
    dossier = build_processing_dossier(world)
    add_event(
        world,
        dossier,
        Action.REQUEST_SUPPLEMENT,
        DossierStatus.SUPPLEMENT_REQUESTED,
        at(5, 10),
        agency=world["justice"],
        public_note="Bổ sung: Giấy chứng sinh (bản chính).",
    )
    dossier.status = DossierStatus.SUPPLEMENT_REQUESTED
    dossier.save(update_fields=["status"])
    return dossier


def test_lookup_returns_the_public_status_with_office_times(client, dossier):
    response = client.get(URL)

    assert response.status_code == 200
    assert response.json() == {
        "code": CODE,
        "procedure": {"code": "1.001193", "name": "Thủ tục đăng ký khai sinh"},
        "status": "supplement_requested",
        "national_status": 5,
        "status_label": "Cần bổ sung giấy tờ",
        "outcome": "",
        "outcome_label": "",
        "reason": "Bổ sung: Giấy chứng sinh (bản chính).",
        "receiving_agency": "Bộ phận một cửa xã Yên Phú",
        "received_at": "2026-01-05T08:30:00+07:00",
        "due_at": "2026-01-07T08:30:00+07:00",
        "original_due_at": None,
        "finished_at": None,
        "returned_at": None,
        "current": [
            {"agency": "Công chức Tư pháp – Hộ tịch", "step": "Thẩm định hồ sơ"},
            {"agency": "Công an xã Yên Phú", "step": "Xác nhận cư trú"},
        ],
        "history": [
            {
                "at": "2026-01-05T08:30:00+07:00",
                "action_label": "Tiếp nhận hồ sơ",
                "status_label": "Đã tiếp nhận",
                "agency": "Bộ phận một cửa xã Yên Phú",
            },
            {
                "at": "2026-01-05T09:15:00+07:00",
                "action_label": "Chuyển bước xử lý",
                "status_label": "Đang xử lý",
                "agency": "Bộ phận một cửa xã Yên Phú",
            },
            {
                "at": "2026-01-05T10:00:00+07:00",
                "action_label": "Yêu cầu bổ sung hồ sơ",
                "status_label": "Cần bổ sung giấy tờ",
                "agency": "Công chức Tư pháp – Hộ tịch",
            },
        ],
    }


def test_lookup_answer_holds_no_personal_data(client, dossier):
    text = client.get(URL).content.decode()

    for value in [*PERSONAL.values(), *OFFICER.values(), INTERNAL_NOTE, "1990-05-17"]:
        assert value not in text


def test_lookup_takes_one_query_with_fifty_events(client, dossier, django_assert_num_queries):
    event = DossierEvent.objects.filter(dossier=dossier).first()
    DossierEvent.objects.bulk_create(
        DossierEvent(
            dossier=dossier,
            action=Action.ASSIGN,
            to_status=dossier.status,
            at=event.at,
            agency_id=event.agency_id,
        )
        for _index in range(47)
    )

    with django_assert_num_queries(1):
        response = client.get(URL)

    assert len(response.json()["history"]) == 50


@pytest.mark.parametrize(
    "path",
    [
        "000.00.06.H56-260105-9999",
        "%20",
        "x" * 300,
        "a/b/c",
        "000.00.06.H56-260105-0007'%20OR%201=1",
    ],
)
def test_unknown_and_malformed_codes_answer_the_same_404(client, dossier, path):
    response = client.get(f"/api/v1/lookup/{path}")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_a_nul_character_in_the_code_is_a_bad_request(client, dossier):
    response = client.get("/api/v1/lookup/%00abc")

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_characters",
        "message": "Địa chỉ yêu cầu chứa ký tự không hợp lệ.",
    }


@override_settings(MOTCUA_LOOKUP_RATE=2)
def test_the_third_lookup_in_a_minute_is_refused_with_retry_after(client, dossier):
    with time_machine.travel(MONDAY, tick=False):
        codes = [client.get(URL).status_code, client.get("/api/v1/lookup/nope").status_code]
        refused = client.get(URL)

    assert codes == [200, 404]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "50"
    assert refused.json() == {
        "code": "rate_limited",
        "message": "Bạn tra cứu quá nhiều lần. Vui lòng thử lại sau 50 giây.",
    }


@override_settings(MOTCUA_LOOKUP_RATE=1)
def test_the_limit_counts_per_client_and_per_minute(client, dossier):
    with time_machine.travel(MONDAY, tick=False):
        first = client.get(URL, REMOTE_ADDR="203.0.113.7").status_code
        again = client.get(URL, REMOTE_ADDR="203.0.113.7").status_code
        other = client.get(URL, REMOTE_ADDR="2001:db8::7").status_code
    with time_machine.travel(MONDAY + datetime.timedelta(seconds=50), tick=False):
        next_minute = client.get(URL, REMOTE_ADDR="203.0.113.7").status_code

    assert (first, again, other, next_minute) == (200, 429, 200, 200)


@override_settings(MOTCUA_LOOKUP_RATE=1)
def test_forwarded_for_from_an_untrusted_peer_does_not_escape_the_limit(client, dossier):
    statuses = [
        client.get(URL, REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
        for n in range(3)
    ]

    assert statuses == [200, 429, 429]


@override_settings(MOTCUA_LOOKUP_RATE=1, MOTCUA_TRUSTED_PROXIES=["10.0.0.0/24"])
def test_forwarded_for_from_a_trusted_proxy_names_the_client(client, dossier):
    statuses = [
        client.get(URL, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded).status_code
        for forwarded in ["192.0.2.1", "192.0.2.2", "192.0.2.1, 10.0.0.9"]
    ]

    assert statuses == [200, 200, 429]


@override_settings(MOTCUA_LOOKUP_RATE=0)
def test_a_rate_of_zero_switches_the_limit_off(client, dossier):
    assert {client.get(URL).status_code for _n in range(5)} == {200}


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.9", "", [], "203.0.113.9"),
        ("203.0.113.9", "192.0.2.1", [], "203.0.113.9"),
        ("203.0.113.9", "192.0.2.1", ["10.0.0.1"], "203.0.113.9"),
        ("10.0.0.1", "192.0.2.1", ["10.0.0.1"], "192.0.2.1"),
        # The client may send its own header: only the address our proxies appended counts.
        ("10.0.0.1", "6.6.6.6, 192.0.2.1", ["10.0.0.1"], "192.0.2.1"),
        ("10.0.0.1", "192.0.2.1, 10.0.0.2", ["10.0.0.0/8"], "192.0.2.1"),
        ("10.0.0.1", "junk, 192.0.2.1", ["10.0.0.1"], "192.0.2.1"),
        ("10.0.0.1", "192.0.2.1, junk", ["10.0.0.1"], "10.0.0.1"),
        ("10.0.0.1", "", ["10.0.0.1"], "10.0.0.1"),
        ("::ffff:1", "2001:db8::1", ["::ffff:1"], "2001:db8::1"),
        ("", "192.0.2.1", [], "unknown"),
    ],
)
def test_client_ip(remote, forwarded, trusted, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)

    with override_settings(MOTCUA_TRUSTED_PROXIES=trusted):
        assert client_ip(request) == expected


def test_fixed_window_counts_and_resets():
    with time_machine.travel(MONDAY, tick=False):
        decisions = [rate_limit_hit(scope="t", key="k", limit=2, window=60) for _n in range(3)]
    with time_machine.travel(MONDAY + datetime.timedelta(seconds=49, microseconds=500), tick=False):
        late = rate_limit_hit(scope="t", key="k", limit=2, window=60)
    with time_machine.travel(MONDAY + datetime.timedelta(seconds=50), tick=False):
        fresh = rate_limit_hit(scope="t", key="k", limit=2, window=60)

    assert [(d.allowed, d.count, d.retry_after) for d in decisions] == [
        (True, 1, 50),
        (True, 2, 50),
        (False, 3, 50),
    ]
    assert (late.allowed, late.count, late.retry_after) == (False, 4, 1)
    assert (fresh.allowed, fresh.count, fresh.retry_after) == (True, 1, 60)


def test_openapi_documents_the_lookup(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert set(paths["/api/v1/lookup/{code}"]["get"]["responses"]) == {"200", "400", "404", "429"}
