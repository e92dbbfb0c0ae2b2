"""prepared_rows: a hot hand-written statement planned once per connection on PostgreSQL."""

import pytest
from django.db import connection

from motcua.common.db import prepared_rows

pytestmark = pytest.mark.django_db

SQL = "SELECT %s::int + 1, %s::text"
UNPREPARED = "SELECT %s::int + 2, %s::text"  # its own text: a connection outlives one test


def _prepared_here(sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement = %s",
            [sql.replace("%s", "$1", 1).replace("%s", "$2", 1)],
        )
        return cursor.fetchone()[0]


def test_the_rows_come_back_and_each_call_is_one_logged_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert prepared_rows("SELECT %s + 1, %s", [41, "mã"]) == [(42, "mã")]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_on_postgresql_the_statement_is_prepared_after_a_few_runs():
    assert connection.settings_dict["OPTIONS"]["prepare_threshold"] == 5
    for n in range(5):
        assert prepared_rows(SQL, [n, "x"]) == [(n + 1, "x")]
    assert _prepared_here(SQL) == 0  # five runs: not yet

    for n in range(3):
        assert prepared_rows(SQL, [n, "y"]) == [(n + 1, "y")]

    assert _prepared_here(SQL) == 1  # prepared once, then reused


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_switched_off_nothing_is_prepared(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", {})
    for n in range(8):
        assert prepared_rows(UNPREPARED, [n, "z"]) == [(n + 2, "z")]

    assert _prepared_here(UNPREPARED) == 0
