"""Concurrent intake on PostgreSQL: every desk officer gets their own number, none repeated or
skipped (DOMAIN §2). SQLite serializes writers, so the race only exists on PostgreSQL."""

import threading

import pytest
import time_machine
from django.db import connection

from motcua.dossiers.models import DailySequence, Dossier
from motcua.dossiers.services import dossier_receive
from motcua.dossiers.tests.factories import (
    APPLICANT,
    DOCUMENTS,
    HKD,
    build_office,
    demo_procedure,
    local,
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-level concurrency needs PostgreSQL"
)

INTAKES = 20


# transaction=True: each thread commits on its own connection. serialized_rollback brings the
# migrated rows (rule versions, the official calendar) back after the flush of earlier tests.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_intakes_get_twenty_consecutive_codes():
    office = build_office()
    procedure = demo_procedure(HKD)
    barrier = threading.Barrier(INTAKES)
    codes: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def intake() -> None:
        try:
            barrier.wait(timeout=30)
            dossier = dossier_receive(
                actor=office.reception,
                receiving_agency=office.desk,
                procedure=procedure,
                channel="direct",
                applicant=APPLICANT,
                documents=DOCUMENTS,
            )
            with lock:
                codes.append(dossier.code)
        except BaseException as error:  # reported below, in the test's thread
            with lock:
                errors.append(error)
        finally:
            connection.close()

    with time_machine.travel(local(2026, 3, 2, 9, 0), tick=False):
        threads = [threading.Thread(target=intake) for _ in range(INTAKES)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert errors == []
    expected = [f"000.01.51.H62-260302-{n:04d}" for n in range(1, INTAKES + 1)]
    assert sorted(codes) == expected
    assert sorted(Dossier.objects.values_list("code", flat=True)) == expected
    assert DailySequence.objects.get(agency=office.desk).last_value == INTAKES
