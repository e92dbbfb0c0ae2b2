"""The outbox: writing a message with each status change, delivering it, resending it.

The dossier services call `outbox_event_recorded(event)` inside their transaction, so the message
exists exactly when the event does (a rolled-back action leaves none; a committed one has it even
if the process dies right after). Delivery happens later, outside any transaction, in tasks
(motcua.outbox.tasks) or `motcua outbox_deliver`: messages of one dossier go out in order, a
message is claimed by one worker at a time, and a message the endpoint could not take is retried
for as long as it takes (1, 5, 30, 120 minutes, then every 6 hours).
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.common.errors import Conflict
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.outbox.models import MessageState, OutboxMessage
from motcua.outbox.national import idempotency_key, is_status_change, national_payload
from motcua.outbox.selectors import outbox_message_for_resend
from motcua.outbox.transport import endpoint_configured, post_message

logger = logging.getLogger(__name__)

# Still "sending" past this time: the worker died mid-send; the message goes back to the queue
# (the idempotency key makes a second POST harmless).
SENDING_TIMEOUT = timedelta(minutes=15)
# Minutes to wait after the 1st, 2nd, ... failed attempt; then every 6 hours, never giving up.
RETRY_BACKOFF_MINUTES = (1, 5, 30, 120, 360)
UNDELIVERED = [
    MessageState.PENDING,
    MessageState.SENDING,
    MessageState.FAILED,
    MessageState.REJECTED,
]


def retry_delay(attempts: int) -> timedelta:
    index = min(max(attempts, 1), len(RETRY_BACKOFF_MINUTES)) - 1
    return timedelta(minutes=RETRY_BACKOFF_MINUTES[index])


# -- writing, inside the dossier's transaction ---------------------------------------------------


def outbox_event_recorded(event: DossierEvent) -> OutboxMessage | None:
    """Called by the dossier services for every event they record, inside their transaction:
    a status change becomes a message in the national shape, committed (or rolled back) with
    the event; its delivery is nudged after the commit."""
    if not is_status_change(event):
        return None
    dossier = event.dossier
    procedure_code, receiving_code, competent_code = _codes(dossier)
    payload = national_payload(
        event,
        dossier,
        procedure_code=procedure_code,
        receiving_agency_code=receiving_code,
        competent_agency_code=competent_code,
    )
    message = OutboxMessage.objects.create(
        dossier=dossier,
        event=event,
        idempotency_key=idempotency_key(dossier.code, event.pk),
        national_status=payload["status"],
        payload=payload,
        created_at=timezone.now(),
        next_attempt_at=timezone.now(),
    )
    if endpoint_configured():
        # robust: an unreachable task queue is logged, never raised into the committed action;
        # `motcua outbox_deliver` sends whatever a missed nudge left behind.
        transaction.on_commit(partial(_enqueue, message.pk), robust=True)
    return message


_CODE_RELATIONS = (Dossier.procedure, Dossier.receiving_agency, Dossier.competent_agency)


def _codes(dossier: Dossier) -> tuple[str, str, str]:
    """The procedure's and agencies' codes: from the objects the service already holds, else in
    one query (never three)."""
    if all(relation.field.is_cached(dossier) for relation in _CODE_RELATIONS):
        return (
            dossier.procedure.code,
            dossier.receiving_agency.code,
            dossier.competent_agency.code,
        )
    return (
        Dossier.objects.filter(pk=dossier.pk)
        .values_list("procedure__code", "receiving_agency__code", "competent_agency__code")
        .get()
    )


def _enqueue(message_id: int, *, run_after=None) -> None:
    from motcua.outbox.tasks import deliver_outbox_message

    task = deliver_outbox_message
    if run_after is not None:
        if not task.get_backend().supports_defer:
            # A backend that runs tasks at once (tests, a laptop without a worker) would retry
            # in the same breath; `motcua outbox_deliver` picks these up when they are due.
            return
        task = task.using(run_after=run_after)
    task.enqueue(message_id)


# -- delivering, outside any transaction ---------------------------------------------------------


def _earlier_undelivered() -> Exists:
    return Exists(
        OutboxMessage.objects.filter(
            dossier_id=OuterRef("dossier_id"), pk__lt=OuterRef("pk"), state__in=UNDELIVERED
        )
    )


def _due(now) -> Q:
    return Q(state__in=[MessageState.PENDING, MessageState.FAILED]) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def outbox_message_deliver(*, message_id: int) -> str:
    """One attempt at one message, if it is due and every earlier message of its dossier has been
    delivered; returns its state afterwards.

    The row is claimed by one conditional update (pending/failed → sending), so two workers never
    send the same message, and no transaction stays open while the endpoint answers."""
    if not endpoint_configured():
        return _state_of(message_id)
    now = timezone.now()
    claimed = (
        OutboxMessage.objects.filter(_due(now), pk=message_id)
        .exclude(_earlier_undelivered())
        .update(
            state=MessageState.SENDING,
            attempts=F("attempts") + 1,
            last_attempt_at=now,
            next_attempt_at=now + SENDING_TIMEOUT,
        )
    )
    if not claimed:
        return _state_of(message_id)
    message = OutboxMessage.objects.get(pk=message_id)
    answer = post_message(payload=message.payload, idempotency_key=message.idempotency_key)
    message.http_status = answer.http_status
    message.response_body = answer.body
    message.last_error = answer.error
    if answer.outcome == "delivered":
        message.state = MessageState.DELIVERED
        message.delivered_at = timezone.now()
        message.next_attempt_at = None
    elif answer.outcome == "rejected":
        message.state = MessageState.REJECTED
        message.next_attempt_at = None
        logger.error(
            "Outbox message %s rejected by the national endpoint (HTTP %s): %s",
            message.idempotency_key,
            answer.http_status,
            answer.body[:500],
        )
    else:
        message.state = MessageState.FAILED
        message.next_attempt_at = now + retry_delay(message.attempts)
        logger.warning(
            "Outbox message %s not delivered (attempt %s, next at %s): %s",
            message.idempotency_key,
            message.attempts,
            message.next_attempt_at.isoformat(),
            answer.error,
        )
    message.save(
        update_fields=[
            "state",
            "http_status",
            "response_body",
            "last_error",
            "delivered_at",
            "next_attempt_at",
        ]
    )
    if message.state == MessageState.FAILED:
        _schedule(message.pk, run_after=message.next_attempt_at)
    return message.state


def _state_of(message_id: int) -> str:
    state = OutboxMessage.objects.filter(pk=message_id).values_list("state", flat=True).first()
    return state or ""


def _schedule(message_id: int, *, run_after=None) -> None:
    try:
        _enqueue(message_id, run_after=run_after)
    except Exception:
        logger.exception("Could not schedule the delivery of outbox message %s", message_id)


def outbox_next_of_dossier(*, dossier_id: int) -> int | None:
    """The message of this dossier whose turn it is now, if it is due."""
    return (
        OutboxMessage.objects.filter(_due(timezone.now()), dossier_id=dossier_id)
        .exclude(_earlier_undelivered())
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


def outbox_release_stale(*, now=None) -> int:
    """Messages a stopped worker left "sending" go back to the queue; returns how many."""
    now = now or timezone.now()
    return OutboxMessage.objects.filter(
        state=MessageState.SENDING, next_attempt_at__lte=now
    ).update(state=MessageState.FAILED, last_error="worker stopped while sending")


@dataclass
class DeliveryRun:
    configured: bool = True
    attempted: int = 0
    by_state: dict[str, int] = field(default_factory=dict)


def outbox_deliver_due(*, limit: int | None = None) -> DeliveryRun:
    """Send every message that is due now, oldest first, each dossier's in order (at most
    `limit` attempts): what the cron job or systemd timer runs."""
    run = DeliveryRun(configured=endpoint_configured())
    if not run.configured:
        return run
    outbox_release_stale()
    while limit is None or run.attempted < limit:
        batch = 100 if limit is None else min(100, limit - run.attempted)
        due = list(
            OutboxMessage.objects.filter(_due(timezone.now()))
            .exclude(_earlier_undelivered())
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not due:
            break
        for message_id in due:
            state = outbox_message_deliver(message_id=message_id)
            run.attempted += 1
            run.by_state[state] = run.by_state.get(state, 0) + 1
    return run


# -- an administrator's resend -------------------------------------------------------------------


def outbox_message_resend(*, user, message_id: int) -> OutboxMessage:
    """Put a rejected or failed message back in the queue, to be sent now (for a rejected one:
    once the cause, e.g. the catalog code, has been fixed on the receiving side)."""
    message = outbox_message_for_resend(user=user, pk=message_id)
    now = timezone.now()
    with transaction.atomic():
        changed = OutboxMessage.objects.filter(
            pk=message.pk, state__in=[MessageState.REJECTED, MessageState.FAILED]
        ).update(
            state=MessageState.PENDING,
            next_attempt_at=now,
            resent_at=now,
            resent_by=(getattr(user, "full_name", "") or user.get_username())[:200],
        )
        if not changed:
            raise Conflict(
                _("Chỉ gửi lại được tin bị từ chối hoặc gửi lỗi."), code="outbox_not_resendable"
            )
        transaction.on_commit(partial(_schedule, message.pk), robust=True)
    message.refresh_from_db()
    return message
