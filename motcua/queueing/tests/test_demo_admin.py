"""The demo queue (through seed_demo) and the admin: set-up editable, tickets read-only,
notice changes reaching the boards."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from motcua.organizations.demo import DISTRICT_DESK_CODE
from motcua.queueing.demo import queue_demo_seed
from motcua.queueing.models import BoardNotice, ServiceArea
from motcua.queueing.selectors import board_version, kiosk_groups
from motcua.queueing.tests.factories import build_desk, issue

pytestmark = pytest.mark.django_db


def test_seed_demo_sets_up_the_ham_yen_queue_once():
    call_command("seed_demo", "--force", "--skip-catalog", stdout=io.StringIO())

    areas = ServiceArea.objects.filter(desk__code=DISTRICT_DESK_CODE).order_by("order")
    assert [(a.code, a.name, list(a.counters.values_list("number", flat=True))) for a in areas] == [
        ("A", "Tư pháp – Hộ tịch – Chứng thực", [1]),
        ("B", "Đất đai – Tài nguyên và Môi trường", [2]),
        ("C", "Đăng ký kinh doanh – Tài chính", [3]),
        ("D", "Lao động, Văn hóa, Xây dựng", [4]),
    ]
    desk = areas[0].desk
    assert [group.name for group in kiosk_groups(desk=desk)] == [
        "Hộ tịch",
        "Thành lập và hoạt động của hộ kinh doanh",
        "Hoạt động xây dựng",
        "Đất đai",
    ]
    assert BoardNotice.objects.filter(desk=desk, is_active=True).count() == 1
    assert queue_demo_seed() == 0
    assert ServiceArea.objects.filter(desk=desk).count() == 4


@pytest.fixture
def admin_client(desk):
    from motcua.organizations.models import User

    user = User.objects.create_superuser(username="quantri", password="x-2026-mật-khẩu")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def desk():
    return build_desk()


def test_admin_lists_and_tickets_are_read_only(desk, admin_client):
    ticket = issue(desk)
    for path in [
        "/admin/queueing/servicearea/",
        f"/admin/queueing/servicearea/{desk.areas['A'].pk}/change/",
        "/admin/queueing/ticket/",
        f"/admin/queueing/ticket/{ticket.pk}/change/",
        "/admin/queueing/ticketevent/",
        "/admin/queueing/boardnotice/add/",
    ]:
        assert admin_client.get(path).status_code == 200, path
    assert admin_client.get("/admin/queueing/ticket/add/").status_code == 403
    response = admin_client.post(f"/admin/queueing/ticket/{ticket.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403


def test_a_notice_saved_in_the_admin_reaches_the_board(desk, admin_client):
    version = board_version(desk_id=desk.desk.pk)
    response = admin_client.post(
        "/admin/queueing/boardnotice/add/",
        {"desk": desk.desk.pk, "text": "  Sáng thứ Bảy làm việc bình thường.  ", "order": 0,
         "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    notice = BoardNotice.objects.get()
    assert notice.text == "Sáng thứ Bảy làm việc bình thường."
    assert board_version(desk_id=desk.desk.pk) == version + 1

    admin_client.post(f"/admin/queueing/boardnotice/{notice.pk}/delete/", {"post": "yes"})
    assert not BoardNotice.objects.exists()
    assert board_version(desk_id=desk.desk.pk) == version + 2
