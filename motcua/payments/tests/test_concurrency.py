"""Concurrent payments on PostgreSQL: receipt numbers neither repeat nor skip, and a callback
delivered several times at once pays once. SQLite serializes writers, so the race only exists
on PostgreSQL."""

import threading
from collections.abc import Callable

import pytest
import time_machine
from django.db import connection

from motcua.dossiers.models import DossierEvent
from motcua.dossiers.tests.factories import (
    HKD,
    build_office,
    demo_procedure,
    local,
    receive,
    submit,
)
from motcua.payments.gateways import FakeGateway, sign
from motcua.payments.models import Payment, PaymentStatus
from motcua.payments.services import (
    payment_callback,
    payment_record_at_counter,
    payment_start_online,
)
from motcua.portal.tests.citizen_helpers import make_citizen

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-level concurrency needs PostgreSQL"
)

THREADS = 10


def run_together(calls: list[Callable[[], object]]) -> tuple[list, list]:
    barrier = threading.Barrier(len(calls))
    results: list = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(call) -> None:
        try:
            barrier.wait(timeout=30)
            result = call()
            with lock:
                results.append(result)
        except BaseException as error:  # reported in the test's thread
            with lock:
                errors.append(error)
        finally:
            connection.close()

    with time_machine.travel(local(2026, 3, 2, 9, 0), tick=False):
        threads = [threading.Thread(target=run, args=(call,)) for call in calls]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    return results, errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_counter_payments_get_consecutive_receipt_numbers():
    office = build_office()
    procedure = demo_procedure(HKD)
    dossiers = [receive(office, procedure) for _ in range(THREADS)]

    def pay(dossier):
        return lambda: (
            payment_record_at_counter(
                actor=office.reception, dossier=dossier, amount=100_000, method="cash"
            ).receipt_number
        )

    numbers, errors = run_together([pay(dossier) for dossier in dossiers])

    assert errors == []
    assert sorted(numbers) == [f"BL-2026-{n:06d}" for n in range(1, THREADS + 1)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_callback_delivered_many_times_at_once_pays_once():

    office = build_office()
    citizen = make_citizen()
    dossier = submit(office, demo_procedure(HKD), citizen=citizen)
    payment_start_online(user=citizen, dossier=dossier, return_url="/")
    payment = Payment.objects.get(dossier=dossier)
    payload = FakeGateway.callback_payload(payment, success=True)
    signature = sign(payload)

    _results, errors = run_together(
        [lambda: payment_callback(payload=payload, signature=signature)] * THREADS
    )

    assert errors == []
    payment.refresh_from_db()
    assert (payment.status, payment.receipt_number) == (PaymentStatus.PAID, "BL-2026-000001")
    assert DossierEvent.objects.filter(dossier=dossier, action="payment").count() == 1
