import datetime
import html

import pytest
import time_machine
from django.core.cache import cache
from django.test import override_settings

from motcua.dossiers.models import Dossier, DossierEvent
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

pytestmark = pytest.mark.django_db

DETAIL = f"/tra-cuu/{CODE}/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def dossier(world):
    return build_processing_dossier(world)


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def test_lookup_form(client):
    response = client.get("/tra-cuu/")

    assert response.status_code == 200
    page = text_of(response)
    assert "<h1>Tra cứu hồ sơ</h1>" in page
    assert '<form class="search-form lookup-form" method="get" action="/tra-cuu/"' in page
    assert 'name="code"' in page
    assert '<a href="/tra-cuu/">Tra cứu hồ sơ</a>' in page  # in the site's navigation


def test_a_submitted_code_goes_to_its_status_page(client):
    response = client.get("/tra-cuu/", {"code": f"  {CODE} "})

    assert response.status_code == 302
    assert response["Location"] == DETAIL


def test_an_empty_code_asks_for_one(client):
    response = client.get("/tra-cuu/", {"code": "   "})

    assert response.status_code == 400
    assert "Vui lòng nhập mã hồ sơ." in text_of(response)


@pytest.mark.parametrize("code", ["a/b", "000.00 06", "x" * 65])
def test_a_code_that_cannot_exist_is_not_found_on_the_form(client, code):
    response = client.get("/tra-cuu/", {"code": code})

    assert response.status_code == 404
    assert "Không tìm thấy hồ sơ với mã" in text_of(response)


def test_status_page_of_a_dossier_in_processing(client, dossier):
    response = client.get(DETAIL)

    assert response.status_code == 200
    page = text_of(response)
    assert f'Hồ sơ <span class="lookup-code">{CODE}</span>' in page
    assert '<p class="lookup-status">Đang xử lý</p>' in page
    assert "Thủ tục đăng ký khai sinh (1.001193)" in page
    assert "<dt>Tiếp nhận lúc</dt>" in page
    assert '<time datetime="2026-01-05T08:30:00+07:00">05/01/2026 08:30</time>' in page
    assert "<dt>Hẹn trả kết quả</dt>" in page
    assert '<time datetime="2026-01-07T08:30:00+07:00">07/01/2026 08:30</time>' in page
    assert "<li><strong>Công chức Tư pháp – Hộ tịch</strong> — Thẩm định hồ sơ</li>" in page
    assert "<li><strong>Công an xã Yên Phú</strong> — Xác nhận cư trú</li>" in page
    assert '<time datetime="2026-01-05T09:15:00+07:00">05/01/2026 09:15</time>' in page
    assert "<span>Chuyển bước xử lý</span> — Bộ phận một cửa xã Yên Phú" in page
    assert "Hẹn trả kết quả ban đầu" not in page


def test_status_page_shows_the_reason_and_the_new_appointment(client, world, dossier):
    add_event(
        world,
        dossier,
        Action.APOLOGIZE,
        DossierStatus.PROCESSING,
        at(6, 9),
        agency=world["justice"],
        public_note="Cần xác minh thêm với Công an xã.",
    )
    Dossier.objects.filter(pk=dossier.pk).update(extended_at=at(6, 9), due_at=at(9, 16, 30))

    page = text_of(client.get(DETAIL))

    assert "<strong>Lý do, nội dung:</strong> Cần xác minh thêm với Công an xã." in page
    assert "<dt>Hẹn trả kết quả ban đầu</dt>" in page
    assert ">07/01/2026 08:30</time>" in page
    assert "<dt>Hẹn trả kết quả mới</dt>" in page
    assert ">09/01/2026 16:30</time>" in page


def test_status_page_of_a_returned_dossier(client, world, dossier):
    Dossier.objects.filter(pk=dossier.pk).update(
        status=DossierStatus.RETURNED, finished_at=at(6, 15), returned_at=at(7, 8, 5)
    )
    dossier.steps.update(status="done")

    page = text_of(client.get(DETAIL))

    assert '<p class="lookup-status lookup-status--done">Đã trả kết quả</p>' in page
    assert "<dt>Trả kết quả lúc</dt>" in page
    assert ">07/01/2026 08:05</time>" in page
    assert "Hồ sơ đang ở đâu" not in page


def test_status_page_holds_no_personal_data(client, world, dossier):
    add_event(
        world,
        dossier,
        Action.REQUEST_SUPPLEMENT,
        DossierStatus.SUPPLEMENT_REQUESTED,
        at(5, 10),
        agency=world["justice"],
        public_note="Bổ sung: Giấy chứng sinh (bản chính).",
    )
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.SUPPLEMENT_REQUESTED)

    page = text_of(client.get(DETAIL))

    assert "Bổ sung: Giấy chứng sinh (bản chính)." in page
    for value in [*PERSONAL.values(), *OFFICER.values(), INTERNAL_NOTE, "17/05/1990"]:
        assert value not in page


def test_status_page_takes_one_query_with_fifty_events(client, dossier, django_assert_num_queries):
    DossierEvent.objects.bulk_create(
        DossierEvent(
            dossier=dossier,
            action=Action.ASSIGN,
            to_status=DossierStatus.PROCESSING,
            at=at(5, 10) + datetime.timedelta(minutes=index),
            agency=dossier.receiving_agency,
        )
        for index in range(48)
    )

    with django_assert_num_queries(1):
        response = client.get(DETAIL)

    assert response.content.decode().count("<span>Phân công xử lý</span>") == 48


def test_unknown_code_gets_the_not_found_page(client, dossier):
    response = client.get("/tra-cuu/000.00.06.H56-260105-9999/")

    assert response.status_code == 404
    page = text_of(response)
    assert (
        'Không tìm thấy hồ sơ với mã <span class="lookup-code">000.00.06.H56-260105-9999</span>'
        in page
    )
    assert 'value="000.00.06.H56-260105-9999"' in page  # the form, filled in to correct it


def test_the_typed_code_is_escaped_on_the_not_found_page(client, db):
    response = client.get("/tra-cuu/<img src=x onerror=alert(1)>/")

    assert response.status_code == 404
    assert "<img src=x" not in response.content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in response.content.decode()


@override_settings(MOTCUA_LOOKUP_RATE=1)
def test_too_many_lookups_get_the_rate_limit_page(client, dossier):
    with time_machine.travel(datetime.datetime(2026, 1, 5, 8, 0, 15, tzinfo=datetime.UTC)):
        first = client.get(DETAIL)
        refused = client.get(DETAIL)

    assert first.status_code == 200
    assert refused.status_code == 429
    assert refused["Retry-After"] == "45"
    page = text_of(refused)
    assert "Bạn tra cứu quá nhiều lần" in page
    assert "Vui lòng đợi 45 giây rồi tra cứu lại." in page


@override_settings(MOTCUA_LOOKUP_RATE=1)
def test_page_and_api_share_the_limit(client, dossier):
    with time_machine.travel(datetime.datetime(2026, 1, 5, 8, 0, 15, tzinfo=datetime.UTC)):
        api = client.get(f"/api/v1/lookup/{CODE}")
        page = client.get(DETAIL)

    assert (api.status_code, page.status_code) == (200, 429)
