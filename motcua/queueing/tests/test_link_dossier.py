"""A dossier received from a called ticket is linked to it (the intake page calls the service):
only a dossier of the ticket's desk, by an officer of that desk, once."""

import pytest
import time_machine

from motcua.common.errors import Conflict, InvalidInput, NotFound
from motcua.dossiers.tests.factories import HKD, build_office, demo_procedure, local, receive
from motcua.queueing.models import Ticket, TicketEvent
from motcua.queueing.services import (
    service_area_create,
    ticket_call_next,
    ticket_issue,
    ticket_link_dossier,
)
from motcua.queueing.statuses import TicketAction, TicketStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    with time_machine.travel(local(2026, 3, 2, 8, 0), tick=False):
        office = build_office()
        counter = office.desk.counters.create(number=1)
        area = service_area_create(
            desk=office.desk, code="A", name="Kinh doanh", counters=[counter]
        )
        ticket = ticket_issue(desk=office.desk, service_area=area)
        yield office, counter, ticket


def test_a_called_ticket_gets_its_dossier(setting):
    office, counter, ticket = setting
    ticket_call_next(counter=counter, actor=office.reception)
    dossier = receive(office, demo_procedure(HKD), at=local(2026, 3, 2, 8, 5))

    ticket_link_dossier(ticket=ticket, dossier=dossier, actor=office.reception)
    again = ticket_link_dossier(ticket=ticket, dossier=dossier, actor=office.reception)

    assert Ticket.objects.get(pk=ticket.pk).dossier == dossier
    assert again.status == TicketStatus.CALLED
    links = TicketEvent.objects.filter(ticket=ticket, action=TicketAction.LINK_DOSSIER)
    assert list(links.values_list("from_status", "to_status", "data")) == [
        (TicketStatus.CALLED, TicketStatus.CALLED, {"dossier": dossier.code})
    ]


def test_linking_is_refused_when_it_should_be(setting):
    office, counter, ticket = setting
    dossier = receive(office, demo_procedure(HKD), at=local(2026, 3, 2, 8, 5))

    with pytest.raises(Conflict) as raised:  # still waiting: nobody received it yet
        ticket_link_dossier(ticket=ticket, dossier=dossier, actor=office.reception)
    assert raised.value.code == "transition_not_allowed"

    ticket_call_next(counter=counter, actor=office.reception)
    with pytest.raises(NotFound):
        ticket_link_dossier(ticket=ticket, dossier=dossier, actor=office.other["reception"])
    with pytest.raises(InvalidInput) as raised:
        ticket_link_dossier(ticket=ticket, dossier=None, actor=office.reception)
    assert raised.value.code == "invalid_dossier"

    ticket_link_dossier(ticket=ticket, dossier=dossier, actor=office.reception)
    other = receive(office, demo_procedure(HKD), at=local(2026, 3, 2, 8, 6))
    with pytest.raises(Conflict) as raised:
        ticket_link_dossier(ticket=ticket, dossier=other, actor=office.reception)
    assert raised.value.code == "ticket_has_dossier"
    assert Ticket.objects.get(pk=ticket.pk).dossier == dossier
