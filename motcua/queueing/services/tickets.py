"""The life of a ticket: issued at the kiosk, called to a counter (priority first, then by
number), recalled, served, finished; or a no-show, put on hold and resumed, transferred to another
service area or counter. Each service is one transaction with one event and, when the board shows the change, one bump of
the desk's board version."""

import re
import secrets
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from motcua.common.db import retry_on_deadlock
from motcua.common.errors import Conflict, InvalidInput, NotFound
from motcua.organizations.access import user_has_role
from motcua.organizations.models import Agency, AgencyKind, Counter, Role
from motcua.queueing.models import ServiceArea, Ticket
from motcua.queueing.selectors import line_for_area, line_for_counter, tickets_ahead_q
from motcua.queueing.services._common import (
    board_touch,
    local_date,
    lock_counter,
    lock_ticket,
    next_number,
    now,
    record_event,
    require_at_counter,
    require_free,
    require_officer,
    require_transition,
    save,
)
from motcua.queueing.statuses import NEW, TRANSITIONS, TicketAction, TicketPriority, TicketStatus

_REQUEST_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def _clean_desk(desk) -> Agency:
    if not isinstance(desk, Agency) or desk.kind != AgencyKind.SERVICE_CENTER or not desk.is_active:
        raise NotFound(_("Không tìm thấy bộ phận một cửa."), code="desk_not_found")
    return desk


def _clean_area(desk: Agency, service_area) -> ServiceArea:
    if isinstance(service_area, ServiceArea):
        pk = service_area.pk
    else:
        try:
            pk = int(service_area)
        except (TypeError, ValueError):
            pk = None
    area = (
        ServiceArea.objects.filter(pk=pk, desk=desk, is_active=True).first()
        if pk is not None
        else None
    )
    if area is None:
        raise InvalidInput(
            _("Khu vực dịch vụ không có tại bộ phận này hoặc đã ngừng hoạt động."),
            code="invalid_service_area",
        )
    return area


def _clean_priority(priority) -> str:
    if priority in (None, ""):
        return TicketPriority.NONE
    if priority not in TicketPriority.values:
        raise InvalidInput(_("Đối tượng ưu tiên không hợp lệ."), code="invalid_priority")
    return str(priority)


def _clean_request_key(request_key) -> str:
    if request_key in (None, ""):
        return ""
    if not isinstance(request_key, str) or not _REQUEST_KEY.fullmatch(request_key):
        raise InvalidInput(_("Mã yêu cầu lấy số không hợp lệ."), code="invalid_request_key")
    return request_key


@retry_on_deadlock
@transaction.atomic
def ticket_issue(
    *,
    desk: Agency,
    service_area,
    priority: str = TicketPriority.NONE,
    request_key: str = "",
) -> Ticket:
    """A ticket from the kiosk (no sign-in). `request_key`, when given, makes the call
    idempotent: the same key at the same desk returns the ticket it already issued."""
    desk = _clean_desk(desk)
    area = _clean_area(desk, service_area)
    priority = _clean_priority(priority)
    request_key = _clean_request_key(request_key)
    if request_key:
        issued = Ticket.objects.filter(desk=desk, request_key=request_key).first()
        if issued is not None:
            return issued
    at = now()
    day = local_date(at)
    try:
        # A savepoint: a twin request with the same key (two retries racing) loses here, its
        # number given back with the savepoint, and answers with the winner's ticket.
        with transaction.atomic():
            ticket = Ticket(
                desk=desk,
                service_area=area,
                day=day,
                number=next_number(desk=desk, day=day),
                prefix=area.code,
                priority=priority,
                status=TicketStatus.WAITING,
                issued_at=at,
                token=secrets.token_urlsafe(16),
                request_key=request_key,
            )
            ticket.ahead_at_issue = (
                line_for_area(area=area, day=day).filter(tickets_ahead_q(ticket)).count()
            )
            ticket.save()
    except IntegrityError:
        if not request_key:
            raise
        return Ticket.objects.get(desk=desk, request_key=request_key)
    record_event(ticket, action=TicketAction.ISSUE, from_status=NEW, actor=None, at=at)
    board_touch(desk=desk, at=at)
    return ticket


def _first_in_line(counter: Counter, day) -> Ticket | None:
    """The ticket the counter calls now, locked. On PostgreSQL, rows another counter is calling
    right now are skipped (SKIP LOCKED), so two counters never take the same ticket and neither
    waits for the other. SQLite ignores the clause: its IMMEDIATE transactions let one writer
    in at a time, which gives the same guarantee."""
    line = line_for_counter(counter=counter, day=day)
    if connection.features.has_select_for_update_skip_locked:
        line = line.select_for_update(skip_locked=True, of=("self",))
    return line.first()


@retry_on_deadlock
@transaction.atomic
def ticket_call_next(*, counter: Counter, actor) -> Ticket | None:
    """Call the next ticket to the counter: the counter's transferred tickets and the lines of
    its service areas, priority first, then by number. None when nobody is waiting."""
    counter = lock_counter(counter)
    require_officer(actor, counter)
    require_free(counter)
    at = now()
    ticket = _first_in_line(counter, local_date(at))
    if ticket is None:
        return None
    from_status = ticket.status
    ticket.status = TRANSITIONS[TicketAction.CALL].target
    ticket.counter = counter
    ticket.first_called_at = ticket.first_called_at or at
    ticket.called_at = at
    ticket.call_count += 1
    save(ticket, "status", "counter", "first_called_at", "called_at", "call_count")
    record_event(
        ticket, action=TicketAction.CALL, from_status=from_status, actor=actor, at=at,
        counter=counter,
    )  # fmt: skip
    board_touch(desk=counter.desk, at=at)
    return ticket


def _begin(counter: Counter, ticket: Ticket, actor, action: str) -> Counter:
    """The guard every action on a ticket at a counter starts with (in this order: the counter's
    lock, then the ticket's)."""
    counter = lock_counter(counter)
    require_officer(actor, counter)
    lock_ticket(ticket)
    if ticket.desk_id != counter.desk_id:
        raise NotFound(code="ticket_not_found")
    require_transition(ticket, action)
    require_at_counter(ticket, counter)
    return counter


def _move(
    counter: Counter,
    ticket: Ticket,
    actor,
    action: str,
    at: datetime,
    *fields: str,
    data: dict | None = None,
    shown: bool = True,
) -> Ticket:
    """Write the target status and the changed `fields`, the event, and the board's bump when
    the board shows the change (`shown`)."""
    from_status = ticket.status
    ticket.status = TRANSITIONS[action].target
    save(ticket, "status", *fields)
    record_event(
        ticket, action=action, from_status=from_status, actor=actor, at=at, counter=counter,
        data=data,
    )  # fmt: skip
    if shown:
        board_touch(desk=counter.desk, at=at)
    return ticket


@retry_on_deadlock
@transaction.atomic
def ticket_recall(*, counter: Counter, ticket: Ticket, actor) -> Ticket:
    """Call the same number again (the board announces it once more)."""
    counter = _begin(counter, ticket, actor, TicketAction.RECALL)
    at = now()
    ticket.called_at = at
    ticket.call_count += 1
    return _move(counter, ticket, actor, TicketAction.RECALL, at, "called_at", "call_count")


@retry_on_deadlock
@transaction.atomic
def ticket_start_serving(*, counter: Counter, ticket: Ticket, actor) -> Ticket:
    """The citizen has come to the counter."""
    counter = _begin(counter, ticket, actor, TicketAction.START)
    at = now()
    ticket.served_at = ticket.served_at or at
    # The board shows a called and a served number alike: no bump, one less write on the
    # desk's busiest row.
    return _move(counter, ticket, actor, TicketAction.START, at, "served_at", shown=False)


@retry_on_deadlock
@transaction.atomic
def ticket_no_show(*, counter: Counter, ticket: Ticket, actor) -> Ticket:
    """Called and not come: the ticket is closed, the counter free for the next number."""
    counter = _begin(counter, ticket, actor, TicketAction.NO_SHOW)
    at = now()
    ticket.finished_at = at
    return _move(counter, ticket, actor, TicketAction.NO_SHOW, at, "finished_at")


@retry_on_deadlock
@transaction.atomic
def ticket_hold(*, counter: Counter, ticket: Ticket, actor) -> Ticket:
    """The citizen steps aside (a copy to make, a paper to fetch); the counter serves others
    and resumes this ticket later."""
    counter = _begin(counter, ticket, actor, TicketAction.HOLD)
    return _move(counter, ticket, actor, TicketAction.HOLD, now())


@retry_on_deadlock
@transaction.atomic
def ticket_resume(*, counter: Counter, ticket: Ticket, actor) -> Ticket:
    """Call a held ticket back to its counter (announced like a call)."""
    counter = _begin(counter, ticket, actor, TicketAction.RESUME)
    require_free(counter)
    at = now()
    ticket.called_at = at
    ticket.call_count += 1
    return _move(counter, ticket, actor, TicketAction.RESUME, at, "called_at", "call_count")


@retry_on_deadlock
@transaction.atomic
def ticket_finish(*, counter: Counter, ticket: Ticket, actor) -> Ticket:
    """Served: the ticket is closed."""
    counter = _begin(counter, ticket, actor, TicketAction.FINISH)
    at = now()
    ticket.finished_at = at
    return _move(counter, ticket, actor, TicketAction.FINISH, at, "finished_at")


@retry_on_deadlock
@transaction.atomic
def ticket_transfer(
    *,
    counter: Counter,
    ticket: Ticket,
    actor,
    to_service_area: ServiceArea | None = None,
    to_counter: Counter | None = None,
) -> Ticket:
    """Send the ticket to another service area's line, or to one counter (only that counter
    calls it). It keeps its number, so it comes before those who came later."""
    counter = _begin(counter, ticket, actor, TicketAction.TRANSFER)
    if (to_service_area is None) == (to_counter is None):
        raise InvalidInput(
            _("Hãy chọn một khu vực dịch vụ hoặc một quầy để chuyển đến."),
            code="invalid_transfer",
        )
    data = {"from_service_area": ticket.service_area.code, "from_counter": counter.number}
    if to_service_area is not None:
        if (
            not isinstance(to_service_area, ServiceArea)
            or to_service_area.desk_id != counter.desk_id
            or not to_service_area.is_active
        ):
            raise InvalidInput(
                _("Khu vực dịch vụ không có tại bộ phận này hoặc đã ngừng hoạt động."),
                code="invalid_service_area",
            )
        if to_service_area.pk == ticket.service_area_id:
            raise InvalidInput(
                _("Số %(label)s đã thuộc khu vực «%(area)s».")
                % {"label": ticket.label, "area": to_service_area.name},
                code="invalid_transfer",
            )
        ticket.service_area = to_service_area
        ticket.target_counter = None
        data["to_service_area"] = to_service_area.code
    else:
        if (
            not isinstance(to_counter, Counter)
            or to_counter.desk_id != counter.desk_id
            or not to_counter.is_active
        ):
            raise InvalidInput(
                _("Quầy không có tại bộ phận này hoặc đang tạm ngừng."), code="invalid_counter"
            )
        if to_counter.pk == counter.pk:
            raise InvalidInput(
                _("Không thể chuyển số đến chính quầy đang phục vụ."), code="invalid_transfer"
            )
        ticket.target_counter = to_counter
        data["to_counter"] = to_counter.number
    ticket.counter = None
    return _move(
        counter, ticket, actor, TicketAction.TRANSFER, now(), "service_area", "target_counter",
        "counter", data=data,
    )  # fmt: skip


@retry_on_deadlock
@transaction.atomic
def ticket_link_dossier(*, ticket: Ticket, dossier, actor) -> Ticket:
    """Record the dossier received from this ticket (the intake page calls this): the dossier
    must have been received at the ticket's desk, by an officer of that desk."""
    lock_ticket(ticket)
    if not user_has_role(user=actor, agency=ticket.desk, role=Role.RECEPTION):
        raise NotFound(code="ticket_not_found")
    require_transition(ticket, TicketAction.LINK_DOSSIER)
    if dossier is None or dossier.receiving_agency_id != ticket.desk_id:
        raise InvalidInput(
            _("Hồ sơ không được tiếp nhận tại bộ phận đã cấp số này."), code="invalid_dossier"
        )
    if ticket.dossier_id == dossier.pk:
        return ticket
    if ticket.dossier_id is not None:
        raise Conflict(
            _("Số %(label)s đã gắn với một hồ sơ khác.") % {"label": ticket.label},
            code="ticket_has_dossier",
        )
    ticket.dossier = dossier
    save(ticket, "dossier")
    record_event(
        ticket, action=TicketAction.LINK_DOSSIER, from_status=ticket.status, actor=actor,
        at=now(), counter=ticket.counter, data={"dossier": dossier.code},
    )  # fmt: skip
    return ticket
