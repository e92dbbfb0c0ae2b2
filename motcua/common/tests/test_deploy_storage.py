"""Uploads kept in a storage with no local files (S3 in a cluster) are served by the app's
permission-checked view, streamed from the storage: never a redirect to a bucket URL. Django's
in-memory storage stands in for S3 here (no network, no file on disk)."""

from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from motcua.dossiers.services import dossier_attach_file
from motcua.dossiers.tests.factories import build_office, demo_procedure, receive

HKD = "2.000720"
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def remote_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return default_storage


@pytest.mark.django_db
def test_officer_file_is_streamed_from_a_storage_without_local_paths(remote_storage, settings):
    office = build_office()
    dossier = receive(office, demo_procedure(HKD))
    upload = SimpleUploadedFile("giay-xac-nhan.pdf", PDF, content_type="application/pdf")
    stored = dossier_attach_file(actor=office.reception, dossier=dossier, upload=upload)
    url = reverse("dossiers:file", args=[dossier.code, stored.pk])
    officer, stranger = Client(), Client()
    officer.force_login(office.reception)
    stranger.force_login(office.other["reception"])

    response = officer.get(url)

    assert remote_storage.exists(stored.file.name)
    assert not (Path(settings.MEDIA_ROOT) / stored.file.name).exists()  # nothing on disk
    assert response.status_code == 200
    assert response.streaming
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert stranger.get(url).status_code in {403, 404}


@pytest.mark.django_db
def test_a_file_gone_from_the_storage_answers_404(remote_storage):
    office = build_office()
    dossier = receive(office, demo_procedure(HKD))
    upload = SimpleUploadedFile("giay-xac-nhan.pdf", PDF, content_type="application/pdf")
    stored = dossier_attach_file(actor=office.reception, dossier=dossier, upload=upload)
    remote_storage.delete(stored.file.name)
    officer = Client()
    officer.force_login(office.reception)

    response = officer.get(reverse("dossiers:file", args=[dossier.code, stored.pk]))

    assert response.status_code == 404
