"""Online submission by a citizen: the happy path, drafts, and every bad upload refused with its
message and nothing created (no dossier, no code used up, no file on disk)."""

from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from motcua.catalog.models import Fee
from motcua.dossiers.models import DailySequence, Dossier, DossierDocument, DossierFile
from motcua.dossiers.tests.factories import build_office, demo_procedure, local
from motcua.notifications.services import applicant_language
from motcua.portal.models import DossierDraft
from motcua.portal.tests.citizen_helpers import (
    MARRIAGE,
    PDF,
    PNG,
    as_user,
    make_citizen,
    pdf,
    submission_post,
)

pytestmark = pytest.mark.django_db

MONDAY_MORNING = local(2026, 3, 2, 8, 0)
MB = 1024 * 1024
WRONG_TYPE = "Chỉ nhận tệp PDF, JPEG hoặc PNG."


@pytest.fixture
def office():
    return build_office()


@pytest.fixture
def marriage():
    return demo_procedure(MARRIAGE)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def media(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def citizen():
    return make_citizen()


def files_on_disk(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def submit_url(procedure) -> str:
    return reverse("portal:citizen_submit", args=[procedure.pk])


def test_the_form_is_prefilled_from_the_profile(office, marriage, citizen):
    response = as_user(citizen).get(submit_url(marriage))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Nguyễn Văn An"' in page
    assert 'value="008090001234"' in page
    assert 'value="Thôn Tân Yên, xã Hàm Yên"' in page
    # Two desks in the test office: the citizen chooses.
    assert "Trung tâm phục vụ hành chính công phường Minh Xuân" in page
    for document in marriage.documents.all():
        assert f'name="doc_{document.pk}"' in page


def test_the_form_shows_the_fees_due_before_submitting(office, marriage, citizen):
    page = as_user(citizen).get(submit_url(marriage)).content.decode()
    assert "Thủ tục này không thu phí, lệ phí." in page

    Fee.objects.create(procedure=marriage, order=1, name="Lệ phí đăng ký", amount=20_000)
    Fee.objects.create(procedure=marriage, order=2, name="Phí cấp bản sao", amount=8_000,
                       note="Mỗi bản sao trích lục")  # fmt: skip
    page = as_user(citizen).get(submit_url(marriage)).content.decode()
    assert "Lệ phí đăng ký: <strong>20.000\xa0đ</strong>" in page
    assert "Phí cấp bản sao: <strong>8.000\xa0đ</strong> — Mỗi bản sao trích lục" in page
    assert "Tổng phải nộp: <strong>28.000\xa0đ</strong>." in page


def test_submission_creates_the_dossier_with_its_code_documents_and_files(
    office, marriage, citizen, clock, media
):
    response = as_user(citizen).post(submit_url(marriage), submission_post(marriage, office.desk))

    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:my_dossier", args=[dossier.code])
    assert dossier.code == "000.01.51.H62-260302-0001"
    assert dossier.status == "submitted"
    assert dossier.get_status_display() == "Mới đăng ký"
    assert dossier.channel == "online"
    assert dossier.applicant_user == citizen
    assert dossier.applicant_name == "Nguyễn Văn An"
    assert dossier.receiving_agency == office.desk
    required = [d.name for d in marriage.documents.order_by("order", "id") if d.is_required]
    assert list(dossier.documents.values_list("name", flat=True)) == required
    stored = list(dossier.files.order_by("id"))
    assert [f.original_name for f in stored] == ["giay-to-0.pdf", "giay-to-1.pdf"]
    assert [f.document.name for f in stored] == required
    assert all(f.content_type == "application/pdf" and f.size == len(PDF) for f in stored)
    assert [path.read_bytes() for path in files_on_disk(media)] == [PDF, PDF]
    assert list(dossier.events.values_list("action", flat=True)) == [
        "submit",
        "attach_file",
        "attach_file",
    ]


@pytest.mark.parametrize(("cookie", "language"), [(None, "vi"), ("en", "en")])
def test_notifications_speak_the_language_the_citizen_submitted_in(
    office, marriage, citizen, clock, media, cookie, language
):
    client = as_user(citizen)
    if cookie:
        client.cookies["django_language"] = cookie

    client.post(submit_url(marriage), submission_post(marriage, office.desk))

    assert applicant_language(Dossier.objects.get()) == language


def test_an_optional_document_may_be_added_and_a_png_is_taken_by_its_content(
    office, marriage, citizen, clock, media
):
    files = {
        0: pdf("to-khai.pdf"),
        1: SimpleUploadedFile("can-cuoc.pdf", PNG, "application/pdf"),
        2: pdf("xac-nhan.pdf"),
    }
    as_user(citizen).post(submit_url(marriage), submission_post(marriage, office.desk, files=files))

    dossier = Dossier.objects.get()
    assert dossier.documents.count() == 3
    assert sorted(dossier.files.values_list("content_type", flat=True)) == [
        "application/pdf",
        "application/pdf",
        "image/png",
    ]
    assert dossier.files.get(content_type="image/png").file.name.endswith(".png")


def assert_nothing_created(media: Path) -> None:
    assert Dossier.objects.count() == 0
    assert DossierDocument.objects.count() == 0
    assert DossierFile.objects.count() == 0
    assert DailySequence.objects.count() == 0  # no code used up
    assert files_on_disk(media) == []


def renamed_exe():
    return SimpleUploadedFile("can-cuoc.pdf", b"MZ\x90\x00\x03" + b"\0" * 256, "application/pdf")


def html_page():
    page = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
    return SimpleUploadedFile("can-cuoc.pdf", page, "application/pdf")


def html_named_html():
    return SimpleUploadedFile("can-cuoc.html", b"<html><body>x</body></html>", "text/html")


def oversized():
    return SimpleUploadedFile("can-cuoc.pdf", PDF + b"\0" * (20 * MB), "application/pdf")


def empty():
    return SimpleUploadedFile("can-cuoc.pdf", b"", "application/pdf")


@pytest.mark.parametrize(
    ("make_upload", "message"),
    [
        pytest.param(renamed_exe, WRONG_TYPE, id="exe-behind-pdf-name"),
        pytest.param(html_page, WRONG_TYPE, id="html-behind-pdf-name"),
        pytest.param(html_named_html, WRONG_TYPE, id="html-file"),
        pytest.param(oversized, "Tệp lớn hơn 20 MB.", id="over-20MB"),
        pytest.param(empty, "Tệp rỗng.", id="empty"),
    ],
)
def test_a_bad_upload_is_refused_with_its_message_and_nothing_is_created(
    office, marriage, citizen, clock, media, make_upload, message
):
    files = {0: pdf(), 1: make_upload()}

    response = as_user(citizen).post(
        submit_url(marriage), submission_post(marriage, office.desk, files=files)
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "«Giấy tờ tùy thân" in page  # the message names the document
    assert_nothing_created(media)


def test_files_over_50_megabytes_together_are_refused(office, marriage, citizen, clock, media):
    big = PDF + b"\0" * (17 * MB)
    files = {i: pdf(f"tep-{i}.pdf", big) for i in range(3)}

    response = as_user(citizen).post(
        submit_url(marriage), submission_post(marriage, office.desk, files=files)
    )

    assert response.status_code == 400
    assert "Tổng dung lượng các tệp của hồ sơ lớn hơn 50 MB." in response.content.decode()
    assert_nothing_created(media)


def test_a_missing_required_document_is_refused(office, marriage, citizen, clock, media):
    response = as_user(citizen).post(
        submit_url(marriage), submission_post(marriage, office.desk, files={0: pdf()})
    )

    assert response.status_code == 400
    assert "Chưa tải lên giấy tờ bắt buộc: Giấy tờ tùy thân" in response.content.decode()
    assert_nothing_created(media)


BOUNDARY = "motcua-cong-dan"


def raw_multipart(fields: dict, files: list[tuple[str, str, bytes]]) -> dict:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for field_name, disposition, content in files:
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field_name}"; {disposition}'
            "\r\nContent-Type: application/pdf\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return {"data": b"".join(parts), "content_type": f"multipart/form-data; boundary={BOUNDARY}"}


def test_a_path_in_the_file_name_never_reaches_the_storage(office, marriage, citizen, clock, media):
    fields = submission_post(marriage, office.desk, files={})
    documents = list(marriage.documents.order_by("order", "id"))
    body = raw_multipart(
        fields,
        [
            (f"doc_{documents[0].pk}", 'filename="../../etc/passwd.pdf"', PDF),
            (f"doc_{documents[1].pk}", 'filename="..\\..\\Windows\\win.ini.pdf"', PDF),
        ],
    )

    response = as_user(citizen).post(submit_url(marriage), **body)

    assert response.status_code == 302
    stored = list(DossierFile.objects.order_by("id"))
    assert [f.original_name for f in stored] == ["passwd.pdf", "win.ini.pdf"]
    for item in stored:
        assert Path(item.file.path).resolve().is_relative_to(media.resolve())
        assert "passwd" not in item.file.name
        assert "win.ini" not in item.file.name


def test_a_file_named_dot_dot_counts_as_no_file(office, marriage, citizen, clock, media):
    documents = list(marriage.documents.order_by("order", "id"))
    body = raw_multipart(
        submission_post(marriage, office.desk, files={}),
        [
            (f"doc_{documents[0].pk}", 'filename="to-khai.pdf"', PDF),
            (f"doc_{documents[1].pk}", 'filename=".."', PDF),
        ],
    )

    response = as_user(citizen).post(submit_url(marriage), **body)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Chưa tải lên giấy tờ bắt buộc: Giấy tờ tùy thân" in page
    assert "Tờ khai đăng ký kết hôn;" not in page  # the first file did arrive
    assert_nothing_created(media)


def test_an_unverified_email_account_may_not_submit(office, marriage, clock, media):
    citizen = make_citizen("chua.xac.minh@example.vn", verified=False)

    response = as_user(citizen).post(submit_url(marriage), submission_post(marriage, office.desk))

    assert response.status_code == 403
    assert "Vui lòng xác minh địa chỉ thư điện tử" in response.content.decode()
    assert_nothing_created(media)


def test_a_desk_that_is_not_a_service_centre_is_refused(office, marriage, citizen, clock, media):
    response = as_user(citizen).post(
        submit_url(marriage), submission_post(marriage, office.economy)
    )

    assert response.status_code == 400
    assert "Nơi tiếp nhận không hợp lệ." in response.content.decode()
    assert_nothing_created(media)


def test_a_procedure_not_offered_online_is_404(office, citizen):
    direct_only = demo_procedure("2.000815")

    assert as_user(citizen).get(submit_url(direct_only)).status_code == 404
    assert as_user(citizen).post(submit_url(direct_only), {}).status_code == 404


def test_a_draft_keeps_values_and_files_and_is_finished_later(
    office, marriage, citizen, clock, media
):
    client = as_user(citizen)
    first = submission_post(marriage, office.desk, files={0: pdf("to-khai.pdf")})
    first.update(action="draft", address="Thôn Mới, xã Hàm Yên")

    saved = client.post(submit_url(marriage), first)

    assert saved.status_code == 302
    assert saved["Location"] == submit_url(marriage) + "?da-luu=1"
    draft = DossierDraft.objects.get()
    assert draft.user == citizen
    assert draft.data["address"] == "Thôn Mới, xã Hàm Yên"
    [entry] = draft.files.values()
    assert entry["original_name"] == "to-khai.pdf"
    assert entry["name"].startswith(f"drafts/{citizen.pk}/")
    assert Dossier.objects.count() == 0

    resumed = client.get(saved["Location"]).content.decode()
    assert "Đã lưu nháp." in resumed
    assert 'value="Thôn Mới, xã Hàm Yên"' in resumed
    assert "Đã tải lên: to-khai.pdf" in resumed

    rest = submission_post(marriage, office.desk, files={1: pdf("can-cuoc.pdf")})
    rest["address"] = "Thôn Mới, xã Hàm Yên"
    finished = client.post(submit_url(marriage), rest)

    assert finished.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.applicant_address == "Thôn Mới, xã Hàm Yên"
    assert sorted(dossier.files.values_list("original_name", flat=True)) == [
        "can-cuoc.pdf",
        "to-khai.pdf",
    ]
    assert DossierDraft.objects.count() == 0


def test_another_citizens_draft_is_not_offered(office, marriage, citizen, clock, media):
    data = submission_post(marriage, office.desk, files={0: pdf()})
    data.update(action="draft", address="Địa chỉ riêng của An")
    as_user(citizen).post(submit_url(marriage), data)
    other = make_citizen("binh@example.vn")

    page = as_user(other).get(submit_url(marriage)).content.decode()

    assert "Địa chỉ riêng của An" not in page
    assert "Đã tải lên" not in page


def test_a_bad_file_in_a_draft_is_refused_and_stores_nothing(
    office, marriage, citizen, clock, media
):
    data = submission_post(marriage, office.desk, files={0: renamed_exe()})
    data["action"] = "draft"

    response = as_user(citizen).post(submit_url(marriage), data)

    assert response.status_code == 400
    assert WRONG_TYPE in response.content.decode()
    assert DossierDraft.objects.count() == 0
    assert files_on_disk(media) == []


def test_submission_refuses_a_post_without_csrf_token(office, marriage, citizen, clock, media):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)

    response = client.post(submit_url(marriage), submission_post(marriage, office.desk))

    assert response.status_code == 403
    assert_nothing_created(media)


def test_the_procedure_page_links_to_online_submission_only_when_offered(office, marriage):
    direct_only = demo_procedure("2.000815")
    link = f'href="{submit_url(marriage)}"'

    offered = Client().get(reverse("portal:procedure_detail", args=[marriage.pk]))
    not_offered = Client().get(reverse("portal:procedure_detail", args=[direct_only.pk]))

    assert link in offered.content.decode()
    assert "Nộp hồ sơ trực tuyến" not in not_offered.content.decode()
