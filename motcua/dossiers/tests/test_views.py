"""The officers' pages with the Django client: who sees what, what each button does, and that a
forbidden or malformed request changes nothing and answers 4xx with a Vietnamese message."""

import re
from io import BytesIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from motcua.dossiers.models import (
    Dossier,
    DossierEvent,
    DossierFile,
    StepStatus,
    SupplementRequest,
)
from motcua.dossiers.statuses import DossierStatus
from motcua.dossiers.tests.factories import HKD, build_office, demo_procedure, local, receive
from motcua.organizations.models import Role, User

pytestmark = pytest.mark.django_db

MONDAY_MORNING = local(2026, 3, 2, 8, 0)  # a working day, before the cut-off
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def office():
    return build_office()


@pytest.fixture
def hkd():
    return demo_procedure(HKD)  # Đăng ký thành lập hộ kinh doanh


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        yield traveller


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def intake_post(procedure, **changes) -> dict:
    """The intake form as the reception officer fills it in: the first document ticked."""
    documents = list(procedure.documents.all())
    data = {
        "procedure": procedure.pk,
        "applicant_name": "Nguyễn Văn An",
        "applicant_id_number": "008090001234",
        "applicant_birth_date": "17/05/1990",
        "applicant_address": "Thôn Tân Yên, xã Hàm Yên",
        "applicant_phone": "0912 345 678",
        "applicant_email": "an.nguyen@example.vn",
        "representative": "",
        "request_summary": "Đăng ký hộ kinh doanh tạp hóa An Phát",
        "set_count": "1",
        "channel": "direct",
        "return_method": "at_desk",
        "other_items": "",
        "reason": "",
        "decision": "receive",
    }
    for document in documents:
        data[f"doc_{document.pk}_originals"] = str(document.originals)
        data[f"doc_{document.pk}_copies"] = str(document.copies)
    data[f"doc_{documents[0].pk}"] = "on"
    data.update(changes)
    return data


def action_url(dossier, action: str) -> str:
    return reverse("dossiers:action", args=[dossier.code, action])


def snapshot(dossier) -> tuple:
    dossier.refresh_from_db()
    return (
        dossier.status,
        dossier.due_at,
        dossier.events.count(),
        list(dossier.steps.values_list("status", "assignee_id")),
    )


# --- signing in -------------------------------------------------------------------------------


def test_anonymous_officer_pages_redirect_to_the_sign_in_page(client):
    response = client.get(reverse("dossiers:home"))

    assert response.status_code == 302
    assert response["Location"] == "/dang-nhap/?next=/can-bo/"


def test_an_officer_signs_in_and_lands_on_the_worklists(client, office):
    page = client.get("/dang-nhap/")
    assert page.status_code == 200
    assert "Đăng nhập dành cho cán bộ" in text(page)

    response = client.post("/dang-nhap/", {"username": "tiepnhan", "password": "mật-khẩu-thử-2026"})

    assert response.status_code == 302
    assert response["Location"] == "/can-bo/"
    assert client.get("/can-bo/").status_code == 200


def test_a_wrong_password_says_so_in_vietnamese(client, office):
    response = client.post("/dang-nhap/", {"username": "tiepnhan", "password": "sai"})

    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in text(response)


def test_signing_out_needs_a_post_and_ends_the_session(office):
    client = as_user(office.reception)

    response = client.post("/dang-xuat/")

    assert response.status_code == 302
    assert response["Location"] == "/dang-nhap/"
    assert client.get("/can-bo/").status_code == 302


def test_an_account_without_any_role_gets_403(client):
    citizen = User.objects.create_user(username="congdan", password="x-2026-khong-doan-duoc")
    client.force_login(citizen)

    response = client.get(reverse("dossiers:home"))

    assert response.status_code == 403
    assert "chưa được giao vai trò nào" in text(response)


# --- worklists --------------------------------------------------------------------------------


def test_the_dashboard_shows_every_tab_with_its_count(office, hkd, clock):
    dossier = receive(office, hkd)
    as_user(office.reception).post(action_url(dossier, "forward"), {"note": ""})

    response = as_user(office.specialist).get(reverse("dossiers:home"))

    assert response.status_code == 200
    tabs = [(str(tab["label"]), tab["count"]) for tab in response.context["tabs"]]
    assert tabs == [
        ("Được giao cho tôi", 0),
        ("Của phòng", 1),
        ("Sắp đến hạn", 0),
        ("Quá hạn", 0),
        ("Chờ ký", 0),
        ("Hồ sơ trực tuyến chờ tiếp nhận", 0),
        ("Chờ chuyển xử lý", 0),
        ("Chờ trả kết quả", 0),
    ]
    page = text(response)
    for label, _count in tabs:
        assert label in page
    # The first tab is open, and it is empty.
    assert "Không có hồ sơ trong danh sách “Được giao cho tôi”." in page
    assert dossier.code not in page


def test_the_department_tab_lists_the_dossier_with_its_step_and_due_time(office, hkd, clock):
    dossier = receive(office, hkd)
    as_user(office.reception).post(action_url(dossier, "forward"), {"note": ""})

    response = as_user(office.specialist).get(reverse("dossiers:home"), {"tab": "department"})

    assert response.status_code == 200
    page = text(response)
    assert dossier.code in page
    assert "Đăng ký thành lập hộ kinh doanh" in page
    assert "Thẩm định, xử lý hồ sơ" in page
    dossier.refresh_from_db()
    assert dossier.due_at.astimezone(local(2026, 1, 1).tzinfo).strftime("%H:%M %d/%m/%Y") in page
    assert "quá hạn" not in page


def test_an_overdue_dossier_is_marked_red(office, hkd, clock):
    dossier = receive(office, hkd)
    as_user(office.reception).post(action_url(dossier, "forward"), {"note": ""})
    clock.move_to(local(2026, 3, 20, 9, 0))

    response = as_user(office.specialist).get(reverse("dossiers:home"), {"tab": "overdue"})

    page = text(response)
    assert dossier.code in page
    assert 'class="is-overdue"' in page
    assert '<span class="overdue-label">quá hạn</span>' in page
    counts = {tab["kind"]: tab["count"] for tab in response.context["tabs"]}
    assert counts["overdue"] == 1


def test_switching_tabs_with_htmx_returns_only_the_list(office, hkd, clock):
    receive(office, hkd)

    response = as_user(office.reception).get(
        reverse("dossiers:home"), {"tab": "intake"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    page = text(response)
    assert "<html" not in page
    assert 'data-tab="intake"' in page
    assert "Không có hồ sơ trong danh sách “Hồ sơ trực tuyến chờ tiếp nhận”." in page


def test_an_unknown_tab_is_a_400_with_a_message(office):
    response = as_user(office.reception).get(reverse("dossiers:home"), {"tab": "khac"})

    assert response.status_code == 400
    assert "Danh sách khac không có" in text(response)


# --- intake -----------------------------------------------------------------------------------


def test_the_procedure_search_finds_without_diacritics(office, hkd):
    client = as_user(office.reception)

    page = client.get(reverse("dossiers:intake"), {"q": "ho kinh doanh"})
    fragment = client.get(
        reverse("dossiers:intake"), {"q": "ho kinh doanh"}, headers={"HX-Request": "true"}
    )

    assert page.status_code == 200
    link = f'href="/can-bo/tiep-nhan/?procedure={hkd.pk}"'
    assert link in text(page)
    assert "<html" in text(page)
    assert link in text(fragment)
    assert "<html" not in text(fragment)


def test_a_search_without_letters_is_a_400_with_the_message(office, hkd):
    response = as_user(office.reception).get(reverse("dossiers:intake"), {"q": "!!!"})

    assert response.status_code == 400
    assert "Từ khóa tìm kiếm cần có ít nhất một chữ cái hoặc chữ số." in text(response)


def test_the_intake_form_lists_the_documents_of_the_procedure(office, hkd):
    response = as_user(office.reception).get(reverse("dossiers:intake"), {"procedure": hkd.pk})

    assert response.status_code == 200
    page = text(response)
    for document in hkd.documents.all():
        assert document.name in page
    for label in ("Tiếp nhận", "Yêu cầu bổ sung", "Từ chối tiếp nhận"):
        assert f">{label}</button>" in page


def test_an_unknown_procedure_is_a_404(office):
    client = as_user(office.reception)

    assert client.get(reverse("dossiers:intake"), {"procedure": "999999"}).status_code == 404
    assert client.get(reverse("dossiers:intake"), {"procedure": "abc"}).status_code == 404


def test_only_the_desk_may_open_the_intake_page(office, hkd):
    response = as_user(office.specialist).get(reverse("dossiers:intake"))

    assert response.status_code == 403
    assert "không có vai trò tiếp nhận hồ sơ" in text(response)


def test_receiving_creates_the_dossier_and_shows_the_receipt_button(office, hkd, clock):
    client = as_user(office.reception)
    first, second, _third = hkd.documents.all()
    data = intake_post(hkd, **{f"doc_{second.pk}": "on", f"doc_{second.pk}_copies": "2"})

    response = client.post(reverse("dossiers:intake"), data)

    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert response["Location"] == f"/can-bo/ho-so/{dossier.code}/"
    assert re.fullmatch(r"000\.01\.51\.H62-260302-0001", dossier.code)
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.receiving_agency == office.desk
    assert (dossier.applicant_name, dossier.applicant_id_number, dossier.applicant_phone) == (
        "Nguyễn Văn An",
        "008090001234",
        "0912345678",
    )
    assert dossier.applicant_birth_date.isoformat() == "1990-05-17"
    assert dossier.request_summary == "Đăng ký hộ kinh doanh tạp hóa An Phát"
    assert list(dossier.documents.values_list("name", "originals", "copies")) == [
        (first.name, first.originals, first.copies),
        (second.name, second.originals, 2),
    ]
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert messages_of(page) == [
        f"Đã tiếp nhận hồ sơ {dossier.code}. In giấy tiếp nhận và hẹn trả kết quả cho công dân."
    ]
    receipt = reverse("dossiers:form_pdf", args=[dossier.code, "01"])
    assert f'href="{receipt}"' in text(page)
    assert "In giấy tiếp nhận" in text(page)


def test_receiving_with_scanned_files_stores_them(office, hkd, clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("giay-de-nghi.png", PNG, content_type="image/png")

    response = as_user(office.reception).post(
        reverse("dossiers:intake"), {**intake_post(hkd), "files": [upload]}
    )

    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert list(dossier.files.values_list("original_name", "content_type")) == [
        ("giay-de-nghi.png", "image/png")
    ]


def test_a_file_of_the_wrong_type_receives_nothing(office, hkd, clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("virus.png", b"MZ\x90\x00not an image", content_type="image/png")

    response = as_user(office.reception).post(
        reverse("dossiers:intake"), {**intake_post(hkd), "files": [upload]}
    )

    assert response.status_code == 400
    assert Dossier.objects.count() == 0
    assert DossierFile.objects.count() == 0
    assert "Nguyễn Văn An" in text(response)  # the form comes back filled in


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("applicant_id_number", "12345", "Số định danh cá nhân gồm đúng 12 chữ số."),
        ("applicant_birth_date", "1990-13-45", "Ngày sinh cần ghi theo dạng ngày/tháng/năm"),
        ("applicant_birth_date", "01/01/2099", "Ngày sinh không thể sau ngày hôm nay."),
        ("applicant_phone", "số máy", "Số điện thoại chỉ gồm chữ số"),
        ("applicant_email", "an@", "Địa chỉ thư điện tử không hợp lệ."),
        ("applicant_name", "", "This field is required."),
        ("set_count", "0", "Số bộ hồ sơ ít nhất là 1."),
        ("channel", "online", "Select a valid choice."),
        ("decision", "", "Hãy chọn Tiếp nhận, Yêu cầu bổ sung hoặc Từ chối."),
    ],
)
def test_bad_intake_input_is_a_400_and_creates_nothing(office, hkd, clock, field, value, message):
    response = as_user(office.reception).post(
        reverse("dossiers:intake"), intake_post(hkd, **{field: value})
    )

    assert response.status_code == 400
    assert Dossier.objects.count() == 0
    if message.isascii():  # Django's own messages, translated by its catalog
        assert response.context["form"].errors[field]
    else:
        assert message in text(response)


def test_the_supplement_request_lists_every_missing_document_in_one_go(office, hkd, clock):
    first = hkd.documents.first()
    data = intake_post(
        hkd,
        decision="incomplete",
        other_items="Bản sao CCCD của chủ hộ\n\n- Ảnh mặt tiền cửa hàng",
        **{f"doc_{first.pk}": ""},
    )
    data.pop(f"doc_{first.pk}")

    response = as_user(office.reception).post(reverse("dossiers:intake"), data)

    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    request = SupplementRequest.objects.get(dossier=dossier)
    assert request.items == [
        "Giấy đề nghị đăng ký hộ kinh doanh",
        "Bản sao CCCD của chủ hộ",
        "Ảnh mặt tiền cửa hàng",
    ]
    assert request.reason == "Hồ sơ chưa đầy đủ thành phần theo quy định."


def test_a_supplement_request_with_nothing_missing_is_a_400(office, hkd, clock):
    data = intake_post(hkd, decision="incomplete")

    response = as_user(office.reception).post(reverse("dossiers:intake"), data)

    assert response.status_code == 400
    assert "Không có nội dung cần bổ sung" in text(response)
    assert Dossier.objects.count() == 0


def test_refusing_needs_a_reason(office, hkd, clock):
    client = as_user(office.reception)

    missing = client.post(reverse("dossiers:intake"), intake_post(hkd, decision="refuse"))
    refused = client.post(
        reverse("dossiers:intake"),
        intake_post(hkd, decision="refuse", reason="Không thuộc thẩm quyền của xã."),
    )

    assert missing.status_code == 400
    assert "Hãy ghi lý do từ chối tiếp nhận hồ sơ." in text(missing)
    assert refused.status_code == 302
    dossier = Dossier.objects.get()
    assert (dossier.status, dossier.status_reason) == (
        DossierStatus.NOT_ACCEPTED,
        "Không thuộc thẩm quyền của xã.",
    )
    page = client.get(refused["Location"])
    assert reverse("dossiers:form_pdf", args=[dossier.code, "03"]) in text(page)


def test_a_desk_officer_of_another_commune_cannot_pick_our_desk(office, hkd, clock):
    data = intake_post(hkd, receiving_agency=str(office.desk.pk))

    response = as_user(office.other[Role.RECEPTION]).post(reverse("dossiers:intake"), data)

    assert response.status_code == 400
    assert Dossier.objects.count() == 0


def test_an_officer_of_two_desks_picks_where_the_dossier_is_received(office, hkd, clock):
    from motcua.organizations.services import membership_grant

    membership_grant(user=office.reception, agency=office.other_desk, role=Role.RECEPTION)
    client = as_user(office.reception)

    form_page = client.get(reverse("dossiers:intake"), {"procedure": hkd.pk})
    response = client.post(
        reverse("dossiers:intake"), intake_post(hkd, receiving_agency=str(office.other_desk.pk))
    )

    choices = form_page.context["form"].fields["receiving_agency"].choices
    assert [name for _pk, name in choices] == [
        "Trung tâm phục vụ hành chính công xã Hàm Yên",
        "Trung tâm phục vụ hành chính công phường Minh Xuân",
    ]
    assert '<select name="receiving_agency"' in text(form_page)
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.receiving_agency == office.other_desk
    assert dossier.code.startswith("000.01.52.H62-260302-")


# --- the dossier page -------------------------------------------------------------------------


def test_the_dossier_page_shows_everything_and_only_the_allowed_buttons(office, hkd, clock):
    dossier = receive(office, hkd)

    response = as_user(office.reception).get(reverse("dossiers:detail", args=[dossier.code]))

    assert response.status_code == 200
    page = text(response)
    for expected in (
        dossier.code,
        "Đăng ký thành lập hộ kinh doanh",
        "Đã tiếp nhận",
        "Nguyễn Văn An",
        "008090001234",
        "Giấy đề nghị đăng ký hộ kinh doanh",
        "Thẩm định, xử lý hồ sơ",
        "Phòng Kinh tế xã Hàm Yên",
        "Tiếp nhận hồ sơ",
    ):
        assert expected in page, expected
    offered = {item["action"] for item in response.context["actions"]}
    assert "forward" in offered
    assert "approve" not in offered
    assert f'action="{action_url(dossier, "forward")}"' in page
    assert f'action="{action_url(dossier, "approve")}"' not in page


def test_another_agency_officer_gets_404_for_the_dossier(office, hkd, clock):
    dossier = receive(office, hkd)
    stranger = as_user(office.other[Role.RECEPTION])

    assert stranger.get(reverse("dossiers:detail", args=[dossier.code])).status_code == 404
    assert stranger.get(reverse("dossiers:form_pdf", args=[dossier.code, "01"])).status_code == 404
    unknown = stranger.get(reverse("dossiers:detail", args=["000.01.51.H62-260302-9999"]))
    assert unknown.status_code == 404
    before = snapshot(dossier)
    response = stranger.post(action_url(dossier, "forward"), {"note": ""})
    assert response.status_code == 404
    assert snapshot(dossier) == before


def test_a_forbidden_action_is_a_403_and_changes_nothing(office, hkd, clock):
    dossier = receive(office, hkd)  # at the desk's step: the specialist's turn has not come
    before = snapshot(dossier)

    response = as_user(office.specialist).post(action_url(dossier, "forward"), {"note": ""})

    assert response.status_code == 403
    assert "Vai trò của bạn không được «chuyển bước xử lý» hồ sơ này." in text(response)
    assert snapshot(dossier) == before


def test_an_action_the_status_does_not_allow_is_a_409_and_changes_nothing(office, hkd, clock):
    dossier = receive(office, hkd)
    before = snapshot(dossier)

    response = as_user(office.leader).post(action_url(dossier, "approve"), {"note": ""})

    assert response.status_code == 409
    assert "Không thể «ký duyệt» hồ sơ đang ở trạng thái «Đã tiếp nhận»." in text(response)
    assert snapshot(dossier) == before


def test_bad_action_input_is_a_400_with_the_message_and_changes_nothing(office, hkd, clock):
    dossier = receive(office, hkd)
    before = snapshot(dossier)
    client = as_user(office.reception)

    response = client.post(
        action_url(dossier, "request_supplement"), {"items": " \n ", "reason": ""}
    )

    assert response.status_code == 400
    page = text(response)
    assert "Hãy ghi giấy tờ, nội dung cần bổ sung." in page
    assert "Hãy ghi lý do." in page
    assert snapshot(dossier) == before


def test_an_unknown_action_is_a_404_and_get_is_not_allowed(office, hkd, clock):
    dossier = receive(office, hkd)
    client = as_user(office.reception)

    assert client.post(action_url(dossier, "xoa-ho-so"), {}).status_code == 404
    assert client.get(action_url(dossier, "forward")).status_code == 405


def test_actions_need_the_csrf_token(office, hkd, clock):
    dossier = receive(office, hkd)
    client = Client(enforce_csrf_checks=True)
    client.force_login(office.reception)
    before = snapshot(dossier)

    response = client.post(action_url(dossier, "forward"), {"note": ""})

    assert response.status_code == 403
    assert snapshot(dossier) == before


def test_the_whole_route_through_the_buttons(office, hkd, clock):
    dossier = receive(office, hkd)
    steps = [
        (office.reception, "forward", {"note": "Hồ sơ đủ, chuyển phòng"}),
        (office.specialist, "forward", {"note": "Đủ điều kiện cấp"}),
        (office.head, "forward", {"note": ""}),
        (office.leader, "approve", {"note": "Đồng ý"}),
        (office.reception, "return_result", {"returned_to": "Nguyễn Văn An", "method": "at_desk"}),
    ]
    for officer, action, data in steps:
        client = as_user(officer)
        response = client.post(action_url(dossier, action), data)
        assert response.status_code == 302, (officer, action, text(response)[:2000])
        assert response["Location"] == f"/can-bo/ho-so/{dossier.code}/"

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED
    assert dossier.returned_to == "Nguyễn Văn An"
    assert dossier.steps.exclude(status=StepStatus.DONE).count() == 0
    page = client.get(reverse("dossiers:detail", args=[dossier.code]))
    assert messages_of(page) == [f"Trả kết quả: đã thực hiện với hồ sơ {dossier.code}."]
    assert "Đã trả kết quả" in text(page)
    assert page.context["actions"] == []


def test_the_leader_sees_the_dossier_to_sign(office, hkd, clock):
    dossier = receive(office, hkd)
    for officer in (office.reception, office.specialist, office.head):
        as_user(officer).post(action_url(dossier, "forward"), {"note": ""})

    response = as_user(office.leader).get(reverse("dossiers:home"), {"tab": "to_sign"})

    assert dossier.code in text(response)
    detail = as_user(office.leader).get(reverse("dossiers:detail", args=[dossier.code]))
    assert "approve" in {item["action"] for item in detail.context["actions"]}


def test_an_apology_needs_a_readable_date(office, hkd, clock):
    dossier = receive(office, hkd)
    before = snapshot(dossier)

    response = as_user(office.reception).post(
        action_url(dossier, "apologize"),
        {"reason": "Chờ xác minh", "new_due_date": "31/02/2026", "new_due_time": "16:00"},
    )

    assert response.status_code == 400
    assert "Ngày hẹn cần ghi theo dạng ngày/tháng/năm" in text(response)
    assert snapshot(dossier) == before


def test_an_online_dossier_is_accepted_from_the_intake_tab(office, hkd, clock):
    from motcua.dossiers.tests.factories import submit

    dossier = submit(office, hkd)
    client = as_user(office.reception)

    listed = client.get(reverse("dossiers:home"), {"tab": "intake"})
    response = client.post(action_url(dossier, "receive"))

    assert dossier.code in text(listed)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert DossierEvent.objects.filter(dossier=dossier, action="receive").count() == 1


# --- files and printed forms ------------------------------------------------------------------


def test_the_receipt_pdf_carries_the_code_and_the_applicant(office, hkd, clock):
    dossier = receive(office, hkd)

    response = as_user(office.reception).get(
        reverse("dossiers:form_pdf", args=[dossier.code, "01"])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = PdfReader(BytesIO(response.content))
    content = " ".join(page.extract_text() for page in pdf.pages)
    assert dossier.code in content
    assert "Nguyễn Văn An" in content


def test_an_unknown_form_number_is_a_404(office, hkd, clock):
    dossier = receive(office, hkd)

    response = as_user(office.reception).get(f"/can-bo/ho-so/{dossier.code}/mau/99.pdf")

    assert response.status_code == 404


def test_uploading_a_file_on_the_dossier_page(office, hkd, clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    dossier = receive(office, hkd)
    client = as_user(office.reception)

    good = client.post(
        reverse("dossiers:attach", args=[dossier.code]),
        {"upload": SimpleUploadedFile("scan.png", PNG, content_type="image/png")},
    )
    bad = client.post(
        reverse("dossiers:attach", args=[dossier.code]),
        {"upload": SimpleUploadedFile("scan.pdf", b"hello", content_type="application/pdf")},
    )

    assert good.status_code == 302
    assert bad.status_code == 400
    stored = DossierFile.objects.get()
    assert stored.original_name == "scan.png"
    download = client.get(reverse("dossiers:file", args=[dossier.code, stored.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    stranger = as_user(office.other[Role.RECEPTION])
    assert stranger.get(reverse("dossiers:file", args=[dossier.code, stored.pk])).status_code == 404


# --- the other actions ------------------------------------------------------------------------


def at_the_department(office, hkd):
    """A dossier received and handed by the desk to Phòng Kinh tế (the specialist's step)."""
    dossier = receive(office, hkd)
    response = as_user(office.reception).post(action_url(dossier, "forward"), {"note": ""})
    assert response.status_code == 302
    return dossier


def test_the_head_assigns_the_step_to_a_specialist(office, hkd, clock):
    dossier = at_the_department(office, hkd)
    head = as_user(office.head)
    page = head.get(reverse("dossiers:detail", args=[dossier.code]))
    assign = next(item for item in page.context["actions"] if item["action"] == "assign")
    offered = [label for _pk, label in assign["form"].fields["assignee"].choices]

    response = head.post(action_url(dossier, "assign"), {"assignee": office.specialist.pk})

    # The step's role or a higher one at the unit: specialist, head, the commune's leader.
    assert offered == ["—", "Hoàng Thị Thu", "Lê Văn Hùng", "Trần Văn Nam"]
    assert response.status_code == 302
    step = dossier.steps.get(status=StepStatus.ACTIVE)
    assert (step.name, step.assignee) == ("Thẩm định, xử lý hồ sơ", office.specialist)
    mine = as_user(office.specialist).get(reverse("dossiers:home"), {"tab": "assigned"})
    assert dossier.code in text(mine)
    assert "Trần Văn Nam" in text(mine)


def test_assigning_someone_outside_the_unit_is_a_400(office, hkd, clock):
    dossier = at_the_department(office, hkd)
    before = snapshot(dossier)

    response = as_user(office.head).post(
        action_url(dossier, "assign"), {"assignee": office.other[Role.SPECIALIST].pk}
    )

    assert response.status_code == 400
    assert "Cán bộ được chọn không thuộc đơn vị đang xử lý hồ sơ." in text(response)
    assert snapshot(dossier) == before


def test_the_head_sends_the_dossier_back_to_the_specialist(office, hkd, clock):
    dossier = at_the_department(office, hkd)
    as_user(office.specialist).post(action_url(dossier, "forward"), {"note": ""})
    specialist_step = dossier.steps.get(name="Thẩm định, xử lý hồ sơ")

    response = as_user(office.head).post(
        action_url(dossier, "send_back"),
        {"to_step": specialist_step.pk, "reason": "Thiếu xác minh tên hộ kinh doanh"},
    )

    assert response.status_code == 302
    active = dossier.steps.get(status=StepStatus.ACTIVE)
    assert active.pk == specialist_step.pk
    event = dossier.events.last()
    assert (event.action, event.note) == ("send_back", "Thiếu xác minh tên hộ kinh doanh")


def test_a_supplement_request_then_the_supplement(office, hkd, clock):
    dossier = at_the_department(office, hkd)

    requested = as_user(office.specialist).post(
        action_url(dossier, "request_supplement"),
        {"items": "Bản sao CCCD của chủ hộ\nHợp đồng thuê mặt bằng", "reason": "Còn thiếu"},
    )

    assert requested.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    assert SupplementRequest.objects.get(dossier=dossier).items == [
        "Bản sao CCCD của chủ hộ",
        "Hợp đồng thuê mặt bằng",
    ]
    page = as_user(office.reception).get(reverse("dossiers:detail", args=[dossier.code]))
    assert reverse("dossiers:form_pdf", args=[dossier.code, "02"]) in text(page)
    assert "supplement" in {item["action"] for item in page.context["actions"]}

    answered = as_user(office.reception).post(
        action_url(dossier, "supplement"), {"note": "Công dân đã nộp đủ"}
    )

    assert answered.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status != DossierStatus.SUPPLEMENT_REQUESTED
    assert SupplementRequest.objects.get(dossier=dossier).answered_at is not None


def test_waiting_for_the_tax_then_going_on(office, hkd, clock):
    dossier = at_the_department(office, hkd)
    client = as_user(office.specialist)

    paused = client.post(action_url(dossier, "pause_payment"), {"reason": "Chờ nộp lệ phí"})
    dossier.refresh_from_db()
    status_while_paused = dossier.status
    resumed = client.post(action_url(dossier, "resume_payment"), {"note": "Đã nộp"})

    assert (paused.status_code, resumed.status_code) == (302, 302)
    assert status_while_paused == DossierStatus.AWAITING_PAYMENT
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING


def test_an_apology_moves_the_appointment(office, hkd, clock):
    dossier = at_the_department(office, hkd)
    client = as_user(office.specialist)

    response = client.post(
        action_url(dossier, "apologize"),
        {"reason": "Cần xác minh thực địa", "new_due_date": "10/03/2026", "new_due_time": ""},
    )

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.due_at == local(2026, 3, 10, 17, 0)
    assert dossier.extension_reason == "Cần xác minh thực địa"
    page = client.get(reverse("dossiers:detail", args=[dossier.code]))
    assert "Hẹn trả mới" in text(page)
    assert "17:00 10/03/2026" in text(page)
    assert reverse("dossiers:form_pdf", args=[dossier.code, "04"]) in text(page)


def test_liên_thông_to_the_police(office, hkd, clock):
    dossier = at_the_department(office, hkd)
    client = as_user(office.specialist)
    page = client.get(reverse("dossiers:detail", args=[dossier.code]))
    partner = next(item for item in page.context["actions"] if item["action"] == "send_partner")

    response = client.post(
        action_url(dossier, "send_partner"),
        {
            "partner_agency": office.police.pk,
            "note": "Đề nghị xác nhận an ninh trật tự",
            "amount": "2",
            "time_unit": "days",
        },
    )

    assert [label for _pk, label in partner["form"].fields["partner_agency"].choices] == [
        "—",
        "Công an xã Hàm Yên",
        "Bảo hiểm xã hội cơ sở Hàm Yên",
        "Cơ quan thuế tỉnh Tuyên Quang",
    ]
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.AWAITING_PARTNER
    assert dossier.steps.get(status=StepStatus.ACTIVE).agency == office.police


@pytest.mark.parametrize(("action", "status"), [("withdraw", "withdrawn"), ("stop", "stopped")])
def test_ending_the_processing_needs_a_reason(office, hkd, clock, action, status):
    dossier = at_the_department(office, hkd)
    officer = office.reception if action == "withdraw" else office.head
    client = as_user(officer)
    before = snapshot(dossier)

    empty = client.post(action_url(dossier, action), {"reason": "  "})
    after_empty = snapshot(dossier)
    done = client.post(action_url(dossier, action), {"reason": "Công dân đề nghị"})

    assert empty.status_code == 400
    assert "Lý do: Hãy ghi lý do." in text(empty)
    assert after_empty == before
    assert done.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, dossier.status_reason) == (status, "Công dân đề nghị")


# --- cost -------------------------------------------------------------------------------------


def test_the_dashboard_costs_the_same_queries_for_one_or_many_dossiers(
    office, hkd, clock, django_assert_num_queries
):
    client = as_user(office.specialist)
    client.get(reverse("dossiers:home"))  # loads the national working calendar into the cache
    at_the_department(office, hkd)
    # session, user, officer check; the officer's scope (memberships, the agencies under them);
    # the calendar revision; the eight counts in one statement; the page and its active steps
    with django_assert_num_queries(9):
        one = client.get(reverse("dossiers:home"), {"tab": "department"})
    at_the_department(office, hkd)
    at_the_department(office, hkd)
    with django_assert_num_queries(9):
        three = client.get(reverse("dossiers:home"), {"tab": "department"})

    assert len(one.context["page"].object_list) == 1
    assert len(three.context["page"].object_list) == 3


def test_the_dossier_page_costs_a_fixed_number_of_queries(
    office, hkd, clock, django_assert_num_queries
):
    dossier = at_the_department(office, hkd)
    client = as_user(office.specialist)
    # The working calendar is built once per process and calendar revision, then cached: an
    # earlier test that changed the calendar would otherwise add its building to the count.
    client.get(reverse("dossiers:detail", args=[dossier.code]))

    # session, user, officer check; the viewer's scope (memberships, the agencies under them);
    # the dossier and its six prefetches; roles and steps for the allowed actions; the partner
    # agencies of the liên thông form; the "Lệ phí" block (fees, payments, the viewer's roles);
    # the personal-data access row
    with django_assert_num_queries(19):
        response = client.get(reverse("dossiers:detail", args=[dossier.code]))

    assert response.status_code == 200


def test_a_received_dossier_waits_in_the_desk_tab_until_forwarded(office, hkd, clock):
    dossier = receive(office, hkd)
    desk = as_user(office.reception)

    before = desk.get(reverse("dossiers:home"), {"tab": "at_desk"})
    desk.post(action_url(dossier, "forward"), {"note": ""})
    after = desk.get(reverse("dossiers:home"), {"tab": "at_desk"})

    assert [d.code for d in before.context["page"].object_list] == [dossier.code]
    assert list(after.context["page"].object_list) == []
