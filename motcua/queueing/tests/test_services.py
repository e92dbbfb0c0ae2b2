"""The ticket services: numbering, call order, every transition of the table, transfers, access,
and for every refused action: nothing changed, no event, no bump of the board."""

import pytest
import time_machine

from motcua.common.errors import Conflict, InvalidInput, NotFound
from motcua.organizations.models import User
from motcua.queueing.models import BoardState, Ticket, TicketEvent, TicketSequence
from motcua.queueing.selectors import board_version, ticket_ahead
from motcua.queueing.services import (
    ticket_call_next,
    ticket_finish,
    ticket_hold,
    ticket_issue,
    ticket_no_show,
    ticket_recall,
    ticket_resume,
    ticket_start_serving,
    ticket_transfer,
)
from motcua.queueing.statuses import (
    NEW,
    TRANSITIONS,
    TicketAction,
    TicketPriority,
    TicketStatus,
    allowed_actions,
)
from motcua.queueing.tests.factories import build_desk, issue, local

pytestmark = pytest.mark.django_db

MONDAY = local(2026, 3, 2, 8, 0)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def desk(clock):
    return build_desk()


def events(ticket) -> list[tuple[str, str, str]]:
    return list(
        TicketEvent.objects.filter(ticket=ticket)
        .order_by("id")
        .values_list("action", "from_status", "to_status")
    )


def snapshot(ticket) -> tuple:
    fresh = Ticket.objects.get(pk=ticket.pk)
    return tuple(getattr(fresh, f.attname) for f in Ticket._meta.concrete_fields)


# -- issue ---------------------------------------------------------------------------------------


def test_issue_numbers_the_day_per_desk_across_areas(desk, clock):
    first = issue(desk, "A")
    clock.shift(60)
    second = issue(desk, "B")
    third = issue(desk, "A", TicketPriority.ELDERLY)

    assert [(t.number, t.label, t.day.isoformat()) for t in (first, second, third)] == [
        (1, "A001", "2026-03-02"),
        (2, "B002", "2026-03-02"),
        (3, "A003", "2026-03-02"),
    ]
    assert first.status == TicketStatus.WAITING
    assert first.issued_at == MONDAY
    assert second.issued_at == local(2026, 3, 2, 8, 1)
    assert third.priority == TicketPriority.ELDERLY
    assert len(first.token) >= 20
    assert len({first.token, second.token, third.token}) == 3
    assert events(first) == [(TicketAction.ISSUE, NEW, TicketStatus.WAITING)]
    assert TicketSequence.objects.get(desk=desk.desk).last_value == 3
    # Another desk counts on its own.
    other = ticket_issue(desk=desk.other_desk, service_area=desk.other_desk.service_areas.get())
    assert other.number == 1


def test_people_ahead_at_issue_count_priority_first(desk):
    issue(desk, "A")
    issue(desk, "B")
    issue(desk, "A")
    priority = issue(desk, "A", TicketPriority.PREGNANT)
    late = issue(desk, "A")

    assert priority.ahead_at_issue == 0  # a priority ticket passes the two plain A tickets
    assert late.ahead_at_issue == 3  # two plain A tickets and the priority one; B is another line
    assert ticket_ahead(ticket=late) == 3
    assert ticket_ahead(ticket=priority) == 0


def test_numbers_restart_every_day(desk, clock):
    assert [issue(desk).number for _ in range(3)] == [1, 2, 3]
    clock.move_to(local(2026, 3, 3, 7, 30))
    tuesday = issue(desk)
    assert (tuesday.number, tuesday.label, tuesday.day.isoformat()) == (1, "A001", "2026-03-03")
    # Just after midnight in Hà Nội is still the previous evening in UTC: the local day counts.
    clock.move_to(local(2026, 3, 4, 0, 5))
    assert issue(desk).day.isoformat() == "2026-03-04"
    assert sorted(TicketSequence.objects.values_list("day", "last_value")) == [
        (local(2026, 3, 2).date(), 3),
        (local(2026, 3, 3).date(), 1),
        (local(2026, 3, 4).date(), 1),
    ]


def test_yesterdays_line_is_not_called_today(desk, clock):
    issue(desk)
    clock.move_to(local(2026, 3, 3, 7, 30))
    assert ticket_call_next(counter=desk.counters[1], actor=desk.officer) is None
    today = issue(desk)
    assert ticket_call_next(counter=desk.counters[1], actor=desk.officer) == today


def test_the_same_request_key_gives_the_same_ticket(desk):
    first = ticket_issue(desk=desk.desk, service_area=desk.areas["A"], request_key="kiosk-tap-0001")
    again = ticket_issue(desk=desk.desk, service_area=desk.areas["A"], request_key="kiosk-tap-0001")
    other = ticket_issue(desk=desk.desk, service_area=desk.areas["A"], request_key="kiosk-tap-0002")

    assert again.pk == first.pk
    assert (first.number, other.number) == (1, 2)
    assert TicketEvent.objects.filter(action=TicketAction.ISSUE).count() == 2


@pytest.mark.parametrize(
    ("area", "priority", "key", "code"),
    [
        ("other-desk", TicketPriority.NONE, "", "invalid_service_area"),
        ("inactive", TicketPriority.NONE, "", "invalid_service_area"),
        ("abc", TicketPriority.NONE, "", "invalid_service_area"),
        (None, TicketPriority.NONE, "", "invalid_service_area"),
        ("A", "vip", "", "invalid_priority"),
        ("A", TicketPriority.NONE, "short", "invalid_request_key"),
        ("A", TicketPriority.NONE, "có dấu-1234", "invalid_request_key"),
    ],
)
def test_issue_refuses_bad_input_and_writes_nothing(desk, area, priority, key, code):
    if area == "other-desk":
        area = desk.other_desk.service_areas.get()
    elif area == "inactive":
        area = desk.areas["B"]
        area.is_active = False
        area.save()
    elif area == "A":
        area = desk.areas["A"]
    version = board_version(desk_id=desk.desk.pk)

    with pytest.raises(InvalidInput) as raised:
        ticket_issue(desk=desk.desk, service_area=area, priority=priority, request_key=key)

    assert raised.value.code == code
    assert str(raised.value.message)  # a Vietnamese sentence, not empty
    assert Ticket.objects.filter(desk=desk.desk).count() == 0
    assert not TicketSequence.objects.filter(desk=desk.desk).exists()
    assert board_version(desk_id=desk.desk.pk) == version


def test_issue_at_something_that_is_not_a_desk(desk):
    with pytest.raises(NotFound) as raised:
        ticket_issue(desk=desk.commune, service_area=desk.areas["A"])
    assert raised.value.code == "desk_not_found"


# -- calling -------------------------------------------------------------------------------------


def test_call_next_priority_first_then_by_number(desk, clock):
    plain_1 = issue(desk, "A")
    plain_2 = issue(desk, "A")
    disabled = issue(desk, "A", TicketPriority.DISABLED)
    infant = issue(desk, "A", TicketPriority.INFANT)
    plain_5 = issue(desk, "A")
    counter = desk.counters[1]

    called = []
    for _ in range(5):
        ticket = ticket_call_next(counter=counter, actor=desk.officer)
        called.append(ticket.number)
        ticket_start_serving(counter=counter, ticket=ticket, actor=desk.officer)
        ticket_finish(counter=counter, ticket=ticket, actor=desk.officer)

    assert called == [disabled.number, infant.number, plain_1.number, plain_2.number, 5]
    assert plain_5.number == 5
    assert ticket_call_next(counter=counter, actor=desk.officer) is None


def test_call_next_takes_only_the_counters_areas(desk):
    land = issue(desk, "B")
    civil = issue(desk, "A")

    assert ticket_call_next(counter=desk.counters[1], actor=desk.officer) == civil  # serves A
    assert ticket_call_next(counter=desk.counters[2], actor=desk.officer) == land  # A and B
    assert ticket_call_next(counter=desk.counters[3], actor=desk.officer) is None


def test_a_call_writes_the_ticket_the_event_and_bumps_the_board(desk, clock):
    ticket = issue(desk)
    version = board_version(desk_id=desk.desk.pk)
    clock.shift(300)

    called = ticket_call_next(counter=desk.counters[2], actor=desk.officer)

    called.refresh_from_db()
    assert called.pk == ticket.pk
    assert called.status == TicketStatus.CALLED
    assert called.counter == desk.counters[2]
    assert called.first_called_at == called.called_at == local(2026, 3, 2, 8, 5)
    assert called.call_count == 1
    assert board_version(desk_id=desk.desk.pk) == version + 1
    event = TicketEvent.objects.filter(ticket=ticket).latest("id")
    assert (event.action, event.from_status, event.to_status) == (
        TicketAction.CALL,
        TicketStatus.WAITING,
        TicketStatus.CALLED,
    )
    assert (event.counter, event.actor, event.actor_name) == (
        desk.counters[2],
        desk.officer,
        "Tiepnhan.Hamyen",
    )


def test_two_counters_never_get_the_same_ticket(desk):
    first, second = issue(desk, "A"), issue(desk, "A")

    at_1 = ticket_call_next(counter=desk.counters[1], actor=desk.officer)
    at_2 = ticket_call_next(counter=desk.counters[2], actor=desk.officer)

    assert (at_1, at_2) == (first, second)
    assert ticket_call_next(counter=desk.counters[3], actor=desk.officer) is None


def test_a_busy_counter_calls_nobody(desk):
    current = issue(desk)
    waiting = issue(desk)
    counter = desk.counters[1]
    ticket_call_next(counter=counter, actor=desk.officer)
    before = snapshot(waiting)

    with pytest.raises(Conflict) as raised:
        ticket_call_next(counter=counter, actor=desk.officer)

    assert raised.value.code == "counter_busy"
    assert "A001" in str(raised.value.message)
    assert snapshot(waiting) == before
    ticket_start_serving(counter=counter, ticket=current, actor=desk.officer)
    with pytest.raises(Conflict):
        ticket_call_next(counter=counter, actor=desk.officer)
    ticket_finish(counter=counter, ticket=current, actor=desk.officer)
    assert ticket_call_next(counter=counter, actor=desk.officer) == waiting


@pytest.mark.parametrize("who", ["other_officer", "citizen", "anonymous"])
def test_only_the_desks_officers_call(desk, who):
    ticket = issue(desk)
    actor = {
        "other_officer": desk.other_officer,
        "citizen": User.objects.create_user(username="congdan", password="x-2026-mật-khẩu"),
        "anonymous": None,
    }[who]
    version = board_version(desk_id=desk.desk.pk)

    with pytest.raises(NotFound) as raised:
        ticket_call_next(counter=desk.counters[1], actor=actor)

    assert raised.value.code == "counter_not_found"
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.WAITING
    assert board_version(desk_id=desk.desk.pk) == version


def test_an_inactive_counter_calls_nobody(desk):
    issue(desk)
    counter = desk.counters[1]
    counter.is_active = False
    counter.save()
    with pytest.raises(Conflict) as raised:
        ticket_call_next(counter=counter, actor=desk.officer)
    assert raised.value.code == "counter_inactive"


# -- the transition table, from every status -----------------------------------------------------

COUNTER_ACTIONS = {
    TicketAction.RECALL: ticket_recall,
    TicketAction.START: ticket_start_serving,
    TicketAction.NO_SHOW: ticket_no_show,
    TicketAction.HOLD: ticket_hold,
    TicketAction.RESUME: ticket_resume,
    TicketAction.TRANSFER: ticket_transfer,
    TicketAction.FINISH: ticket_finish,
}


def ticket_in(desk, status: str) -> Ticket:
    """A ticket brought to `status` through the services, at counter 1 when it has a counter."""
    counter, officer = desk.counters[1], desk.officer
    ticket = issue(desk, "A")
    if status == TicketStatus.WAITING:
        return ticket
    ticket = ticket_call_next(counter=counter, actor=officer)
    steps = {
        TicketStatus.CALLED: [],
        TicketStatus.SERVING: [ticket_start_serving],
        TicketStatus.DONE: [ticket_start_serving, ticket_finish],
        TicketStatus.NO_SHOW: [ticket_no_show],
        TicketStatus.ON_HOLD: [ticket_hold],
    }
    if status == TicketStatus.TRANSFERRED:
        return ticket_transfer(
            counter=counter, ticket=ticket, actor=officer, to_service_area=desk.areas["B"]
        )
    for step in steps[status]:
        step(counter=counter, ticket=ticket, actor=officer)
    assert ticket.status == status
    return ticket


def test_the_table_covers_every_status_and_action():
    assert set(TRANSITIONS) == set(TicketAction.values)
    sources = {source for rule in TRANSITIONS.values() for source in rule.sources}
    assert sources == {NEW, *TicketStatus.values} - {TicketStatus.NO_SHOW}
    assert allowed_actions(TicketStatus.CALLED) == [
        TicketAction.RECALL,
        TicketAction.START,
        TicketAction.NO_SHOW,
        TicketAction.HOLD,
        TicketAction.TRANSFER,
        TicketAction.LINK_DOSSIER,
    ]
    assert allowed_actions(TicketStatus.NO_SHOW) == []


@pytest.mark.parametrize("status", TicketStatus.values)
@pytest.mark.parametrize("action", list(COUNTER_ACTIONS))
def test_every_counter_action_from_every_status(desk, status, action):
    ticket = ticket_in(desk, status)
    counter = desk.counters[1]
    extra = {"to_service_area": desk.areas["B"]} if action == TicketAction.TRANSFER else {}
    if status == TicketStatus.TRANSFERRED:
        extra = {"to_counter": desk.counters[3]} if action == TicketAction.TRANSFER else {}
    before_events = TicketEvent.objects.count()
    before = snapshot(ticket)
    version = board_version(desk_id=desk.desk.pk)
    rule = TRANSITIONS[action]

    if status in rule.sources:
        result = COUNTER_ACTIONS[action](
            counter=counter, ticket=ticket, actor=desk.officer, **extra
        )
        assert result.status == rule.target
        assert Ticket.objects.get(pk=ticket.pk).status == rule.target
        assert events(ticket)[-1] == (action, status, rule.target)
        assert TicketEvent.objects.count() == before_events + 1
        # The board shows called and served numbers alike: starting to serve changes nothing.
        bump = 0 if action == TicketAction.START else 1
        assert board_version(desk_id=desk.desk.pk) == version + bump
    else:
        with pytest.raises(Conflict) as raised:
            COUNTER_ACTIONS[action](counter=counter, ticket=ticket, actor=desk.officer, **extra)
        assert raised.value.code == "transition_not_allowed"
        assert snapshot(ticket) == before
        assert TicketEvent.objects.count() == before_events
        assert board_version(desk_id=desk.desk.pk) == version


@pytest.mark.parametrize("status", TicketStatus.values)
def test_call_next_from_every_status(desk, status):
    ticket = ticket_in(desk, status)
    free = desk.counters[3] if status == TicketStatus.TRANSFERRED else desk.counters[2]
    if status in TRANSITIONS[TicketAction.CALL].sources:
        assert ticket_call_next(counter=free, actor=desk.officer) == ticket
    else:
        assert ticket_call_next(counter=free, actor=desk.officer) is None


# -- each action's own effects -------------------------------------------------------------------


def test_recall_start_finish_times(desk, clock):
    counter = desk.counters[1]
    issue(desk)
    ticket = ticket_call_next(counter=counter, actor=desk.officer)
    clock.shift(60)
    ticket_recall(counter=counter, ticket=ticket, actor=desk.officer)
    clock.shift(30)
    ticket_start_serving(counter=counter, ticket=ticket, actor=desk.officer)
    clock.shift(600)
    ticket_finish(counter=counter, ticket=ticket, actor=desk.officer)

    ticket.refresh_from_db()
    assert ticket.call_count == 2
    assert ticket.first_called_at == local(2026, 3, 2, 8, 0)
    assert ticket.called_at == local(2026, 3, 2, 8, 1)
    assert ticket.served_at == local(2026, 3, 2, 8, 1, 30)
    assert ticket.finished_at == local(2026, 3, 2, 8, 11, 30)
    assert [e[0] for e in events(ticket)] == ["issue", "call", "recall", "start", "finish"]


def test_no_show_closes_and_frees_the_counter(desk, clock):
    counter = desk.counters[1]
    issue(desk)
    nxt = issue(desk)
    ticket = ticket_call_next(counter=counter, actor=desk.officer)
    clock.shift(120)
    ticket_no_show(counter=counter, ticket=ticket, actor=desk.officer)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.finished_at) == (
        TicketStatus.NO_SHOW,
        local(2026, 3, 2, 8, 2),
    )
    assert ticket_call_next(counter=counter, actor=desk.officer) == nxt


def test_hold_and_resume_at_the_same_counter(desk):
    counter = desk.counters[1]
    issue(desk)
    other = issue(desk)
    ticket = ticket_call_next(counter=counter, actor=desk.officer)
    ticket_start_serving(counter=counter, ticket=ticket, actor=desk.officer)
    ticket_hold(counter=counter, ticket=ticket, actor=desk.officer)
    # The counter serves someone else meanwhile; the held ticket is not in any line.
    assert ticket_call_next(counter=counter, actor=desk.officer) == other
    assert ticket_call_next(counter=desk.counters[2], actor=desk.officer) is None

    with pytest.raises(Conflict) as raised:
        ticket_resume(counter=counter, ticket=ticket, actor=desk.officer)
    assert raised.value.code == "counter_busy"

    ticket_no_show(counter=counter, ticket=other, actor=desk.officer)
    ticket_resume(counter=counter, ticket=ticket, actor=desk.officer)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.counter, ticket.call_count) == (TicketStatus.CALLED, counter, 2)


def test_another_counter_cannot_act_on_a_called_ticket(desk):
    issue(desk)
    ticket = ticket_call_next(counter=desk.counters[1], actor=desk.officer)
    before = snapshot(ticket)

    with pytest.raises(Conflict) as raised:
        ticket_start_serving(counter=desk.counters[2], ticket=ticket, actor=desk.officer)

    assert raised.value.code == "ticket_not_at_counter"
    assert snapshot(ticket) == before


def test_another_desks_officer_cannot_act_on_a_ticket(desk):
    issue(desk)
    ticket = ticket_call_next(counter=desk.counters[1], actor=desk.officer)
    with pytest.raises(NotFound):
        ticket_finish(counter=desk.counters[1], ticket=ticket, actor=desk.other_officer)
    with pytest.raises(NotFound):
        ticket_finish(counter=desk.other_counter, ticket=ticket, actor=desk.other_officer)
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.CALLED


def test_transfer_to_an_area_keeps_the_number_and_the_place(desk):
    issue(desk, "A")
    later_land = issue(desk, "B")
    ticket = ticket_call_next(counter=desk.counters[1], actor=desk.officer)

    ticket_transfer(
        counter=desk.counters[1], ticket=ticket, actor=desk.officer,
        to_service_area=desk.areas["B"],
    )  # fmt: skip

    ticket.refresh_from_db()
    assert (ticket.status, ticket.service_area, ticket.counter, ticket.label) == (
        TicketStatus.TRANSFERRED,
        desk.areas["B"],
        None,
        "A001",
    )
    assert ticket_ahead(ticket=ticket) == 0
    assert ticket_ahead(ticket=later_land) == 1
    assert TicketEvent.objects.filter(ticket=ticket).latest("id").data == {
        "from_service_area": "A",
        "from_counter": 1,
        "to_service_area": "B",
    }
    # Counter 1 serves only A; counter 3 serves B and takes the transferred ticket first.
    assert ticket_call_next(counter=desk.counters[1], actor=desk.officer) is None
    assert ticket_call_next(counter=desk.counters[3], actor=desk.officer) == ticket


def test_transfer_to_a_counter_is_for_that_counter_only(desk):
    issue(desk, "A")
    ticket = ticket_call_next(counter=desk.counters[1], actor=desk.officer)
    ticket_transfer(
        counter=desk.counters[1], ticket=ticket, actor=desk.officer, to_counter=desk.counters[3]
    )

    assert ticket_call_next(counter=desk.counters[2], actor=desk.officer) is None  # serves A too
    called = ticket_call_next(counter=desk.counters[3], actor=desk.officer)  # serves B only
    assert called == ticket
    assert called.counter == desk.counters[3]


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ({}, "invalid_transfer"),
        ({"to_service_area": "A"}, "invalid_transfer"),
        ({"to_service_area": "other"}, "invalid_service_area"),
        ({"to_counter": 1}, "invalid_transfer"),
        ({"to_counter": "other"}, "invalid_counter"),
        ({"to_counter": 3, "to_service_area": "B"}, "invalid_transfer"),
    ],
)
def test_transfer_refuses_bad_targets(desk, target, code):
    issue(desk, "A")
    ticket = ticket_call_next(counter=desk.counters[1], actor=desk.officer)
    before = snapshot(ticket)
    arguments = {}
    if "to_service_area" in target:
        value = target["to_service_area"]
        arguments["to_service_area"] = (
            desk.other_desk.service_areas.get() if value == "other" else desk.areas[value]
        )
    if "to_counter" in target:
        value = target["to_counter"]
        arguments["to_counter"] = desk.other_counter if value == "other" else desk.counters[value]

    with pytest.raises(InvalidInput) as raised:
        ticket_transfer(counter=desk.counters[1], ticket=ticket, actor=desk.officer, **arguments)

    assert raised.value.code == code
    assert snapshot(ticket) == before


def test_board_state_is_one_row_per_desk(desk):
    issue(desk)
    issue(desk)
    state = BoardState.objects.get(desk=desk.desk)
    # service_area_create bumped it twice while building the desk, each issue once more.
    assert state.version == 4
    assert BoardState.objects.filter(desk=desk.desk).count() == 1
