"""Background tasks (the django.tasks API; `motcua db_worker` runs them)."""

from django_tasks import task

from motcua.notifications.services import notification_deliver, notifications_create_for_event


@task()
def notify_dossier_event(event_id: int) -> int:
    """Create the applicant's notifications of one dossier event and enqueue their delivery."""
    created = notifications_create_for_event(event_id=event_id)
    for notification in created:
        deliver_notification.enqueue(notification.pk)
    return len(created)


@task()
def deliver_notification(notification_id: int) -> str:
    return notification_deliver(notification_id=notification_id)
