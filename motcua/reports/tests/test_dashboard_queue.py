"""Queue waiting times on the dashboard: average and 90th percentile per day for the desks of
the subtree, from issue to the first call."""

import pytest
import time_machine

from motcua.organizations.models import Role
from motcua.queueing.services import ticket_call_next, ticket_finish, ticket_start_serving
from motcua.queueing.tests.factories import build_desk, issue, local, make_officer
from motcua.reports.dashboard.scope import Period
from motcua.reports.dashboard.selectors import QueueDay, queue_waits
from motcua.reports.tests.test_dashboard import client_for


@pytest.fixture
def desk(db):
    return build_desk()


def serve(desk, *, issued, called):
    """A ticket of area A issued at `issued`, called to counter 1 at `called` and served."""
    with time_machine.travel(issued, tick=False):
        issue(desk, "A")
    with time_machine.travel(called, tick=False):
        counter = desk.counters[1]
        ticket = ticket_call_next(counter=counter, actor=desk.officer)
        ticket_start_serving(counter=counter, ticket=ticket, actor=desk.officer)
        ticket_finish(counter=counter, ticket=ticket, actor=desk.officer)


def test_average_and_p90_wait_per_day(desk):
    # Monday 2/3: waits 5, 10 and 30 minutes → average 15, p90 (nearest rank 3 of 3) 30
    for issued, called in (((8, 0), (8, 5)), ((8, 1), (8, 11)), ((8, 2), (8, 32))):
        serve(desk, issued=local(2026, 3, 2, *issued), called=local(2026, 3, 2, *called))
    # Tuesday 3/3: ten tickets waiting 1..10 minutes → average 5,5, p90 (rank 9 of 10) 9
    for minute in range(1, 11):
        start = local(2026, 3, 3, 8, 0 + 2 * minute)
        serve(desk, issued=start, called=start.replace(minute=start.minute + minute))
    # a ticket still waiting has no known wait and is left out
    with time_machine.travel(local(2026, 3, 3, 10, 0), tick=False):
        issue(desk, "B")
    period = Period(local(2026, 3, 1).date(), local(2026, 3, 31).date())
    assert queue_waits(agency=desk.commune, period=period) == [
        QueueDay(local(2026, 3, 2).date(), 3, 15.0, 30.0),
        QueueDay(local(2026, 3, 3).date(), 10, 5.5, 9.0),
    ]
    # the other commune's desk is not in xã Hàm Yên's subtree
    assert queue_waits(agency=desk.other_desk, period=period) == []
    # a period of one day
    one_day = Period(local(2026, 3, 3).date(), local(2026, 3, 3).date())
    assert [day.tickets for day in queue_waits(agency=desk.commune, period=one_day)] == [10]


def test_the_dashboard_shows_the_waits(desk):
    serve(desk, issued=local(2026, 3, 2, 8, 0), called=local(2026, 3, 2, 8, 12))
    leader = make_officer("lanhdao.hamyen", desk.commune, Role.LEADER)
    with time_machine.travel(local(2026, 3, 11, 10, 0), tick=False):
        html = client_for(leader).get("/bao-cao/").content.decode()
    assert "02/03 — Trung bình: 12" in html  # a chart point's title
    assert '<td class="num">12,0</td>' in html
