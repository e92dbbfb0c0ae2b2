"""Storing generated rows fast: COPY on PostgreSQL (psycopg 3), bulk_create on SQLite.

Primary keys of the rows other rows point at (dossiers, steps, supplement requests, ratings) are
taken up front: from the table's own sequence on PostgreSQL (`nextval`, so a live intake running
at the same time never gets the same id), after the highest id on SQLite (one writer at a time).
The day counters are raised to the highest number used, never lowered; receipt numbers are
reserved from the database's counter when a batch is written.
"""

import json
from datetime import date
from operator import itemgetter

from django.db import connection, models, transaction

from motcua.dossiers.models import (
    DailySequence,
    Dossier,
    DossierEvent,
    DossierPause,
    DossierStep,
    SupplementRequest,
)
from motcua.loadgen.rows import Batch
from motcua.payments.models import Payment, ReceiptSequence
from motcua.ratings.models import Feedback, Rating

# (batch attribute, model, whether the rows carry their id)
TABLES = (
    ("dossiers", Dossier, True),
    ("steps", DossierStep, True),
    ("supplements", SupplementRequest, True),
    ("pauses", DossierPause, False),
    ("events", DossierEvent, False),
    ("payments", Payment, False),
    ("ratings", Rating, True),
    ("feedbacks", Feedback, False),
)
_POOL_CHUNK = 50_000


class _Table:
    """Columns of a model in a fixed order, with the value a row gets when it says nothing."""

    def __init__(self, model: type[models.Model], with_id: bool):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        self.columns = [f.attname for f in self.fields]
        self.json = [isinstance(f, models.JSONField) for f in self.fields]
        self.defaults = []
        for f in self.fields:
            if f.has_default():
                self.defaults.append(f.get_default())
            elif f.null or f.primary_key:
                self.defaults.append(None)
            elif f.blank and isinstance(f, models.CharField | models.TextField):
                self.defaults.append("")
            else:
                self.defaults.append(_REQUIRED)

        self.base = dict(zip(self.columns, self.defaults, strict=True))
        self._get = itemgetter(*self.columns)

    def values(self, row: dict) -> list:
        out = list(self._get({**self.base, **row}))
        if _REQUIRED in out:
            missing = [c for c, v in zip(self.columns, out, strict=True) if v is _REQUIRED]
            raise ValueError(f"{self.model.__name__}: no value for {missing}")
        return out


_REQUIRED = object()


class IdPool:
    """Primary keys handed out before the rows are written."""

    def __init__(self):
        self._free: dict[type, list[int]] = {}
        self._next: dict[type, int] = {}

    def _take(self, model) -> int:
        free = self._free.get(model)
        if not free:
            free = self._free[model] = self._reserve(model, _POOL_CHUNK)
        return free.pop()

    def _reserve(self, model, count: int) -> list[int]:
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, count],
                )
                ids = [row[0] for row in cursor.fetchall()]
            else:
                if model not in self._next:
                    cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                    self._next[model] = (cursor.fetchone()[0] or 0) + 1
                first = self._next[model]
                self._next[model] = first + count
                ids = list(range(first, first + count))
        ids.reverse()  # popped from the end: handed out in increasing order
        return ids

    def dossier(self) -> int:
        return self._take(Dossier)

    def step(self) -> int:
        return self._take(DossierStep)

    def supplement(self) -> int:
        return self._take(SupplementRequest)

    def rating(self) -> int:
        return self._take(Rating)


_SPECS: dict[str, _Table] = {}


def _spec(name: str, model, with_id: bool) -> _Table:
    if name not in _SPECS:
        _SPECS[name] = _Table(model, with_id)
    return _SPECS[name]


def batch_write(batch: Batch) -> None:
    """Write every row of the batch (call inside one transaction)."""
    for name, model, with_id in TABLES:
        rows = getattr(batch, name)
        if not rows:
            continue
        spec = _spec(name, model, with_id)
        if connection.vendor == "postgresql":
            _copy(spec, rows)
        else:
            model.objects.bulk_create(
                [model(**dict(zip(spec.columns, spec.values(row), strict=True))) for row in rows],
                batch_size=500,
            )


def _copy(spec: _Table, rows: list[dict]) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in spec.columns)
    table = quote(spec.model._meta.db_table)
    json_at = [i for i, is_json in enumerate(spec.json) if is_json]
    connection.ensure_connection()
    raw = connection.connection  # the psycopg 3 connection, inside Django's transaction
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            values = spec.values(row)
            for i in json_at:
                values[i] = json.dumps(values[i], ensure_ascii=False)
            copy.write_row(values)


def existing_codes(codes: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(codes), 5000):
        chunk = codes[start : start + 5000]
        found.update(Dossier.objects.filter(code__in=chunk).values_list("code", flat=True))
    return found


def _raise_to(model, key_column: str, rows: list[tuple[int, object, int]]) -> None:
    """Upsert (agency, key, value) so last_value ends at the highest of stored and given."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 1000):
            chunk = rows[start : start + 1000]
            values = ", ".join(["(%s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (agency_id, {key_column}, last_value) "  # noqa: S608
                f"VALUES {values} ON CONFLICT (agency_id, {key_column}) DO UPDATE SET "
                f"last_value = CASE WHEN excluded.last_value > {table}.last_value "
                f"THEN excluded.last_value ELSE {table}.last_value END",
                [value for row in chunk for value in row],
            )


def counters_store(daily: list[tuple]) -> None:
    """Leave DailySequence at the highest numbers used (never lower)."""
    adapt = connection.ops.adapt_datefield_value
    _raise_to(DailySequence, "day", [(a, adapt(day), value) for a, day, value in daily])


def counters_load(desk_ids: list[int]) -> dict[tuple[int, date], int]:
    return {
        (agency_id, day): value
        for agency_id, day, value in DailySequence.objects.filter(
            agency_id__in=desk_ids
        ).values_list("agency_id", "day", "last_value")
    }


def receipts_number(payments: list[dict]) -> None:
    """Give the batch's payments their receipt numbers (`BL-<year>-<nnnnnn>`, per desk and year,
    in the order they were paid), reserved from ReceiptSequence in one atomic statement per desk
    and year as the live counter does: generator processes and live payments never share one.
    Also fills the number into the payment's event (note and data)."""
    groups: dict[tuple[int, int], list[dict]] = {}
    for row in payments:
        groups.setdefault(row["_receipt"], []).append(row)
    table = connection.ops.quote_name(ReceiptSequence._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        for (agency_id, year), rows in sorted(groups.items()):
            cursor.execute(
                f"INSERT INTO {table} (agency_id, year, last_value) VALUES (%s, %s, %s) "  # noqa: S608
                f"ON CONFLICT (agency_id, year) DO UPDATE SET "
                f"last_value = {table}.last_value + excluded.last_value RETURNING last_value",
                [agency_id, year, len(rows)],
            )
            first = int(cursor.fetchone()[0]) - len(rows) + 1
            rows.sort(key=itemgetter("paid_at"))
            for value, row in enumerate(rows, start=first):
                number = f"BL-{year}-{value:06d}"
                row["receipt_number"] = number
                event = row["_event"]
                event["data"]["receipt_number"] = number
                event["note"] = event["note"].replace("{receipt}", number)
