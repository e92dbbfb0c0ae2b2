"""Hostile uploads through the officers' pages: too big, the wrong type behind a .pdf name, a path
in the file name, an empty file. Each is refused with a 400 and a Vietnamese message and leaves
nothing behind (no dossier, no dossier code used up, no file row, no event, nothing on disk), or,
for a harmless PDF with a hostile name, is stored under a random name inside MEDIA_ROOT."""

import re
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from motcua.dossiers.models import Dossier, DossierEvent, DossierFile
from motcua.dossiers.tests.factories import HKD, build_office, demo_procedure, local, receive

pytestmark = pytest.mark.django_db

MONDAY_MORNING = local(2026, 3, 2, 8, 0)
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
MB = 1024 * 1024
TOO_BIG = "Tệp lớn hơn 20 MB."
WRONG_TYPE = "Chỉ nhận tệp PDF, JPEG hoặc PNG."
STORED_NAME = re.compile(r"dossiers/2026/03/[0-9a-f]{32}\.pdf")


def fifty_megabytes() -> SimpleUploadedFile:
    return SimpleUploadedFile("ho-so-quet.pdf", PDF + b"\0" * (50 * MB), "application/pdf")


def renamed_exe() -> SimpleUploadedFile:
    # A Windows executable starts with "MZ"; the name and the claimed type say PDF.
    return SimpleUploadedFile("to-khai.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 256, "application/pdf")  # fmt: skip


def html_as_pdf() -> SimpleUploadedFile:
    page = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
    return SimpleUploadedFile("giay-chung-sinh.pdf", page, "application/pdf")


def empty_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("trong.pdf", b"", "application/pdf")


REFUSED = [
    pytest.param(fifty_megabytes, TOO_BIG, id="50MB"),
    pytest.param(renamed_exe, WRONG_TYPE, id="exe-renamed-pdf"),
    pytest.param(html_as_pdf, WRONG_TYPE, id="html-named-pdf"),
]


@pytest.fixture
def office():
    return build_office()


@pytest.fixture
def hkd():
    return demo_procedure(HKD)


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


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def files_on_disk(root: Path) -> list[Path]:
    return sorted(path for path in root.parent.rglob("*") if path.is_file())


def intake_post(procedure, **changes) -> dict:
    documents = list(procedure.documents.all())
    data = {
        "procedure": procedure.pk,
        "applicant_name": "Nguyễn Văn An",
        "applicant_id_number": "008090001234",
        "applicant_birth_date": "17/05/1990",
        "applicant_address": "Thôn Tân Yên, xã Hàm Yên",
        "applicant_phone": "0912345678",
        "applicant_email": "",
        "representative": "",
        "request_summary": "",
        "set_count": "1",
        "channel": "direct",
        "return_method": "at_desk",
        "other_items": "",
        "reason": "",
        "decision": "receive",
        f"doc_{documents[0].pk}": "on",
    }
    for document in documents:
        data[f"doc_{document.pk}_originals"] = str(document.originals)
        data[f"doc_{document.pk}_copies"] = str(document.copies)
    data.update(changes)
    return data


# --- intake at the desk -----------------------------------------------------------------------


@pytest.mark.parametrize(("make_upload", "message"), REFUSED)
def test_intake_with_a_hostile_file_creates_nothing_and_uses_no_code(
    office, hkd, clock, media, make_upload, message
):
    client = as_user(office.reception)

    refused = client.post(reverse("dossiers:intake"), intake_post(hkd, files=[make_upload()]))

    assert refused.status_code == 400
    assert message in text(refused)
    assert "Nguyễn Văn An" in text(refused)  # the form comes back filled in
    assert Dossier.objects.count() == 0
    assert DossierFile.objects.count() == 0
    assert DossierEvent.objects.count() == 0
    assert files_on_disk(media) == []
    accepted = client.post(reverse("dossiers:intake"), intake_post(hkd))
    assert accepted.status_code == 302
    assert Dossier.objects.get().code == "000.01.51.H62-260302-0001"


def test_intake_with_an_empty_file_creates_nothing(office, hkd, clock, media):
    client = as_user(office.reception)

    refused = client.post(reverse("dossiers:intake"), intake_post(hkd, files=[empty_pdf()]))

    assert refused.status_code == 400
    # Django's own message for an empty file, from its Vietnamese catalog.
    assert "Tệp hồ sơ (PDF, JPEG, PNG): Tập tin được gửi là rỗng." in text(refused)
    assert Dossier.objects.count() == 0
    assert files_on_disk(media) == []
    client.post(reverse("dossiers:intake"), intake_post(hkd))
    assert Dossier.objects.get().code == "000.01.51.H62-260302-0001"


# How a hostile client names a file in the multipart body (Django's test client would strip the
# path before sending, so these bodies are written by hand).
HOSTILE_NAMES = [
    pytest.param('filename="../../etc/passwd.pdf"', "passwd.pdf", id="posix-path"),
    pytest.param('filename="..\\..\\Windows\\win.ini.pdf"', "win.ini.pdf", id="windows-path"),
    pytest.param('filename="/etc/passwd.pdf"', "passwd.pdf", id="absolute"),
    pytest.param('filename="..&#x2F;..&#x2F;etc&#x2F;passwd.pdf"', "passwd.pdf", id="html-escaped"),
    pytest.param("filename*=UTF-8''..%2F..%2Fetc%2Fpasswd.pdf", "passwd.pdf", id="rfc2231"),
    pytest.param('filename="C:passwd.pdf"', "passwd.pdf", id="drive-relative"),
]
BOUNDARY = "motcua-thu-tai-tep"


def raw_multipart(fields: dict, field_name: str, disposition: str, content: bytes) -> dict:
    """client.post() keyword arguments for a multipart body with one file named `disposition`."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field_name}"; {disposition}\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return {
        "data": b"".join(parts),
        "content_type": f"multipart/form-data; boundary={BOUNDARY}",
    }


def assert_stored_safely(stored: DossierFile, media: Path, original_name: str) -> None:
    assert STORED_NAME.fullmatch(stored.file.name)
    assert stored.original_name == original_name
    assert Path(stored.file.path).resolve().is_relative_to(media.resolve())
    assert files_on_disk(media) == [media / stored.file.name]
    assert (media / stored.file.name).read_bytes() == PDF


@pytest.mark.parametrize(("disposition", "original_name"), HOSTILE_NAMES)
def test_intake_stores_a_pdf_with_a_path_for_a_name_under_a_random_name(
    office, hkd, clock, media, disposition, original_name
):
    body = raw_multipart(intake_post(hkd), "files", disposition, PDF)

    response = as_user(office.reception).post(reverse("dossiers:intake"), **body)

    assert response.status_code == 302
    assert_stored_safely(DossierFile.objects.get(), media, original_name)


def test_a_good_file_then_a_bad_one_receives_nothing(office, hkd, clock, media):
    good = SimpleUploadedFile("don.pdf", PDF, "application/pdf")

    response = as_user(office.reception).post(
        reverse("dossiers:intake"), intake_post(hkd, files=[good, renamed_exe()])
    )

    assert response.status_code == 400
    assert WRONG_TYPE in text(response)
    assert Dossier.objects.count() == 0
    assert DossierFile.objects.count() == 0


def test_a_good_file_then_a_bad_one_leaves_no_file_on_disk(office, hkd, clock, media):
    good = SimpleUploadedFile("don.pdf", PDF, "application/pdf")

    as_user(office.reception).post(
        reverse("dossiers:intake"), intake_post(hkd, files=[good, renamed_exe()])
    )

    assert files_on_disk(media) == []


# --- upload on the dossier page ---------------------------------------------------------------


def state(dossier) -> tuple:
    dossier.refresh_from_db()
    return (dossier.status, dossier.is_digitized, dossier.events.count(), dossier.files.count())


@pytest.mark.parametrize(
    ("make_upload", "message"),
    [
        *REFUSED,
        pytest.param(
            empty_pdf, "Tệp (PDF, JPEG, PNG; tối đa 20 MB): Tệp tải lên rỗng.", id="empty"
        ),
    ],
)
def test_a_hostile_file_on_the_dossier_page_is_a_400_and_changes_nothing(
    office, hkd, clock, media, make_upload, message
):
    dossier = receive(office, hkd)
    before = state(dossier)

    response = as_user(office.reception).post(
        reverse("dossiers:attach", args=[dossier.code]), {"upload": make_upload()}
    )

    assert response.status_code == 400
    assert message in text(response)
    assert dossier.code in text(response)  # the dossier page, with the message
    assert state(dossier) == before
    assert files_on_disk(media) == []


def test_a_missing_file_on_the_dossier_page_is_a_400(office, hkd, clock, media):
    dossier = receive(office, hkd)
    before = state(dossier)

    response = as_user(office.reception).post(reverse("dossiers:attach", args=[dossier.code]), {})

    assert response.status_code == 400
    assert "Hãy chọn tệp cần tải lên." in text(response)
    assert state(dossier) == before


@pytest.mark.parametrize(("disposition", "original_name"), HOSTILE_NAMES)
def test_the_dossier_page_stores_a_pdf_with_a_path_for_a_name_inside_media_root(
    office, hkd, clock, media, disposition, original_name
):
    dossier = receive(office, hkd)
    client = as_user(office.reception)
    body = raw_multipart({"kind": "attachment"}, "upload", disposition, PDF)

    response = client.post(reverse("dossiers:attach", args=[dossier.code]), **body)

    assert response.status_code == 302
    stored = dossier.files.get()
    assert_stored_safely(stored, media, original_name)
    assert dossier.events.filter(action="attach_file").count() == 1
    download = client.get(reverse("dossiers:file", args=[dossier.code, stored.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF


def test_a_file_named_dot_dot_is_no_file_at_all(office, hkd, clock, media):
    dossier = receive(office, hkd)
    before = state(dossier)
    body = raw_multipart({}, "upload", 'filename=".."', PDF)

    response = as_user(office.reception).post(
        reverse("dossiers:attach", args=[dossier.code]), **body
    )

    assert response.status_code == 400
    assert "Hãy chọn tệp cần tải lên." in text(response)
    assert state(dossier) == before
    assert files_on_disk(media) == []


def test_a_pdf_that_is_also_html_is_served_as_pdf_only(office, hkd, clock, media):
    # A polyglot passes the magic-byte check; the browser must never render it as a page.
    polyglot = PDF + b"<html><script>alert(document.cookie)</script></html>"
    dossier = receive(office, hkd)
    client = as_user(office.reception)
    client.post(
        reverse("dossiers:attach", args=[dossier.code]),
        {"upload": SimpleUploadedFile("x.html", polyglot, "text/html")},
    )
    stored = dossier.files.get()

    download = client.get(reverse("dossiers:file", args=[dossier.code, stored.pk]))

    assert stored.content_type == "application/pdf"
    assert STORED_NAME.fullmatch(stored.file.name)
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
