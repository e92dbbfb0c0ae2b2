"""The "receive" email of an online dossier carries the receipt and appointment (form 01) as a
PDF, rendered in the delivery task, never in the officer's request."""

from io import BytesIO

import pytest
import time_machine
from django.core import mail
from django_tasks import default_task_backend
from pypdf import PdfReader

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_receive
from motcua.dossiers.tests.factories import (
    APPLICANT,
    DOCUMENTS,
    HKD,
    build_office,
    demo_procedure,
    local,
    receive,
    submit,
)
from motcua.notifications.models import Channel, Notification, NotificationStatus

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
SUBMITTED_AT = local(2026, 3, 1, 20, 0)
RECEIVED_AT = local(2026, 3, 2, 8, 0)
CODE = "000.01.51.H62-260301-0001"
ATTACHED = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả được đính kèm thư này."


@pytest.fixture
def office(db, settings, tmp_path):
    settings.MOTCUA_PUBLIC_BASE_URL = "http://motcua.example.vn"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.sms.FileBackend"
    settings.MOTCUA_SMS_FILE = str(tmp_path / "sms.log")
    settings.MOTCUA_NOTIFICATION_MAX_ATTEMPTS = 5
    return build_office()


@pytest.fixture
def hkd(db):
    return demo_procedure(HKD)


def accept(office, hkd, dossier: Dossier) -> Dossier:
    with time_machine.travel(RECEIVED_AT, tick=False):
        return dossier_receive(
            actor=office.reception,
            receiving_agency=office.desk,
            procedure=hkd,
            channel="online",
            applicant=dict(APPLICANT),
            documents=list(DOCUMENTS),
            dossier=dossier,
        )


def test_accepting_an_online_dossier_emails_form_01(
    office, hkd, settings, django_capture_on_commit_callbacks
):
    dossier = submit(office, hkd, at=SUBMITTED_AT)
    settings.TASKS = IMMEDIATE

    with django_capture_on_commit_callbacks(execute=True):
        accept(office, hkd, dossier)

    [email] = mail.outbox
    assert email.subject == f"Hồ sơ {CODE} đã được tiếp nhận"
    assert f"Ngày hẹn trả kết quả: 08:00 05/03/2026.\n{ATTACHED}\n" in email.body
    [(name, content, mimetype)] = email.attachments
    assert (name, mimetype) == (f"giay-tiep-nhan-{CODE}.pdf", "application/pdf")
    assert content.startswith(b"%PDF-")
    text = " ".join(PdfReader(BytesIO(content)).pages[0].extract_text().split())
    assert CODE in text
    assert "Nguyễn Văn An" in text
    sms = Notification.objects.get(channel=Channel.SMS)
    assert sms.status == NotificationStatus.SENT
    assert "dinh kem" not in sms.body


def test_a_dossier_received_at_the_desk_gets_no_attachment(
    office, hkd, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE

    with django_capture_on_commit_callbacks(execute=True):
        receive(office, hkd, at=RECEIVED_AT)

    [email] = mail.outbox
    assert email.attachments == []
    assert ATTACHED not in email.body


def test_the_pdf_is_rendered_in_the_task_not_in_the_request(
    office, hkd, settings, monkeypatch, django_capture_on_commit_callbacks
):
    dossier = submit(office, hkd, at=SUBMITTED_AT)
    settings.TASKS = DUMMY
    default_task_backend.clear()
    rendered = []
    monkeypatch.setattr(
        "motcua.dossiers.forms.slips.render_form",
        lambda **kwargs: rendered.append(kwargs["form"]) or b"%PDF-1.7\n%%EOF\n",
    )

    with django_capture_on_commit_callbacks(execute=True):
        accept(office, hkd, dossier)

    assert rendered == []
    assert mail.outbox == []
    [task] = default_task_backend.results
    default_task_backend.clear()

    # When the worker runs the event's task (and its delivery)
    settings.TASKS = IMMEDIATE
    task.task.call(*task.args)

    assert rendered == ["01"]
    assert [a[0] for a in mail.outbox[0].attachments] == [f"giay-tiep-nhan-{CODE}.pdf"]


def test_a_failed_rendering_fails_the_attempt_and_is_retried(
    office, hkd, settings, monkeypatch, django_capture_on_commit_callbacks
):
    dossier = submit(office, hkd, at=SUBMITTED_AT)
    settings.TASKS = IMMEDIATE

    def broken(**kwargs):
        raise OSError("font missing")

    monkeypatch.setattr("motcua.dossiers.forms.slips.render_form", broken)
    with django_capture_on_commit_callbacks(execute=True):
        accept(office, hkd, dossier)

    email = Notification.objects.get(channel=Channel.EMAIL)
    assert (email.status, email.attempts, email.last_error) == (
        NotificationStatus.FAILED,
        1,
        "OSError: font missing",
    )
    assert mail.outbox == []
    assert Notification.objects.get(channel=Channel.SMS).status == NotificationStatus.SENT
