"""Background tasks (the django.tasks API; `motcua db_worker` runs them)."""

from django_tasks import task

from motcua.outbox.models import MessageState, OutboxMessage
from motcua.outbox.services import outbox_message_deliver, outbox_next_of_dossier


@task()
def deliver_outbox_message(message_id: int) -> str:
    """One attempt at one message; once it is delivered, the next message of its dossier."""
    state = outbox_message_deliver(message_id=message_id)
    if state == MessageState.DELIVERED:
        dossier_id = (
            OutboxMessage.objects.filter(pk=message_id).values_list("dossier_id", flat=True).get()
        )
        following = outbox_next_of_dossier(dossier_id=dossier_id)
        if following is not None:
            deliver_outbox_message.enqueue(following)
    return state
