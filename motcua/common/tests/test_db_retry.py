"""retry_on_deadlock: a service the database picked as a deadlock's victim runs again."""

import pytest
from django.db import OperationalError, transaction

from motcua.common.db import retry_on_deadlock


class PgError(Exception):
    def __init__(self, sqlstate):
        self.sqlstate = sqlstate


def failing(times: int, sqlstate: str = "40P01"):
    calls = []

    @retry_on_deadlock
    def service():
        calls.append(1)
        if len(calls) <= times:
            raise OperationalError("deadlock detected") from PgError(sqlstate)
        return "done"

    return service, calls


def test_a_deadlock_victim_is_run_again():
    service, calls = failing(2)
    assert service() == "done"
    assert len(calls) == 3


def test_it_gives_up_after_three_attempts():
    service, calls = failing(3)
    with pytest.raises(OperationalError):
        service()
    assert len(calls) == 3


def test_other_database_errors_are_not_retried():
    service, calls = failing(1, sqlstate="08006")  # connection failure
    with pytest.raises(OperationalError):
        service()
    assert len(calls) == 1


@pytest.mark.django_db
def test_inside_an_outer_transaction_the_error_goes_up_unchanged():
    service, calls = failing(1)
    with pytest.raises(OperationalError), transaction.atomic():
        service()
    assert len(calls) == 1
