"""Several workers at once (PostgreSQL, real connections): each message reaches the endpoint
once, and each dossier's messages in order."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, connections

from motcua.dossiers.services import dossier_withdraw
from motcua.dossiers.tests.factories import HKD, build_office, demo_procedure, local, receive
from motcua.outbox.models import MessageState, OutboxMessage
from motcua.outbox.services import outbox_deliver_due

AT = local(2026, 3, 2, 8, 0)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers")
# Real commits, seen by the workers' own connections; the rows migrations put in (the rule
# versions) are restored afterwards for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_four_workers_send_each_message_once_and_in_order(receiver, settings):
    office = build_office()
    procedure = demo_procedure(HKD)
    dossiers = [
        receive(office, procedure, at=AT + timedelta(minutes=minute)) for minute in range(10)
    ]
    for dossier in dossiers:
        with time_machine.travel(AT + timedelta(hours=1), tick=False):
            dossier_withdraw(actor=office.reception, dossier=dossier, reason="Xin rút")
    assert OutboxMessage.objects.count() == 20

    barrier = threading.Barrier(4)
    errors = []

    def worker():
        try:
            barrier.wait()
            outbox_deliver_due()
        except Exception as error:  # reported below: a thread's failure must fail the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    keys = [headers["Idempotency-Key"] for headers, _ in receiver.requests]
    assert len(keys) == 20
    assert len(set(keys)) == 20
    for dossier in dossiers:
        statuses = [p["status"] for _, p in receiver.requests if p["dossier_code"] == dossier.code]
        assert statuses == [2, 7]
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {MessageState.DELIVERED}
