"""Notifications to applicants: which dossier events tell the applicant, the messages, and their
delivery with retries.

The dossier services call `dossier_event_recorded(event)` for every event they record; the rest
happens after the dossier's transaction commits, in background tasks (motcua.notifications.tasks),
so a slow or broken gateway never blocks nor rolls back a dossier action.
"""

import logging
import unicodedata
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from motcua.catalog.formatting import money_text
from motcua.catalog.models import Channel as DossierChannel
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.public import status_label
from motcua.dossiers.statuses import Action, DossierStatus
from motcua.notifications.models import (
    ApplicantPreference,
    Channel,
    Notification,
    NotificationStatus,
)
from motcua.notifications.sms import sms_backend

logger = logging.getLogger(__name__)

# Longer than any backend may take (SMTP and the SMS gateway time out after 10 s).
SENDING_TIMEOUT = timedelta(minutes=15)
# Minutes to wait after the 1st, 2nd, ... failed attempt; the last value repeats.
RETRY_BACKOFF_MINUTES = (1, 5, 30, 120)

SUBJECTS = {
    "receive": gettext_lazy("Hồ sơ %(code)s đã được tiếp nhận"),
    "intake_incomplete": gettext_lazy("Hồ sơ %(code)s cần bổ sung trước khi tiếp nhận"),
    "request_supplement": gettext_lazy("Hồ sơ %(code)s cần bổ sung giấy tờ"),
    "refuse_intake": gettext_lazy("Hồ sơ %(code)s không được tiếp nhận"),
    "refuse": gettext_lazy("Hồ sơ %(code)s bị từ chối giải quyết"),
    "apologize": gettext_lazy("Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ %(code)s"),
    "result_ready": gettext_lazy("Hồ sơ %(code)s đã có kết quả"),
    "return_result": gettext_lazy("Hồ sơ %(code)s đã trả kết quả"),
    "withdraw": gettext_lazy("Hồ sơ %(code)s đã được rút theo yêu cầu"),
    "stop": gettext_lazy("Hồ sơ %(code)s đã dừng xử lý"),
    "pause_payment": gettext_lazy("Hồ sơ %(code)s chờ ông/bà thực hiện nghĩa vụ tài chính"),
    "payment": gettext_lazy("Đã nhận phí, lệ phí của hồ sơ %(code)s"),
    "refund": gettext_lazy("Hoàn trả phí, lệ phí của hồ sơ %(code)s"),
}

_BY_ACTION = {
    Action.RECEIVE: "receive",
    Action.REFUSE_INTAKE: "refuse_intake",
    Action.REFUSE: "refuse",
    Action.APOLOGIZE: "apologize",
    Action.RETURN_RESULT: "return_result",
    Action.WITHDRAW: "withdraw",
    Action.STOP: "stop",
    Action.PAUSE_PAYMENT: "pause_payment",
    Action.PAYMENT: "payment",
    Action.REFUND: "refund",
}
_AT_INTAKE = ("", DossierStatus.SUBMITTED)
MONEY_KINDS = ("payment", "refund")


def notification_kind(event: DossierEvent) -> str | None:
    """The message an event sends the applicant, or None for events that tell them nothing."""
    if event.action == Action.IMPORT:
        return None
    if event.action == Action.REQUEST_SUPPLEMENT:
        return "intake_incomplete" if event.from_status in _AT_INTAKE else "request_supplement"
    if event.action in _BY_ACTION:
        return _BY_ACTION[event.action]
    if event.action == Action.SUPPLEMENT and event.to_step_id is not None:
        # Documents answering a request made at intake receive the dossier (its route starts
        # here): the applicant gets the receipt and appointment like any received dossier.
        return "receive"
    if (
        event.to_status == DossierStatus.RESULT_READY
        and event.from_status != DossierStatus.RESULT_READY
    ):
        # Approval, or the last step of a route handing the result back to the desk.
        return "result_ready"
    return None


def dossier_event_recorded(event: DossierEvent) -> None:
    """Called by the dossier services inside their transaction for every event they record:
    schedules the applicant's notification for after the commit (nothing if it rolls back)."""
    if notification_kind(event) is None:
        return
    dossier = event.dossier
    if not (dossier.applicant_email or dossier.applicant_phone):
        return
    # robust: an unreachable task queue is logged, never raised into the committed action.
    transaction.on_commit(partial(_enqueue_event, event.pk), robust=True)


def _enqueue_event(event_id: int) -> None:
    from motcua.notifications.tasks import notify_dossier_event

    notify_dossier_event.enqueue(event_id)


def notification_language_set(*, dossier: Dossier, language: str) -> None:
    """The language the applicant of `dossier` is written to in (one of settings.LANGUAGES)."""
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    ApplicantPreference.objects.update_or_create(dossier=dossier, defaults={"language": language})


def applicant_language(dossier: Dossier) -> str:
    preference = ApplicantPreference.objects.filter(dossier=dossier).first()
    return preference.language if preference is not None else settings.LANGUAGE_CODE


def lookup_url(code: str) -> str:
    return f"{settings.MOTCUA_PUBLIC_BASE_URL.rstrip('/')}/tra-cuu/{code}/"


def sms_safe(text: str) -> str:
    """Vietnamese without diacritics, as SMS is usually sent (a GSM-7 message holds 160
    characters, a Unicode one 70): tone and vowel marks stripped, đ→d, case and punctuation kept."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


SUPPLEMENT_KINDS = ("intake_incomplete", "request_supplement")


def _supplement_items(dossier: Dossier) -> list[str]:
    """The items of the latest supplement request (form 02): everything missing, in one go."""
    latest = dossier.supplement_requests.order_by("-requested_at", "-id").first()
    return [str(item) for item in latest.items] if latest is not None else []


def _render(kind: str, event: DossierEvent, language: str) -> tuple[str, str, str]:
    """(subject, email body, SMS text) of one message, in `language`."""
    # Imported here: ratings builds on the dossier services, which call this module.
    from motcua.ratings.services import rating_link

    dossier = event.dossier
    with translation.override(language):
        context = {
            "dossier": dossier,
            "event": event,
            "reason": event.public_note.strip(),
            "status": status_label(dossier.status),
            "lookup_url": lookup_url(dossier.code),
            "receipt_attached": receipt_attached(dossier, kind),
            # After the result is handed over the applicant is asked to rate the dossier once.
            "rating_url": rating_link(dossier) if kind == "return_result" else "",
            "items": _supplement_items(dossier) if kind in SUPPLEMENT_KINDS else [],
            # Payments and refunds: the amount and the receipt the event recorded.
            "amount": money_text(event.data.get("amount", 0)) if kind in MONEY_KINDS else "",
            "receipt_number": event.data.get("receipt_number", ""),
        }
        subject = str(SUBJECTS[kind]) % {"code": dossier.code}
        body = render_to_string(f"notifications/{kind}.txt", context).strip() + "\n"
        sms = " ".join(render_to_string(f"notifications/{kind}.sms.txt", context).split())
    if language == "vi":
        sms = sms_safe(sms)
    return subject, body, sms


def notifications_create_for_event(*, event_id: int) -> list[Notification]:
    """The notifications of one event, one per address the applicant gave; run again, it creates
    nothing new. Returns the ones it created (each to be delivered once)."""
    event = DossierEvent.objects.select_related("dossier").filter(pk=event_id).first()
    if event is None:
        return []
    kind = notification_kind(event)
    if kind is None:
        return []
    dossier = event.dossier
    addresses = [
        (Channel.EMAIL, dossier.applicant_email.strip()),
        (Channel.SMS, dossier.applicant_phone.strip()),
    ]
    addresses = [(channel, address) for channel, address in addresses if address]
    if not addresses:
        return []
    language = applicant_language(dossier)
    subject, body, sms = _render(kind, event, language)
    created = []
    for channel, address in addresses:
        if Notification.objects.filter(event=event, channel=channel).exists():
            continue
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    dossier=dossier,
                    event=event,
                    kind=kind,
                    channel=channel,
                    recipient=address,
                    language=language,
                    subject=subject if channel == Channel.EMAIL else "",
                    body=body if channel == Channel.EMAIL else sms,
                    created_at=timezone.now(),
                )
        except IntegrityError:
            continue  # the same event's task running twice at once: the other one made it
        created.append(notification)
    return created


def receipt_attached(dossier: Dossier, kind: str) -> bool:
    """Whether the email of `kind` carries the receipt and appointment (form 01): the applicant
    of an online dossier has no paper slip from the desk."""
    return kind == "receive" and dossier.channel == DossierChannel.ONLINE


def _attachments(notification: Notification) -> list[tuple[str, bytes, str]]:
    dossier = notification.dossier
    if not receipt_attached(dossier, notification.kind):
        return []
    # Rendered at delivery, in the background task, never in the officer's request; a failure
    # fails this attempt like a gateway error would, so the email never promises a missing PDF.
    from motcua.dossiers.forms.slips import render_form

    pdf = render_form(dossier=dossier, form="01")
    return [(f"giay-tiep-nhan-{dossier.code}.pdf", pdf, "application/pdf")]


def _send(notification: Notification) -> None:
    if notification.channel == Channel.EMAIL:
        EmailMessage(
            subject=notification.subject,
            body=notification.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.recipient],
            attachments=_attachments(notification),
        ).send()
    else:
        sms_backend().send(to=notification.recipient, text=notification.body)


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=RETRY_BACKOFF_MINUTES[min(attempts, len(RETRY_BACKOFF_MINUTES)) - 1])


def notification_deliver(*, notification_id: int) -> str:
    """One attempt at sending one notification; returns its status afterwards.

    The row is claimed by a conditional update (queued/failed → sending), so two workers, or a
    task enqueued twice, never send it twice, and no transaction stays open while the gateway
    answers (on SQLite that would hold the write lock dossier actions need)."""
    now = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id,
        status__in=[NotificationStatus.QUEUED, NotificationStatus.FAILED],
    ).update(
        status=NotificationStatus.SENDING,
        attempts=F("attempts") + 1,
        # Still "sending" past this time: the worker died mid-send (see notifications_retry_due).
        next_attempt_at=now + SENDING_TIMEOUT,
    )
    if not claimed:
        current = Notification.objects.filter(pk=notification_id).values_list("status", flat=True)
        return current.first() or ""
    notification = Notification.objects.select_related("dossier").get(pk=notification_id)
    try:
        _send(notification)
    except Exception as error:  # any backend failure is the gateway's, to be retried
        logger.warning(
            "Notification %s (%s to %s) failed, attempt %s: %s",
            notification.pk,
            notification.channel,
            notification.recipient,
            notification.attempts,
            error,
        )
        return _failed(notification, error, now)
    notification.status = NotificationStatus.SENT
    notification.sent_at = timezone.now()
    notification.next_attempt_at = None
    notification.last_error = ""
    notification.save(update_fields=["status", "sent_at", "next_attempt_at", "last_error"])
    return notification.status


def _failed(notification: Notification, error: Exception, now) -> str:
    notification.last_error = f"{type(error).__name__}: {error}"[:2000]
    if notification.attempts >= settings.MOTCUA_NOTIFICATION_MAX_ATTEMPTS:
        notification.status = NotificationStatus.GAVE_UP
        notification.next_attempt_at = None
    else:
        notification.status = NotificationStatus.FAILED
        notification.next_attempt_at = now + _backoff(notification.attempts)
    notification.save(update_fields=["status", "last_error", "next_attempt_at"])
    if notification.status == NotificationStatus.FAILED:
        _schedule_retry(notification)
    return notification.status


def _schedule_retry(notification: Notification) -> None:
    from motcua.notifications.tasks import deliver_notification

    task = deliver_notification
    if not task.get_backend().supports_defer:
        # A backend that runs tasks at once (tests, a laptop without a worker) would retry in the
        # same breath; `motcua notifications_retry` picks these up when they are due.
        return
    try:
        task.using(run_after=notification.next_attempt_at).enqueue(notification.pk)
    except Exception:
        logger.exception("Could not schedule the retry of notification %s", notification.pk)


def notifications_retry_due(*, now=None) -> int:
    """Enqueue the failed notifications whose retry time has come, and those a stopped worker
    left half-sent (for backends that cannot defer a task, and after an outage of the worker);
    returns how many."""
    from motcua.notifications.tasks import deliver_notification

    now = now or timezone.now()
    Notification.objects.filter(status=NotificationStatus.SENDING, next_attempt_at__lte=now).update(
        status=NotificationStatus.FAILED, last_error="worker stopped while sending"
    )
    due = list(
        Notification.objects.filter(
            status=NotificationStatus.FAILED, next_attempt_at__lte=now
        ).values_list("pk", flat=True)
    )
    for notification_id in due:
        deliver_notification.enqueue(notification_id)
    return len(due)
