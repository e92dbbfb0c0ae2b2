"""Reads of the outbox: the delivery log an officer may see, counts by state, and the message an
administrator may resend. Who sees what is decided here: report readers (motcua.reports.access)
see the messages of dossiers received or handled in their agencies' subtrees; agency and system
administrators may resend them. Another agency's message answers like a missing one."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from motcua.common.errors import NotFound
from motcua.organizations.access import agencies_where, is_system_admin
from motcua.organizations.models import Agency, Role
from motcua.outbox.models import MessageState, OutboxMessage
from motcua.reports.access import report_agencies


def _of_agencies(agencies: QuerySet[Agency]) -> Q:
    return Q(dossier__receiving_agency__in=agencies) | Q(dossier__competent_agency__in=agencies)


def log_agencies(user) -> QuerySet[Agency]:
    return report_agencies(user)


def may_read_outbox(user) -> bool:
    return log_agencies(user).exists()


def resend_agencies(user) -> QuerySet[Agency]:
    if is_system_admin(user):
        return Agency.objects.all()
    return agencies_where(user, Role.AGENCY_ADMIN)


def may_resend(user) -> bool:
    return resend_agencies(user).exists()


def outbox_log(*, user, state: str = "", dossier_code: str = "") -> QuerySet[OutboxMessage]:
    """The messages the user may read, newest first, with whether each waits for an earlier
    undelivered message of its dossier (`waits_for_earlier`)."""
    earlier = OutboxMessage.objects.filter(
        dossier_id=OuterRef("dossier_id"), pk__lt=OuterRef("pk")
    ).exclude(state=MessageState.DELIVERED)
    messages = (
        OutboxMessage.objects.filter(_of_agencies(log_agencies(user)))
        .select_related("dossier")
        .annotate(waits_for_earlier=Exists(earlier))
        .order_by("-pk")
    )
    if state:
        messages = messages.filter(state=state)
    if dossier_code:
        messages = messages.filter(dossier__code__icontains=dossier_code)
    return messages


def outbox_counts(*, user=None) -> dict[str, int]:
    """Messages by state (every state present, zero included): of the user's agencies, or all."""
    messages = OutboxMessage.objects.all()
    if user is not None:
        messages = messages.filter(_of_agencies(log_agencies(user)))
    counts = dict.fromkeys(MessageState.values, 0)
    for row in messages.values("state").annotate(n=Count("pk")).order_by():
        counts[row["state"]] = row["n"]
    return counts


def outbox_oldest_undelivered(*, user=None):
    messages = OutboxMessage.objects.exclude(state=MessageState.DELIVERED)
    if user is not None:
        messages = messages.filter(_of_agencies(log_agencies(user)))
    return messages.order_by("pk").values_list("created_at", flat=True).first()


def outbox_message_for_resend(*, user, pk: int) -> OutboxMessage:
    message = (
        OutboxMessage.objects.filter(_of_agencies(resend_agencies(user)), pk=pk)
        .select_related("dossier")
        .first()
    )
    if message is None:
        raise NotFound(code="outbox_message_not_found")
    return message
