"""Reads of the queue shaped for the kiosk, the counter, the position page and the board.

The call order is one expression used everywhere (calling, "people ahead", the counter's list):
priority tickets first, then by number (the order of arrival, which a transfer keeps).
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from motcua.common.errors import NotFound
from motcua.organizations.models import Agency, AgencyKind, Counter
from motcua.queueing.models import BoardNotice, BoardState, ServiceArea, Ticket, TicketEvent
from motcua.queueing.statuses import (
    ANNOUNCED,
    AT_COUNTER,
    IN_LINE,
    TicketPriority,
    TicketStatus,
)
from motcua.workdays.engine import OFFICE_TZ

LAST_CALLS = 8  # numbers the board keeps under "vừa gọi"

PRIORITY_RANK = Case(
    When(priority=TicketPriority.NONE, then=Value(1)), default=Value(0), output_field=IntegerField()
)


def today() -> date:
    return timezone.now().astimezone(OFFICE_TZ).date()


def _in_line(day: date) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(day=day, status__in=IN_LINE)
        .select_related("service_area")
        .alias(rank=PRIORITY_RANK)
        .order_by("rank", "number")
    )


def line_for_area(*, area: ServiceArea, day: date) -> QuerySet[Ticket]:
    """The area's line in call order (tickets sent to one counter are that counter's only)."""
    return _in_line(day).filter(service_area=area, target_counter__isnull=True)


def line_for_counter(*, counter: Counter, day: date) -> QuerySet[Ticket]:
    """What the counter calls, in call order: the tickets transferred to it and the lines of the
    service areas it serves."""
    return _in_line(day).filter(
        Q(target_counter=counter)
        | Q(
            target_counter__isnull=True,
            service_area__in=ServiceArea.objects.filter(counterservice__counter=counter),
        ),
        desk_id=counter.desk_id,
    )


def tickets_ahead_q(ticket: Ticket) -> Q:
    """Tickets of the same line called before `ticket`: a better priority rank, or the same rank
    and a smaller number."""
    if ticket.is_priority:
        return Q(number__lt=ticket.number) & ~Q(priority=TicketPriority.NONE)
    return ~Q(priority=TicketPriority.NONE) | Q(number__lt=ticket.number)


# -- public pages --------------------------------------------------------------------------------


def desk_public(*, code: str) -> Agency:
    """An active reception desk by its code (kiosk and board pages need no sign-in)."""
    desk = Agency.objects.filter(code=code, kind=AgencyKind.SERVICE_CENTER, is_active=True).first()
    if desk is None:
        raise NotFound(code="desk_not_found")
    return desk


@dataclass
class FieldGroup:
    name: str  # the field's name; "" for areas without a field
    areas: list[ServiceArea]


def kiosk_groups(*, desk: Agency) -> list[FieldGroup]:
    """The desk's active service areas that some active counter serves, grouped by field (in
    the catalog's order), areas without a field last."""
    areas = (
        ServiceArea.objects.filter(desk=desk, is_active=True, counters__is_active=True)
        .distinct()
        .select_related("field")
        .order_by("field__order", "field__code", "order", "code")
    )
    groups: list[FieldGroup] = []
    loose: list[ServiceArea] = []
    for area in areas:
        if area.field is None:
            loose.append(area)
        elif groups and groups[-1].name == area.field.name:
            groups[-1].areas.append(area)
        else:
            groups.append(FieldGroup(area.field.name, [area]))
    if loose:
        groups.append(FieldGroup("", loose))
    return groups


def ticket_by_token(*, token: str) -> Ticket:
    ticket = (
        Ticket.objects.filter(token=token)
        .select_related("desk", "service_area", "counter", "target_counter")
        .first()
    )
    if ticket is None:
        raise NotFound(code="ticket_not_found")
    return ticket


def ticket_ahead(*, ticket: Ticket) -> int | None:
    """How many tickets are called before this one now; None when it is not in a line."""
    if ticket.status not in IN_LINE:
        return None
    if ticket.target_counter_id is not None:
        line = line_for_counter(counter=ticket.target_counter, day=ticket.day)
    else:
        line = line_for_area(area=ticket.service_area, day=ticket.day)
    return line.filter(tickets_ahead_q(ticket)).exclude(pk=ticket.pk).count()


# -- the counter ---------------------------------------------------------------------------------


@dataclass
class CounterView:
    counter: Counter
    current: Ticket | None
    line: list[Ticket]
    held: list[Ticket]
    waiting: int
    areas: list[ServiceArea]
    transfer_areas: list[ServiceArea] = field(default_factory=list)
    transfer_counters: list[Counter] = field(default_factory=list)


def counter_view(*, counter: Counter, line_limit: int = 50) -> CounterView:
    """Everything the counter's page shows: four queries, five when the line is longer than
    `line_limit`."""
    day = today()
    tickets = Ticket.objects.select_related("service_area")
    at_counter = list(
        tickets.filter(
            counter=counter, day=day, status__in=[*AT_COUNTER, TicketStatus.ON_HOLD]
        ).order_by("called_at")
    )
    current = next((t for t in at_counter if t.status in AT_COUNTER), None)
    held = [t for t in at_counter if t.status == TicketStatus.ON_HOLD]
    line_qs = line_for_counter(counter=counter, day=day)
    line = list(line_qs[:line_limit])
    waiting = len(line) if len(line) < line_limit else line_qs.count()
    desk_areas = list(
        ServiceArea.objects.filter(desk_id=counter.desk_id, is_active=True)
        .annotate(served_here=Count("counterservice", filter=Q(counterservice__counter=counter)))
        .order_by("order", "code")
    )
    counters = list(
        Counter.objects.filter(desk_id=counter.desk_id, is_active=True)
        .exclude(pk=counter.pk)
        .order_by("number")
    )
    return CounterView(
        counter=counter,
        current=current,
        line=line,
        held=held,
        waiting=waiting,
        areas=[area for area in desk_areas if area.served_here],
        transfer_areas=desk_areas,
        transfer_counters=counters,
    )


def counter_ticket(*, counter: Counter, ticket_id) -> Ticket:
    """A ticket of today at this counter's desk, for an action on it."""
    try:
        pk = int(ticket_id)
    except (TypeError, ValueError):
        raise NotFound(code="ticket_not_found") from None
    ticket = (
        Ticket.objects.filter(pk=pk, desk_id=counter.desk_id).select_related("service_area").first()
    )
    if ticket is None:
        raise NotFound(code="ticket_not_found")
    return ticket


# -- the display board ---------------------------------------------------------------------------


@dataclass
class BoardCounter:
    counter: Counter
    ticket: Ticket | None


@dataclass
class BoardCall:
    event_id: int
    at: datetime
    label: str
    spoken: str
    counter_number: int
    counter_name: str


@dataclass
class BoardArea:
    area: ServiceArea
    waiting: int


@dataclass
class Board:
    desk: Agency
    version: int
    counters: list[BoardCounter]
    calls: list[BoardCall]
    areas: list[BoardArea]
    notices: list[str]


def board_version(*, desk_id: int) -> int:
    """The desk's board version: one indexed row, read by the event stream."""
    return BoardState.objects.filter(desk_id=desk_id).values_list("version", flat=True).first() or 0


async def aboard_version(*, desk_id: int) -> int:
    version = (
        await BoardState.objects.filter(desk_id=desk_id).values_list("version", flat=True).afirst()
    )
    return version or 0


def board(*, desk: Agency) -> Board:
    """What the display board shows now (six queries). The version is read first: a change
    that lands while the rest is read bumps it again and the board reads once more."""
    day = today()
    version = board_version(desk_id=desk.pk)
    counters = list(Counter.objects.filter(desk=desk, is_active=True).order_by("number"))
    serving = {
        ticket.counter_id: ticket
        for ticket in Ticket.objects.filter(desk=desk, day=day, status__in=AT_COUNTER)
        .select_related("service_area")
        .order_by("called_at")
    }
    start = datetime.combine(day, datetime.min.time(), tzinfo=OFFICE_TZ)
    events = (
        TicketEvent.objects.filter(desk=desk, at__gte=start, action__in=ANNOUNCED)
        .select_related("ticket", "counter")
        .order_by("-at", "-id")[:LAST_CALLS]
    )
    calls = [
        BoardCall(
            event_id=event.pk,
            at=event.at,
            label=event.ticket.label,
            spoken=event.ticket.spoken,
            counter_number=event.counter.number,
            counter_name=event.counter.name,
        )
        for event in events
        if event.counter is not None
    ]
    areas = (
        ServiceArea.objects.filter(desk=desk, is_active=True)
        .annotate(waiting=Count("tickets", filter=Q(tickets__day=day, tickets__status__in=IN_LINE)))
        .order_by("order", "code")
    )
    notices = list(
        BoardNotice.objects.filter(desk=desk, is_active=True)
        .order_by("order", "id")
        .values_list("text", flat=True)
    )
    return Board(
        desk=desk,
        version=version,
        counters=[BoardCounter(c, serving.get(c.pk)) for c in counters],
        calls=calls,
        areas=[BoardArea(area, area.waiting) for area in areas],
        notices=notices,
    )
