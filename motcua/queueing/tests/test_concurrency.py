"""Concurrent kiosks and counters on PostgreSQL: every kiosk tap gets its own number, none
repeated or skipped, and no two counters call the same ticket. SQLite lets one writer in at a
time (IMMEDIATE transactions), so the race only exists on PostgreSQL."""

import threading

import pytest
import time_machine
from django.db import connection

from motcua.organizations.services import counter_create
from motcua.queueing.models import Ticket, TicketEvent, TicketSequence
from motcua.queueing.services import service_area_set_counters, ticket_call_next, ticket_issue
from motcua.queueing.statuses import TicketAction, TicketStatus
from motcua.queueing.tests.factories import build_desk, local

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-level concurrency needs PostgreSQL"
)

KIOSK_TAPS = 20
COUNTERS = 10


def run_together(count: int, work) -> tuple[list, list[BaseException]]:
    """Run work(i) in `count` threads released at once; their results and errors."""
    barrier = threading.Barrier(count)
    results: list = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def thread_main(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            result = work(index)
            with lock:
                results.append(result)
        except BaseException as error:  # reported in the test's thread
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=thread_main, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_kiosk_taps_get_twenty_consecutive_numbers():
    desk = build_desk()
    areas = [desk.areas["A"], desk.areas["B"]]

    with time_machine.travel(local(2026, 3, 2, 7, 30), tick=False):
        numbers, errors = run_together(
            KIOSK_TAPS,
            lambda i: ticket_issue(desk=desk.desk, service_area=areas[i % 2]).number,
        )

    assert errors == []
    assert sorted(numbers) == list(range(1, KIOSK_TAPS + 1))
    assert sorted(Ticket.objects.filter(desk=desk.desk).values_list("number", flat=True)) == list(
        range(1, KIOSK_TAPS + 1)
    )
    assert TicketSequence.objects.get(desk=desk.desk).last_value == KIOSK_TAPS


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_counters_calling_at_once_never_share_a_ticket():
    desk = build_desk()
    counters = [desk.counters[1], desk.counters[2]] + [
        counter_create(desk=desk.desk, number=n, name=f"Quầy {n}") for n in range(4, 4 + 8)
    ]
    service_area_set_counters(service_area=desk.areas["A"], counters=counters)

    with time_machine.travel(local(2026, 3, 2, 8, 0), tick=False):
        for _ in range(COUNTERS + 2):
            ticket_issue(desk=desk.desk, service_area=desk.areas["A"])
        called, errors = run_together(
            COUNTERS,
            lambda i: ticket_call_next(counter=counters[i], actor=desk.officer).number,
        )

    assert errors == []
    assert sorted(called) == list(range(1, COUNTERS + 1))
    assert Ticket.objects.filter(status=TicketStatus.CALLED).count() == COUNTERS
    assert sorted(
        Ticket.objects.filter(status=TicketStatus.CALLED).values_list("counter__number", flat=True)
    ) == sorted(c.number for c in counters)
    assert TicketEvent.objects.filter(action=TicketAction.CALL).count() == COUNTERS
