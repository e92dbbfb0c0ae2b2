"""Who may work at a counter and who may read a desk's queue statistics: the one place that
decides it. "Not yours" and "does not exist" give the same NotFound."""

from django.db.models import QuerySet

from motcua.common.errors import NotFound
from motcua.organizations.access import agencies_where, is_system_admin, user_has_role
from motcua.organizations.models import Agency, AgencyKind, Counter, Role

# Besides the desk's own officers, those who answer for it read its figures.
SUPERVISOR_ROLES = (Role.RECEPTION, Role.LEADER, Role.AGENCY_ADMIN, Role.REPORTER)


def may_work_at(*, user, counter: Counter) -> bool:
    """An officer with the reception role on the counter's desk (or above it)."""
    return user_has_role(user=user, agency=counter.desk, role=Role.RECEPTION)


def counters_for(user) -> QuerySet[Counter]:
    """The active counters the user may work at (lazy)."""
    return (
        Counter.objects.filter(
            desk__in=agencies_where(user, Role.RECEPTION),
            desk__kind=AgencyKind.SERVICE_CENTER,
            is_active=True,
        )
        .select_related("desk")
        .order_by("desk__name", "number")
    )


def access_counter(*, user, counter_id) -> Counter:
    """The counter if the user may work at it, else NotFound (also for a malformed id)."""
    try:
        pk = int(counter_id)
    except (TypeError, ValueError):
        raise NotFound(code="counter_not_found") from None
    counter = counters_for(user).filter(pk=pk).first()
    if counter is None:
        raise NotFound(code="counter_not_found")
    return counter


def desks_supervised_by(user) -> QuerySet[Agency]:
    desks = Agency.objects.filter(kind=AgencyKind.SERVICE_CENTER)
    if is_system_admin(user):
        return desks
    reach = Agency.objects.none()
    for role in SUPERVISOR_ROLES:
        reach = reach | agencies_where(user, role)
    return desks.filter(pk__in=reach.values("pk"))


def access_supervised_desk(*, user, code: str) -> Agency:
    """The desk whose queue statistics the user may read, else NotFound."""
    desk = desks_supervised_by(user).filter(code=code).first()
    if desk is None:
        raise NotFound(code="desk_not_found")
    return desk
