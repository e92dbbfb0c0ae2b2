"""Notifications of dossier events: scheduled after commit, one per address, rendered with the
code and the lookup link in the applicant's language, delivered once, retried when a gateway
fails, and never in the way of the dossier action."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django_tasks import default_task_backend

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import (
    dossier_refuse_intake,
    dossier_request_supplement,
    dossier_supplement_received,
)
from motcua.dossiers.statuses import Action, DossierStatus
from motcua.dossiers.tests.factories import (
    APPLICANT,
    HKD,
    build_office,
    demo_procedure,
    local,
    receive,
    submit,
)
from motcua.notifications.models import Channel, Notification, NotificationStatus
from motcua.notifications.services import _render as render_message
from motcua.notifications.services import (
    notification_deliver,
    notification_kind,
    notification_language_set,
    notifications_retry_due,
    sms_safe,
)
from motcua.notifications.sms import SmsBackend, SmsError
from motcua.notifications.tasks import deliver_notification, notify_dossier_event
from motcua.ratings.services import rating_link

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
RECEIVED_AT = local(2026, 3, 2, 8, 0)  # Monday; HKD takes 3 working days → Thursday 08:00
CODE = "000.01.51.H62-260302-0001"
LINK = f"http://motcua.example.vn/tra-cuu/{CODE}/"


class FailingSms(SmsBackend):
    def send(self, *, to: str, text: str) -> None:
        raise SmsError("gateway down")


class FlakySms(SmsBackend):
    """Down for its first two calls, then up: what it sent is kept in `sent`."""

    calls = 0
    sent: list[str] = []  # shared on purpose: a backend is made per message

    def send(self, *, to: str, text: str) -> None:
        FlakySms.calls += 1
        if FlakySms.calls <= 2:
            raise SmsError("gateway down")
        FlakySms.sent.append(text)


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


@pytest.fixture
def immediate(settings):
    settings.TASKS = IMMEDIATE


@pytest.fixture
def dummy(settings):
    settings.TASKS = DUMMY
    default_task_backend.clear()
    yield default_task_backend
    default_task_backend.clear()


def sms_lines(settings) -> list[dict]:
    from pathlib import Path

    path = Path(settings.MOTCUA_SMS_FILE)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def receive_committed(office, hkd, capture, **kwargs) -> Dossier:
    # The clock stays at the receipt while the after-commit tasks run.
    with time_machine.travel(RECEIVED_AT, tick=False), capture(execute=True):
        return receive(office, hkd, **kwargs)


# -- scheduling ----------------------------------------------------------------------------------


def test_a_received_dossier_is_notified_by_email_and_sms_after_commit(
    office, hkd, immediate, settings, django_capture_on_commit_callbacks
):
    dossier = receive_committed(office, hkd, django_capture_on_commit_callbacks)

    assert dossier.code == CODE
    rows = list(Notification.objects.order_by("channel").values_list(
        "channel", "recipient", "kind", "language", "status", "attempts"
    ))  # fmt: skip
    assert rows == [
        (Channel.EMAIL, "an.nguyen@example.vn", "receive", "vi", NotificationStatus.SENT, 1),
        (Channel.SMS, "0912345678", "receive", "vi", NotificationStatus.SENT, 1),
    ]
    [email] = mail.outbox
    assert email.to == ["an.nguyen@example.vn"]
    assert email.subject == f"Hồ sơ {CODE} đã được tiếp nhận"
    assert email.body == (
        "Kính gửi Nguyễn Văn An,\n\n"
        f"Hồ sơ {CODE} của ông/bà đã được tiếp nhận.\n"
        "Ngày hẹn trả kết quả: 08:00 05/03/2026.\n\n"
        f"Mã hồ sơ: {CODE}\n"
        "Thủ tục: Đăng ký thành lập hộ kinh doanh\n"
        "Tình trạng: Đã tiếp nhận\n"
        f"Tra cứu hồ sơ: {LINK}\n\n"
        "Trung tâm phục vụ hành chính công xã Hàm Yên\n"
        "Thư này được gửi tự động, vui lòng không trả lời.\n"
    )
    [sms] = sms_lines(settings)
    assert sms["to"] == "0912345678"
    assert sms["text"] == (
        f"Ho so {CODE} da duoc tiep nhan. Hen tra: 08:00 05/03/2026. Tra cuu: {LINK}"
    )
    assert len(sms["text"]) <= 160
    sent = Notification.objects.get(channel=Channel.SMS)
    assert sent.body == sms["text"]
    assert sent.event.action == Action.RECEIVE


def test_the_event_task_is_enqueued_only_when_the_action_commits(
    office, hkd, dummy, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        receive(office, hkd, at=RECEIVED_AT)
    assert dummy.results == []  # nothing before the commit
    for callback in callbacks:
        callback()
    [result] = dummy.results
    assert result.task.func is notify_dossier_event.func
    event = DossierEvent.objects.get(action=Action.RECEIVE)
    assert result.args == [event.pk]


def test_nothing_is_scheduled_when_the_action_rolls_back(
    office, hkd, dummy, django_capture_on_commit_callbacks
):
    def receive_then_fail():
        with transaction.atomic():
            receive(office, hkd, at=RECEIVED_AT)
            raise RuntimeError("the caller failed after the service")

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        receive_then_fail()
    assert callbacks == []
    assert Dossier.objects.count() == 0
    assert Notification.objects.count() == 0


def test_an_applicant_without_address_gets_nothing_and_a_missing_channel_is_skipped(
    office, hkd, immediate, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        receive(office, hkd, at=RECEIVED_AT, applicant={**APPLICANT, "email": "", "phone": ""})
    assert callbacks == []

    receive_committed(office, hkd, django_capture_on_commit_callbacks,
                      applicant={**APPLICANT, "email": ""})  # fmt: skip
    assert list(Notification.objects.values_list("channel", flat=True)) == [Channel.SMS]
    assert mail.outbox == []


def test_queued_notifications_are_created_once_however_often_the_event_task_runs(
    office, hkd, dummy
):
    dossier = receive(office, hkd, at=RECEIVED_AT)
    event = DossierEvent.objects.get(dossier=dossier, action=Action.RECEIVE)

    assert notify_dossier_event.call(event.pk) == 2
    assert notify_dossier_event.call(event.pk) == 0

    rows = Notification.objects.values_list("channel", "status", "attempts")
    assert sorted(rows) == [
        (Channel.EMAIL, NotificationStatus.QUEUED, 0),
        (Channel.SMS, NotificationStatus.QUEUED, 0),
    ]
    delivery = [r for r in dummy.results if r.task.func is deliver_notification.func]
    assert sorted(r.args[0] for r in delivery) == sorted(
        Notification.objects.values_list("pk", flat=True)
    )


def test_a_sent_notification_is_never_sent_again(office, hkd, immediate, settings,
                                                 django_capture_on_commit_callbacks):  # fmt: skip
    receive_committed(office, hkd, django_capture_on_commit_callbacks)
    email = Notification.objects.get(channel=Channel.EMAIL)

    assert notification_deliver(notification_id=email.pk) == NotificationStatus.SENT
    deliver_notification.enqueue(email.pk)

    assert len(mail.outbox) == 1
    assert len(sms_lines(settings)) == 1
    email.refresh_from_db()
    assert email.attempts == 1


# -- a failing gateway ---------------------------------------------------------------------------


def test_a_failing_sms_gateway_is_retried_with_backoff_then_given_up_and_the_dossier_stands(
    office, hkd, immediate, settings, django_capture_on_commit_callbacks
):
    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.tests.test_services.FailingSms"

    dossier = receive_committed(office, hkd, django_capture_on_commit_callbacks)

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert DossierEvent.objects.filter(dossier=dossier, action=Action.RECEIVE).count() == 1
    assert Notification.objects.get(channel=Channel.EMAIL).status == NotificationStatus.SENT
    sms = Notification.objects.get(channel=Channel.SMS)
    assert (sms.status, sms.attempts, sms.last_error) == (
        NotificationStatus.FAILED, 1, "SmsError: gateway down",
    )  # fmt: skip
    assert sms.next_attempt_at == RECEIVED_AT + timedelta(minutes=1)

    history = []
    clock = RECEIVED_AT
    for wait in (1, 5, 30, 120):
        clock += timedelta(minutes=wait)
        with time_machine.travel(clock - timedelta(seconds=1), tick=False):
            assert notifications_retry_due() == 0  # not due yet
        with time_machine.travel(clock, tick=False):
            assert notifications_retry_due() == 1
        sms.refresh_from_db()
        history.append(
            (sms.status, sms.attempts, sms.next_attempt_at and sms.next_attempt_at - clock)
        )
    assert history == [
        (NotificationStatus.FAILED, 2, timedelta(minutes=5)),
        (NotificationStatus.FAILED, 3, timedelta(minutes=30)),
        (NotificationStatus.FAILED, 4, timedelta(minutes=120)),
        (NotificationStatus.GAVE_UP, 5, None),
    ]
    with time_machine.travel(clock + timedelta(days=1), tick=False):
        assert notifications_retry_due() == 0
    assert sms.sent_at is None
    assert len(mail.outbox) == 1


def test_a_gateway_that_comes_back_gets_the_message_once(
    office, hkd, immediate, settings, django_capture_on_commit_callbacks
):
    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.tests.test_services.FlakySms"
    FlakySms.calls, FlakySms.sent = 0, []

    dossier = receive_committed(office, hkd, django_capture_on_commit_callbacks)
    clock = RECEIVED_AT
    for wait in (1, 5):  # the first retry fails too; the second goes through
        clock += timedelta(minutes=wait)
        with time_machine.travel(clock, tick=False):
            assert notifications_retry_due() == 1

    sms = Notification.objects.get(channel=Channel.SMS)
    assert (sms.status, sms.attempts, sms.sent_at) == (NotificationStatus.SENT, 3, clock)
    assert FlakySms.sent == [sms.body]
    with time_machine.travel(clock + timedelta(days=1), tick=False):
        assert notifications_retry_due() == 0  # delivered: never sent again
    assert len(FlakySms.sent) == 1
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED


def test_a_backend_that_defers_gets_the_retry_enqueued_for_its_time(office, hkd, dummy, settings):
    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.tests.test_services.FailingSms"
    dossier = receive(office, hkd, at=RECEIVED_AT)
    notify_dossier_event.call(DossierEvent.objects.get(dossier=dossier).pk)
    sms = Notification.objects.get(channel=Channel.SMS)
    dummy.clear()

    with time_machine.travel(RECEIVED_AT, tick=False):
        assert deliver_notification.call(sms.pk) == NotificationStatus.FAILED

    [retry] = dummy.results
    assert retry.task.func is deliver_notification.func
    assert retry.args == [sms.pk]
    assert retry.task.run_after == RECEIVED_AT + timedelta(minutes=1)


def test_a_failed_enqueue_after_commit_leaves_the_action_committed(
    office, hkd, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MOTCUA_SMS_BACKEND = "no.such.Backend"

    dossier = receive_committed(office, hkd, django_capture_on_commit_callbacks)

    assert Dossier.objects.filter(pk=dossier.pk, status=DossierStatus.RECEIVED).exists()
    assert Notification.objects.get(channel=Channel.SMS).status == NotificationStatus.FAILED


# -- language and content ------------------------------------------------------------------------


def test_an_english_applicant_is_written_to_in_english(
    office, hkd, immediate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        dossier = receive(office, hkd, at=RECEIVED_AT)
        notification_language_set(dossier=dossier, language="en")

    email = Notification.objects.get(channel=Channel.EMAIL)
    assert email.language == "en"
    assert f"Dossier code: {CODE}\n" in email.body
    assert "Procedure: Đăng ký thành lập hộ kinh doanh\n" in email.body
    assert "Status: Received\n" in email.body
    assert f"{LINK}\n" in email.body
    sms = Notification.objects.get(channel=Channel.SMS)
    assert CODE in sms.body
    assert LINK in sms.body


def test_an_unknown_language_falls_back_to_vietnamese(office, hkd):
    dossier = receive(office, hkd, at=RECEIVED_AT)
    notification_language_set(dossier=dossier, language="fr")
    assert dossier.notification_preference.language == "vi"


def test_a_refusal_tells_the_reason(office, hkd, immediate, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submit(office, hkd, at=RECEIVED_AT)
    assert Notification.objects.count() == 0  # an online submission is not yet received

    with django_capture_on_commit_callbacks(execute=True):
        dossier_refuse_intake(actor=office.reception, dossier=dossier,
                              reason="Thủ tục không thuộc thẩm quyền của xã.")  # fmt: skip

    email = Notification.objects.get(channel=Channel.EMAIL)
    assert email.kind == "refuse_intake"
    assert email.subject == f"Hồ sơ {dossier.code} không được tiếp nhận"
    assert "không được tiếp nhận. Lý do:\nThủ tục không thuộc thẩm quyền của xã.\n" in email.body
    assert Notification.objects.get(channel=Channel.SMS).body == (
        f"Ho so {dossier.code} khong duoc tiep nhan. "
        f"Tra cuu: http://motcua.example.vn/tra-cuu/{dossier.code}/"
    )


@pytest.mark.parametrize(
    ("action", "from_status", "to_status", "kind"),
    [
        (Action.SUBMIT, "", DossierStatus.SUBMITTED, None),
        (Action.RECEIVE, "", DossierStatus.RECEIVED, "receive"),
        (Action.RECEIVE, DossierStatus.SUBMITTED, DossierStatus.RECEIVED, "receive"),
        (Action.REQUEST_SUPPLEMENT, "", DossierStatus.SUPPLEMENT_REQUESTED, "intake_incomplete"),
        (Action.REQUEST_SUPPLEMENT, DossierStatus.SUBMITTED, DossierStatus.SUPPLEMENT_REQUESTED, "intake_incomplete"),
        (Action.REQUEST_SUPPLEMENT, DossierStatus.PROCESSING, DossierStatus.SUPPLEMENT_REQUESTED, "request_supplement"),
        (Action.SUPPLEMENT, DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.PROCESSING, None),
        (Action.REFUSE_INTAKE, DossierStatus.SUBMITTED, DossierStatus.NOT_ACCEPTED, "refuse_intake"),
        (Action.ASSIGN, DossierStatus.RECEIVED, DossierStatus.PROCESSING, None),
        (Action.FORWARD, DossierStatus.RECEIVED, DossierStatus.PROCESSING, None),
        (Action.FORWARD, DossierStatus.PROCESSING, DossierStatus.RESULT_READY, "result_ready"),
        (Action.PARTNER_RESULT, DossierStatus.AWAITING_PARTNER, DossierStatus.RESULT_READY, "result_ready"),
        (Action.APPROVE, DossierStatus.AWAITING_SIGNATURE, DossierStatus.RESULT_READY, "result_ready"),
        (Action.REFUSE, DossierStatus.AWAITING_SIGNATURE, DossierStatus.RESULT_READY, "refuse"),
        (Action.APOLOGIZE, DossierStatus.PROCESSING, DossierStatus.PROCESSING, "apologize"),
        (Action.PAUSE_PAYMENT, DossierStatus.PROCESSING, DossierStatus.AWAITING_PAYMENT, "pause_payment"),
        (Action.RESUME_PAYMENT, DossierStatus.AWAITING_PAYMENT, DossierStatus.PROCESSING, None),
        (Action.PAYMENT, DossierStatus.RECEIVED, DossierStatus.RECEIVED, "payment"),
        (Action.REFUND, DossierStatus.PROCESSING, DossierStatus.PROCESSING, "refund"),
        (Action.WITHDRAW, DossierStatus.PROCESSING, DossierStatus.WITHDRAWN, "withdraw"),
        (Action.STOP, DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.STOPPED, "stop"),
        (Action.RETURN_RESULT, DossierStatus.RESULT_READY, DossierStatus.RETURNED, "return_result"),
        (Action.RECOMPUTE_DUE, DossierStatus.RESULT_READY, DossierStatus.RESULT_READY, None),
        (Action.IMPORT, "", DossierStatus.RESULT_READY, None),
    ],
)  # fmt: skip
def test_which_events_notify_the_applicant(action, from_status, to_status, kind):
    event = DossierEvent(action=action, from_status=from_status, to_status=to_status)
    assert notification_kind(event) == kind


def test_the_returned_message_asks_for_a_rating_with_the_dossiers_link(office, hkd):
    dossier = receive(office, hkd)
    returned = DossierEvent(
        dossier=dossier,
        action=Action.RETURN_RESULT,
        from_status=DossierStatus.RESULT_READY,
        to_status=DossierStatus.RETURNED,
    )

    _subject, body, _sms = render_message("return_result", returned, "vi")
    _subject, received_body, _sms = render_message("receive", returned, "vi")

    assert (
        f"đánh giá mức độ hài lòng về việc giải quyết hồ sơ (một lần, khoảng một phút): {rating_link(dossier)}"
        in body
    )
    assert "/danh-gia/" not in received_body


def test_a_supplement_message_lists_every_missing_item(office, hkd):
    dossier = submit(office, hkd)
    dossier_request_supplement(
        actor=office.reception,
        dossier=dossier,
        items=["Bản sao giấy chứng nhận quyền sử dụng đất", "Hợp đồng thuê địa điểm"],
        reason="Thiếu giấy tờ về địa điểm kinh doanh",
    )
    event = dossier.events.get(action=Action.REQUEST_SUPPLEMENT)

    _subject, body, _sms = render_message("intake_incomplete", event, "vi")

    assert (
        "- Bản sao giấy chứng nhận quyền sử dụng đất\n- Hợp đồng thuê địa điểm\n"
        "Thiếu giấy tờ về địa điểm kinh doanh"
    ) in body


def test_sms_text_drops_diacritics_but_keeps_case_and_punctuation():
    assert sms_safe("Hồ sơ ĐÃ trả: Đăng ký, 15:00!") == "Ho so DA tra: Dang ky, 15:00!"


def test_documents_answering_an_intake_request_send_the_receipt(
    office, hkd, immediate, django_capture_on_commit_callbacks
):
    with time_machine.travel(RECEIVED_AT, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            dossier = submit(office, hkd)
        with django_capture_on_commit_callbacks(execute=True):
            dossier_request_supplement(
                actor=office.reception, dossier=dossier, items=["Bản sao căn cước"], reason="Thiếu"
            )
        with django_capture_on_commit_callbacks(execute=True):
            dossier_supplement_received(actor=office.reception, dossier=dossier)

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert [m.subject for m in mail.outbox] == [
        f"Hồ sơ {dossier.code} cần bổ sung trước khi tiếp nhận",
        f"Hồ sơ {dossier.code} đã được tiếp nhận",
    ]


def test_documents_answering_a_request_during_processing_send_nothing(
    office, hkd, immediate, django_capture_on_commit_callbacks
):
    with time_machine.travel(RECEIVED_AT, tick=False):
        dossier = receive(office, hkd)
        dossier_request_supplement(
            actor=office.reception, dossier=dossier, items=["Bản sao căn cước"], reason="Thiếu"
        )
        mail.outbox = []
        with django_capture_on_commit_callbacks(execute=True):
            dossier_supplement_received(actor=office.reception, dossier=dossier)

    assert mail.outbox == []


def test_a_payment_and_its_refund_are_notified_with_the_amount_and_receipt(
    office, hkd, immediate, settings, django_capture_on_commit_callbacks
):
    from motcua.payments.models import PaymentMethod
    from motcua.payments.services import payment_record_at_counter, payment_refund

    dossier = receive_committed(office, hkd, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with time_machine.travel(RECEIVED_AT + timedelta(minutes=5), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            payment = payment_record_at_counter(
                actor=office.reception, dossier=dossier, amount=100_000,
                method=PaymentMethod.CASH,
            )  # fmt: skip
        with django_capture_on_commit_callbacks(execute=True):
            payment_refund(actor=office.reception, payment=payment, reason="Thu nhầm")

    paid, refunded = mail.outbox
    assert paid.subject == f"Đã nhận phí, lệ phí của hồ sơ {CODE}"
    assert "Đã nhận 100.000\xa0đ phí, lệ phí của hồ sơ" in paid.body
    assert "Biên lai số BL-2026-000001." in paid.body
    assert refunded.subject == f"Hoàn trả phí, lệ phí của hồ sơ {CODE}"
    assert "Đã hoàn trả 100.000\xa0đ phí, lệ phí của hồ sơ" in refunded.body
    texts = [line["text"] for line in sms_lines(settings)][-2:]
    assert texts == [
        f"Da nhan 100.000 d phi, le phi ho so {CODE}. Bien lai so BL-2026-000001.",
        f"Da hoan tra 100.000 d phi, le phi ho so {CODE}. Tra cuu: {LINK}",
    ]


def test_a_wait_for_a_financial_obligation_tells_the_applicant_the_clock_is_paused(
    office, hkd, immediate, django_capture_on_commit_callbacks
):
    from motcua.dossiers.services import dossier_forward, dossier_pause_payment

    dossier = receive_committed(office, hkd, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with time_machine.travel(RECEIVED_AT + timedelta(hours=1), tick=False):
        dossier_forward(actor=office.reception, dossier=dossier)
        with django_capture_on_commit_callbacks(execute=True):
            dossier_pause_payment(
                actor=office.specialist, dossier=dossier, reason="Nộp lệ phí trước bạ."
            )

    [email] = mail.outbox
    assert email.subject == f"Hồ sơ {CODE} chờ ông/bà thực hiện nghĩa vụ tài chính"
    assert "Thời gian chờ không tính vào thời hạn giải quyết.\nNộp lệ phí trước bạ.\n" in email.body
