"""Database aliases: which connection a kind of read goes to."""

import random
import time
from functools import wraps

from django.conf import settings
from django.db import OperationalError, connection


def report_db_alias() -> str:
    """The alias report queries read from: "replica" when DATABASE_REPLICA_URL configures one,
    else "default". Reports only read, so a lagging replica costs seconds of freshness, nothing
    more; writes always go to "default"."""
    return "replica" if "replica" in settings.DATABASES else "default"


def _is_deadlock(error: OperationalError) -> bool:
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) in DEADLOCK_STATES


# PostgreSQL: deadlock_detected, serialization_failure. The database has already rolled the
# loser back; running the same short transaction again is the remedy its manual gives.
DEADLOCK_STATES = {"40P01", "40001"}


def retry_on_deadlock(func=None, *, attempts: int = 3):
    """Run a service (one transaction) again when the database chose it as a deadlock's victim.

    Outside any transaction only: inside an outer atomic block the whole block is lost and
    only its owner can start it again, so the error goes up unchanged."""

    def decorate(service):
        @wraps(service)
        def wrapper(*args, **kwargs):
            for attempt in range(1, attempts + 1):
                try:
                    return service(*args, **kwargs)
                except OperationalError as error:
                    if attempt == attempts or connection.in_atomic_block or not _is_deadlock(error):
                        raise
                    time.sleep(random.uniform(0.005, 0.05) * attempt)  # noqa: S311 (jitter)
            raise AssertionError("unreachable")

        return wrapper

    return decorate(func) if func is not None else decorate


def prepared_rows(sql: str, params: list) -> list[tuple]:
    """The rows of one statement of the default connection, on PostgreSQL through a server-side
    prepared statement: psycopg prepares it after a few executions on a connection (the
    `prepare_threshold` of settings) and PostgreSQL then skips parsing and planning it — for a
    short lookup the planning cost several times the execution. Django's own cursors bind on
    the client and are never prepared, so this is for the few hot statements written by hand
    (%s placeholders, no literal percent sign). Logged like any query; elsewhere (SQLite,
    prepared statements switched off) a plain cursor."""
    prepared = (
        connection.vendor == "postgresql"
        and connection.settings_dict["OPTIONS"].get("prepare_threshold") is not None
    )
    if not prepared:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    from psycopg import Cursor  # the server-binding cursor: psycopg 3, PostgreSQL only

    connection.ensure_connection()
    raw = Cursor(connection.connection)
    wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    with wrap(raw) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
