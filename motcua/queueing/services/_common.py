"""Shared steps of the queue services: the clock, the daily number, the board's version, the
locks, the guard and the event row. Nothing here commits: each public service is one
transaction."""

from datetime import date, datetime

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.common.errors import Conflict, NotFound
from motcua.organizations.models import Agency, Counter
from motcua.queueing.access import may_work_at
from motcua.queueing.models import BoardState, Ticket, TicketEvent, TicketSequence
from motcua.queueing.statuses import TRANSITIONS, TicketAction, TicketStatus
from motcua.workdays.engine import OFFICE_TZ

SYSTEM_NAME = "Hệ thống"


def now() -> datetime:
    return timezone.now()


def local_date(instant: datetime) -> date:
    return instant.astimezone(OFFICE_TZ).date()


def next_number(*, desk: Agency, day: date) -> int:
    """The next ticket number of the day at this desk, in one atomic statement (no
    read-then-write): concurrent kiosks wait on the row and each gets its own number; a
    rolled-back issue gives its number back. Works on SQLite ≥ 3.35 and PostgreSQL."""
    table = connection.ops.quote_name(TicketSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (desk_id, day, last_value) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (desk_id, day) DO UPDATE SET last_value = {table}.last_value + 1 "
            "RETURNING last_value",
            [desk.pk, connection.ops.adapt_datefield_value(day)],
        )
        return int(cursor.fetchone()[0])


def board_touch(*, desk: Agency, at: datetime) -> int:
    """Bump the desk's board version (creating the row the first time) in one statement; the
    board's event streams see the new version once the transaction commits."""
    table = connection.ops.quote_name(BoardState._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (desk_id, version, changed_at) VALUES (%s, 1, %s) "  # noqa: S608
            f"ON CONFLICT (desk_id) DO UPDATE SET version = {table}.version + 1, "
            "changed_at = excluded.changed_at RETURNING version",
            [desk.pk, connection.ops.adapt_datetimefield_value(at)],
        )
        return int(cursor.fetchone()[0])


def lock_counter(counter: Counter) -> Counter:
    """Lock the counter's row for this transaction: one counter's actions (two tabs, a double
    click) run one after the other, so it never holds two called numbers."""
    if counter is None or counter.pk is None:
        raise NotFound(code="counter_not_found")
    # Only the counter's row: FOR UPDATE on the joined desk would also lock the agency row that
    # every ticket insert and board bump of the desk key-shares (a deadlock under load).
    fresh = (
        Counter.objects.select_for_update(of=("self",)).select_related("desk").filter(pk=counter.pk)
    )
    locked = fresh.first()
    if locked is None:
        raise NotFound(code="counter_not_found")
    return locked


def lock_ticket(ticket: Ticket) -> Ticket:
    """Lock the ticket's row and refresh `ticket` from it in place."""
    if ticket is None or ticket.pk is None:
        raise NotFound(code="ticket_not_found")
    # OF the ticket only: its ordering joins the desk, whose row must stay unlocked (deadlocks).
    fresh = Ticket.objects.select_for_update(of=("self",)).filter(pk=ticket.pk).first()
    if fresh is None:
        raise NotFound(code="ticket_not_found")
    for field in Ticket._meta.concrete_fields:
        setattr(ticket, field.attname, getattr(fresh, field.attname))
    return ticket


def require_officer(actor, counter: Counter) -> None:
    if not may_work_at(user=actor, counter=counter):
        raise NotFound(code="counter_not_found")
    if not counter.is_active:
        raise Conflict(
            _("Quầy số %(number)d đang tạm ngừng hoạt động.") % {"number": counter.number},
            code="counter_inactive",
        )


def require_at_counter(ticket: Ticket, counter: Counter) -> None:
    if ticket.desk_id != counter.desk_id:
        raise NotFound(code="ticket_not_found")
    if ticket.counter_id != counter.pk:
        raise Conflict(
            _("Số %(label)s không ở quầy số %(number)d.")
            % {"label": ticket.label, "number": counter.number},
            code="ticket_not_at_counter",
        )


def require_transition(ticket: Ticket, action: str) -> None:
    """Raise the stable `transition_not_allowed` error when the table forbids the action."""
    if ticket.status not in TRANSITIONS[action].sources:
        raise Conflict(
            _("Không thể «%(action)s» số %(label)s đang ở trạng thái «%(status)s».")
            % {
                "action": str(TicketAction(action).label).lower(),
                "label": ticket.label,
                "status": TicketStatus(ticket.status).label,
            },
            code="transition_not_allowed",
        )


def require_free(counter: Counter) -> None:
    busy = (
        Ticket.objects.filter(
            counter=counter, status__in=[TicketStatus.CALLED, TicketStatus.SERVING]
        )
        .select_related("service_area")
        .first()
    )
    if busy is not None:
        raise Conflict(
            _(
                "Quầy số %(number)d đang có số %(label)s: hãy kết thúc, chuyển, tạm dừng hoặc "
                "ghi vắng mặt trước khi gọi số khác."
            )
            % {"number": counter.number, "label": busy.label},
            code="counter_busy",
        )


def actor_name(actor) -> str:
    if actor is None or not actor.is_authenticated:
        return SYSTEM_NAME
    return (getattr(actor, "full_name", "") or actor.get_username())[:200]


def record_event(
    ticket: Ticket,
    *,
    action: str,
    from_status: str,
    actor,
    at: datetime,
    counter: Counter | None = None,
    data: dict | None = None,
) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        desk_id=ticket.desk_id,
        action=action,
        from_status=from_status,
        to_status=ticket.status,
        at=at,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=actor_name(actor),
        counter=counter,
        data=data or {},
    )


def save(ticket: Ticket, *fields: str) -> None:
    ticket.save(update_fields=[*fields, "updated_at"])
