"""The timeliness report (Biểu II.06a) for one agency-year against the floor: ONE hand-written
SQL aggregate computing the same columns over the same rows, measured in the same run.

Target: report ≤ 1.5 × floor and < 2 s at 1,000,000 dossiers on PostgreSQL. The rows are made in
bulk (COPY on PostgreSQL, bulk_create on SQLite) in a throwaway database next to the configured
one (Django's test database, kept between runs, like bench/dossiers.py), so real data is never
touched:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua python -m bench.report

BENCH_REPORT_DOSSIERS sets the volume (default 1,000,000 on PostgreSQL, 20,000 on SQLite).
BENCH_REPORT_DATA=database measures instead on the configured database as it is (the history of
`motcua generate_load`, e.g. the national year): the whole province (the demo tree's root) for
2025, with nothing written. The mix of the throwaway rows: three years of receipts (12/2023–11/2026), 45 % online, 50 % direct, 5 % by post, ~98 %
finished on time, 1.5 % withdrawn or stopped, a few stuck open, the last weeks still open;
procedures and fields from the demo catalog; 90 % at the district of Hàm Yên (the reported
subtree), 10 % at the province's centre for provincial departments (outside it). The report
reads 2025, grouped by field. The floor's figures must equal the report's (checked).
"""

import datetime as dt
import io
import os
import random
import statistics
from decimal import Decimal
from time import perf_counter

SEED = 20250101
PREFIX = "BREP-"
RUNS = 5
YEAR = {"date_from": dt.date(2025, 1, 1), "date_to": dt.date(2025, 12, 31)}


def _rows(count: int, *, rng: random.Random, inside, outside, procedures, rule, zone):
    """(field name → value) dicts of bulk dossiers, deterministic for a seed."""
    first = dt.datetime(2023, 12, 1, tzinfo=zone)
    days = (dt.datetime(2026, 11, 30, tzinfo=zone) - first).days
    open_after = first + dt.timedelta(days=days - 25)
    desk_in, competent_in = inside
    desk_out, competent_out = outside
    for n in range(count):
        received = first + dt.timedelta(days=rng.randrange(days), minutes=450 + rng.randrange(570))
        procedure = rng.choice(procedures)
        amount = rng.choice((1, 3, 5, 7, 10, 15))
        due = (received + dt.timedelta(days=round(amount * 1.4))).replace(hour=17, minute=0)
        channel = rng.choices(("online", "direct", "postal"), (45, 50, 5))[0]
        finished = outcome = None
        draw = rng.random()
        if received >= open_after or draw < 0.003:
            status = rng.choice(
                ("received", "processing", "processing", "awaiting_signature",
                 "supplement_requested", "awaiting_payment")
            )  # fmt: skip
        else:
            status = "returned" if draw < 0.95 else "result_ready"
            if draw > 0.985:
                status = "withdrawn" if draw > 0.9925 else "stopped"
            on_time = rng.random() < 0.98
            if on_time:
                finished = received + (due - received) * rng.uniform(0.2, 0.99)
            else:
                finished = due + dt.timedelta(hours=rng.randrange(20, 120))
            outcome = "refused" if rng.random() < 0.02 else "approved"
        inside_row = rng.random() < 0.9
        yield {
            "code": f"{PREFIX}{n:07d}",
            "procedure_id": procedure.pk,
            "procedure_name": procedure.name,
            "receiving_agency_id": (desk_in if inside_row else desk_out).pk,
            "competent_agency_id": rng.choice(competent_in if inside_row else competent_out).pk,
            "channel": channel,
            "status": status,
            "outcome": outcome if status in ("returned", "result_ready") else "",
            "rule_version_id": rule.pk,
            "applicant_name": "Nguyễn Văn An",
            "received_at": received,
            "clock_started_at": received,
            "processing_amount": Decimal(amount),
            "processing_unit": "days",
            "due_at": due,
            "original_due_at": due,
            "finished_at": finished,
            "returned_at": finished if status == "returned" else None,
            "supplement_count": 1 if rng.random() < 0.03 else 0,
            "is_digitized": True,
            "is_imported": received.year == 2023 or (received.year == 2024 and draw < 0.3),
        }


def _columns():
    from django.db.models import NOT_PROVIDED

    from motcua.dossiers.models import Dossier

    defaults = {}
    for field in Dossier._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.default is not NOT_PROVIDED:
            defaults[field.attname] = field.get_default()
        elif field.null:
            defaults[field.attname] = None
        else:
            defaults[field.attname] = ""
    return defaults


def _fill(count: int, **context) -> None:
    from django.db import connection
    from django.utils import timezone

    from motcua.dossiers.models import Dossier

    existing = Dossier.objects.filter(code__startswith=PREFIX).count()
    if existing == count:
        return
    Dossier.objects.filter(code__startswith=PREFIX).delete()
    defaults = _columns()
    now = timezone.now()
    rows = (
        {**defaults, **row, "created_at": now, "updated_at": now} for row in _rows(count, **context)
    )
    names = list(defaults) + [n for n in ("created_at", "updated_at") if n not in defaults]
    if connection.vendor == "postgresql":
        table = Dossier._meta.db_table
        quoted = ", ".join(connection.ops.quote_name(name) for name in names)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row([row[name] for name in names])
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
        return
    batch = []
    for row in rows:
        batch.append(Dossier(**{name: row[name] for name in names}))
        if len(batch) == 5000:
            Dossier.objects.bulk_create(batch)
            batch = []
    Dossier.objects.bulk_create(batch)


# The columns of the report, as SQL conditions over the same rows (fd/dd: local dates of the
# finishing and the due time). The floor writes each once, by hand.
_CONDITIONS = {
    "received_total": "TRUE",
    "carried_over": "d.received_at < %(start)s",
    "received_online": "d.received_at >= %(start)s AND d.channel = 'online'",
    "received_direct": "d.received_at >= %(start)s AND d.channel IN ('direct', 'postal')",
    "resolved_total": "d.finished_at < %(end)s",
    "resolved_early": "d.finished_at < %(end)s AND d.status NOT IN ('withdrawn', 'stopped') "
    "AND d.due_at IS NOT NULL AND {fd} < {dd}",
    "resolved_on_time": "d.finished_at < %(end)s AND (d.status IN ('withdrawn', 'stopped') "
    "OR d.due_at IS NULL OR {fd} = {dd})",
    "resolved_late": "d.finished_at < %(end)s AND d.status NOT IN ('withdrawn', 'stopped') "
    "AND d.due_at IS NOT NULL AND {fd} > {dd}",
    "in_progress_total": "(d.finished_at IS NULL OR d.finished_at >= %(end)s)",
    "in_progress_within": "(d.finished_at IS NULL OR d.finished_at >= %(end)s) AND "
    "(d.due_at IS NULL OR d.status = 'supplement_requested' OR d.due_at >= %(judged)s)",
    "in_progress_overdue": "(d.finished_at IS NULL OR d.finished_at >= %(end)s) AND "
    "d.due_at IS NOT NULL AND d.status <> 'supplement_requested' AND d.due_at < %(judged)s",
    "supplement_requested": "d.supplement_count > 0",
    "awaiting_payment": "(d.finished_at IS NULL OR d.finished_at >= %(end)s) "
    "AND d.status = 'awaiting_payment'",
    "refused": "d.finished_at < %(end)s AND d.outcome = 'refused'",
    "withdrawn": "d.finished_at < %(end)s AND d.status = 'withdrawn'",
    "stopped": "d.finished_at < %(end)s AND d.status = 'stopped'",
}


def _floor_sql(vendor: str, ids: list[int]) -> str:
    from motcua.catalog.models import Field, Procedure
    from motcua.dossiers.models import Dossier

    # Local dates as the fixed +07:00 offset allows (the cheapest correct form; see
    # motcua.reports.timeliness.LocalDate).
    if vendor == "postgresql":
        fd = "(d.finished_at + INTERVAL '7 hours')::date"
        dd = "(d.due_at + INTERVAL '7 hours')::date"

        def count(condition):
            return f"COUNT(*) FILTER (WHERE {condition})"
    else:
        fd, dd = "date(d.finished_at, '+7 hours')", "date(d.due_at, '+7 hours')"

        def count(condition):
            return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"

    agencies = ", ".join(str(pk) for pk in ids)
    columns = ",\n  ".join(
        f"{count(condition.format(fd=fd, dd=dd))} AS {name}"
        for name, condition in _CONDITIONS.items()
    )
    # Table names and integer ids only: the values are parameters.
    return f"""
SELECT f.code, MIN(f.name),
  {columns}
FROM {Dossier._meta.db_table} d
JOIN {Procedure._meta.db_table} p ON p.id = d.procedure_id
JOIN {Field._meta.db_table} f ON f.id = p.field_id
WHERE (d.competent_agency_id IN ({agencies}) OR d.receiving_agency_id IN ({agencies}))
  AND d.received_at IS NOT NULL AND d.received_at < %(end)s
  AND d.status NOT IN ('submitted', 'not_accepted')
  AND (d.finished_at IS NULL OR d.finished_at >= %(start)s)
GROUP BY f.code
"""  # noqa: S608


def floor_query(agency, *, date_from: dt.date, date_to: dt.date):
    """The floor for one agency and period, ready to run: a callable returning
    {field code: {column: count}}, by the hand-written SQL alone."""
    from django.db import connection

    from motcua.organizations.models import Agency, subtree_q
    from motcua.reports.timeliness import Period

    period = Period.of(date_from, date_to)
    ids = list(Agency.objects.filter(subtree_q(agency)).values_list("id", flat=True))
    sql = _floor_sql(connection.vendor, ids)
    params = {
        "start": period.start,
        "end": period.end,
        "judged": dt.datetime.combine(period.judged_on, dt.time.min, tzinfo=period.start.tzinfo),
    }
    # Parameters as the backend stores datetimes (SQLite: UTC text), as the ORM would send them.
    params = {k: connection.ops.adapt_datetimefield_value(v) for k, v in params.items()}
    names = list(_CONDITIONS)

    def floor() -> dict[str, dict]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {row[0]: dict(zip(names, row[2:], strict=True)) for row in cursor.fetchall()}

    return floor


def _median_seconds(call) -> tuple[float, object]:
    times, result = [], None
    for _ in range(RUNS):
        began = perf_counter()
        result = call()
        times.append(perf_counter() - began)
    return statistics.median(times), result


def _compare(agency) -> dict:
    """Report and floor for one agency-year, medians of RUNS, checked to agree."""
    from motcua.reports.timeliness import timeliness_report

    report_s, report = _median_seconds(
        lambda: timeliness_report(agency=agency, **YEAR, group_by="field")
    )
    floor_s, floor_rows = _median_seconds(floor_query(agency, **YEAR))
    names = list(_CONDITIONS)
    floor_total = {name: sum(row[name] for row in floor_rows.values()) for name in names}
    report_total = {name: report.total[name] for name in names}
    assert floor_total == report_total, (floor_total, report_total)
    return {
        "rows_in_report": report.total["received_total"],
        "on_time_rate": report.total["on_time_rate"],
        "report_s": round(report_s, 3),
        "floor_s": round(floor_s, 3),
        "ratio": round(report_s / floor_s, 2),
    }


def _measure_database() -> dict:
    from django.db import connection

    from motcua.dossiers.models import Dossier
    from motcua.organizations.demo import PROVINCE_CODE
    from motcua.organizations.models import Agency

    return {
        "database": connection.vendor,
        "dossiers": Dossier.objects.count(),
        "agency": PROVINCE_CODE,
        **_compare(Agency.objects.get(code=PROVINCE_CODE)),
    }


def _measure(count: int) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from motcua.catalog.models import Procedure
    from motcua.dossiers.models import RuleVersion
    from motcua.organizations.demo import DISTRICT_CODE, DISTRICT_DESK_CODE, PROVINCE_CENTER_CODE
    from motcua.organizations.models import Agency, subtree_q
    from motcua.workdays.engine import OFFICE_TZ

    call_command("seed_demo", "--force", stdout=io.StringIO())
    district = Agency.objects.get(code=DISTRICT_CODE)
    inside = (
        Agency.objects.get(code=DISTRICT_DESK_CODE),
        list(Agency.objects.filter(subtree_q(district)).exclude(kind="service_center")),
    )
    outside = (
        Agency.objects.get(code=PROVINCE_CENTER_CODE),
        list(Agency.objects.filter(code__regex=r"^000\.00\.1[1-6]\.H62$")),
    )
    began = perf_counter()
    _fill(
        count,
        rng=random.Random(SEED),
        inside=inside,
        outside=outside,
        procedures=list(Procedure.objects.order_by("id")),
        rule=RuleVersion.objects.order_by("effective_from").first(),
        zone=OFFICE_TZ,
    )
    fill_seconds = perf_counter() - began

    return {
        "database": connection.vendor,
        "dossiers": count,
        "fill_seconds": round(fill_seconds, 1),
        **_compare(district),
    }


def run() -> dict:
    from django.conf import settings
    from django.db import connection

    if os.environ.get("BENCH_REPORT_DATA") == "database":
        return _measure_database()
    default = "1000000" if connection.vendor == "postgresql" else "20000"
    count = int(os.environ.get("BENCH_REPORT_DOSSIERS", default))
    if connection.vendor == "sqlite":
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(
            settings.VAR_DIR / "bench.sqlite3"
        )
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True, serialize=False)
    try:
        return _measure(count)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=True)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    for key, value in run().items():
        print(f"{key:28} {value:>14}")
