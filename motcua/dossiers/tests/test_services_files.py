"""Files: type by content, size limit, safe stored names, who may attach and when."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from motcua.dossiers.models import DossierFile
from motcua.dossiers.services import dossier_attach_file
from motcua.dossiers.services.files import MAX_FILE_SIZE
from motcua.dossiers.tests.factories import HKD, build_office, demo_procedure, local, receive
from motcua.organizations.models import Role

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def office(db):
    return build_office()


@pytest.fixture
def dossier(office):
    return receive(office, demo_procedure(HKD), at=local(2026, 3, 2, 8, 0))


def test_a_scanned_pdf_is_stored_under_a_random_name(office, dossier, media):
    upload = SimpleUploadedFile("C:\\Scan\\Giấy đề nghị.pdf", PDF, content_type="text/plain")

    stored = dossier_attach_file(
        actor=office.reception, dossier=dossier, upload=upload, document=dossier.documents.first()
    )

    assert (stored.kind, stored.content_type, stored.size, stored.original_name) == (
        "attachment",
        "application/pdf",
        len(PDF),
        "Giấy đề nghị.pdf",
    )
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert stored.document == dossier.documents.first()
    name = stored.file.name
    assert name.startswith("dossiers/") and name.endswith(".pdf")  # noqa: PT018
    assert "Giấy" not in name
    assert (media / name).read_bytes() == PDF
    dossier.refresh_from_db()
    assert dossier.is_digitized is True
    event = dossier.events.get(action="attach_file")
    assert (event.from_status, event.to_status, event.data["sha256"]) == (
        "received",
        "received",
        stored.sha256,
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type", "extension"),
    [
        ("anh.pdf", PNG, "image/png", ".png"),  # the content decides, not the name
        ("the-cccd", JPEG, "image/jpeg", ".jpg"),
    ],
)
def test_type_comes_from_the_content(office, dossier, name, content, content_type, extension):
    stored = dossier_attach_file(
        actor=office.reception, dossier=dossier, upload=SimpleUploadedFile(name, content)
    )

    assert stored.content_type == content_type
    assert stored.file.name.endswith(extension)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"<html><script>alert(1)</script></html>", "file_type_not_allowed"),
        (b"MZ\x90\x00", "file_type_not_allowed"),
        (b"", "file_empty"),
    ],
)
def test_other_content_is_refused(office, dossier, content, code):
    with pytest.raises(InvalidInput) as error:
        dossier_attach_file(
            actor=office.reception,
            dossier=dossier,
            upload=SimpleUploadedFile("giay-to.pdf", content),
        )

    assert error.value.code == code
    assert not DossierFile.objects.exists()
    assert not dossier.events.filter(action="attach_file").exists()


def test_files_over_20_mb_are_refused(office, dossier):
    declared = SimpleUploadedFile("lon.pdf", PDF)
    declared.size = MAX_FILE_SIZE + 1
    with pytest.raises(InvalidInput) as error:
        dossier_attach_file(actor=office.reception, dossier=dossier, upload=declared)
    assert error.value.code == "file_too_large"

    # a stream that does not say its size is counted while read
    stream = io.BytesIO(PDF + b"\x00" * MAX_FILE_SIZE)
    stream.name = "lon.pdf"
    with pytest.raises(InvalidInput) as error:
        dossier_attach_file(actor=office.reception, dossier=dossier, upload=stream)
    assert error.value.code == "file_too_large"
    assert not DossierFile.objects.exists()


def test_exactly_20_mb_is_accepted(office, dossier):
    upload = SimpleUploadedFile("vua.pdf", PDF + b"\x00" * (MAX_FILE_SIZE - len(PDF)))

    stored = dossier_attach_file(actor=office.reception, dossier=dossier, upload=upload)

    assert stored.size == MAX_FILE_SIZE


def test_who_may_attach(office, dossier):
    upload = SimpleUploadedFile("a.pdf", PDF)
    # the department's steps are not active yet: it does not work on the dossier
    with pytest.raises(Forbidden):
        dossier_attach_file(actor=office.specialist, dossier=dossier, upload=upload)
    with pytest.raises(NotFound):
        dossier_attach_file(actor=office.other[Role.RECEPTION], dossier=dossier, upload=upload)
    # the leader of the commune reaches the desk
    dossier_attach_file(actor=office.leader, dossier=dossier, upload=upload)
    assert DossierFile.objects.count() == 1


def test_an_electronic_result_only_once_processing(office, dossier):
    with pytest.raises(Conflict) as error:
        dossier_attach_file(
            actor=office.reception,
            dossier=dossier,
            upload=SimpleUploadedFile("ket-qua.pdf", PDF),
            kind="result",
        )
    assert error.value.code == "transition_not_allowed"


def test_a_document_of_another_dossier(office, dossier):
    other = receive(office, demo_procedure(HKD), at=local(2026, 3, 2, 9, 0))

    with pytest.raises(InvalidInput) as error:
        dossier_attach_file(
            actor=office.reception,
            dossier=dossier,
            upload=SimpleUploadedFile("a.pdf", PDF),
            document=other.documents.first(),
        )
    assert error.value.code == "document_not_in_dossier"
