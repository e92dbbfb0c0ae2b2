"""`motcua close_unanswered_supplements`: the daily run that stops dossiers whose supplement
request went unanswered, and tells the applicant."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_forward, dossier_request_supplement
from motcua.dossiers.statuses import DossierStatus
from motcua.dossiers.tests.factories import HKD, build_office, demo_procedure, local, receive

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def office(db, settings, tmp_path):
    settings.TASKS = IMMEDIATE
    settings.MOTCUA_PUBLIC_BASE_URL = "http://motcua.example.vn"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.sms.FileBackend"
    settings.MOTCUA_SMS_FILE = str(tmp_path / "sms.log")
    return build_office()


def waiting_for_supplement(office, received) -> Dossier:
    dossier = receive(office, demo_procedure(HKD), at=received)
    with time_machine.travel(received + timedelta(hours=1), tick=False):
        dossier_forward(actor=office.reception, dossier=dossier)
    with time_machine.travel(received + timedelta(days=1), tick=False):
        dossier_request_supplement(
            actor=office.specialist,
            dossier=dossier,
            items=["Bản sao giấy tờ pháp lý của cá nhân"],
            reason="Thiếu giấy tờ",
        )
    return dossier


def run_at(when) -> str:
    out = io.StringIO()
    with time_machine.travel(when, tick=False):
        call_command("close_unanswered_supplements", stdout=out)
    return out.getvalue()


def test_the_daily_run_stops_the_overdue_dossier_and_tells_the_applicant(
    office, django_capture_on_commit_callbacks
):
    # Requested Tuesday 3/3/2026 08:00; 15 working days later is Tuesday 24/3 08:00.
    dossier = waiting_for_supplement(office, local(2026, 3, 2, 8, 0))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert run_at(local(2026, 3, 23, 23, 0)) == "Đã dừng xử lý 0 hồ sơ quá hạn bổ sung.\n"
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        assert run_at(local(2026, 3, 25, 0, 30)) == "Đã dừng xử lý 1 hồ sơ quá hạn bổ sung.\n"
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.STOPPED
    [email] = mail.outbox
    assert email.subject == f"Hồ sơ {dossier.code} đã dừng xử lý"
    assert "Quá hạn bổ sung hồ sơ mà công dân không bổ sung." in email.body
    assert f"http://motcua.example.vn/tra-cuu/{dossier.code}/" in email.body

    # A second run the same night finds nothing more: the stop is not repeated.
    with django_capture_on_commit_callbacks(execute=True):
        assert run_at(local(2026, 3, 25, 0, 45)) == "Đã dừng xử lý 0 hồ sơ quá hạn bổ sung.\n"
    assert len(mail.outbox) == 1
