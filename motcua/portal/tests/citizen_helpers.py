"""Shared set-up of the citizen page tests."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from motcua.organizations.models import User
from motcua.portal.models import CitizenProfile

PASSWORD = "Hoa-sen-nở-2026"
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
MARRIAGE = "1.000894"  # Đăng ký kết hôn: two required documents, one optional


def make_citizen(username: str = "an.nguyen@example.vn", *, verified: bool = True) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        email=username if "@" in username else "",
        full_name="Nguyễn Văn An",
    )
    CitizenProfile.objects.create(
        user=user,
        full_name="Nguyễn Văn An",
        id_number="008090001234",
        address="Thôn Tân Yên, xã Hàm Yên",
        phone="0912345678",
        email_verified_at=timezone.now() if verified else None,
    )
    return user


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf(name: str = "to-khai.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "application/pdf")


def submission_post(procedure, desk, *, files: dict | None = None, **changes) -> dict:
    """The submission form's fields; `files` maps a document's position to its upload, by
    default a PDF for each required document."""
    documents = list(procedure.documents.order_by("order", "id"))
    data = {
        "name": "Nguyễn Văn An",
        "id_number": "008090001234",
        "birth_date": "1990-05-17",
        "address": "Thôn Tân Yên, xã Hàm Yên",
        "phone": "0912345678",
        "email": "an.nguyen@example.vn",
        "desk": str(desk.pk),
        "return_method": "at_desk",
        "action": "submit",
    }
    if files is None:
        files = {
            position: pdf(f"giay-to-{position}.pdf")
            for position, document in enumerate(documents)
            if document.is_required
        }
    for position, upload in files.items():
        data[f"doc_{documents[position].pk}"] = upload
    data.update(changes)
    return data
