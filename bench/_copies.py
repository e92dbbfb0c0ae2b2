"""Multiply generated history by copying it inside PostgreSQL: the quick road to the national
volume (10,000,000 dossiers) when `motcua generate_load` at that size would take hours.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_national \\
        python -m bench._copies 9          # 1,000,000 generated → 10,000,000

Each copy repeats every dossier with its steps and events (the tables the benchmarks read:
lookup, worklists, dossier page, timeliness report): same agencies, procedures, days and
officers, so a year holds copies × the generated year, as `generate_load` at the larger size
would put it; a new id (+ copy × 10^8) and a code whose province part `H62` becomes `K<copy>`
(codes stay unique). Payments, pauses, supplement requests and ratings are not copied. Use a
database made for measuring (e.g. `CREATE DATABASE motcua_national TEMPLATE motcua_load`),
never a real one. Ends with VACUUM ANALYZE of the three tables.
"""

import os
import sys
from time import perf_counter

OFFSET = 10**8
_TABLES = ("dossiers_dossier", "dossiers_dossierstep", "dossiers_dossierevent")


def _columns(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


def _copy_sql(table: str, columns: list[str], copy: int) -> str:
    shifted = {"id", "dossier_id", "step_id", "to_step_id"}
    values = []
    for column in columns:
        quoted = f'"{column}"'
        if column in shifted:
            values.append(f"{quoted} + {copy * OFFSET}")
        elif table == "dossiers_dossier" and column == "code":
            values.append(f"replace({quoted}, 'H62', 'K{copy}')")
        else:
            values.append(quoted)
    names = ", ".join(f'"{column}"' for column in columns)
    # Table and column names come from the catalog, never from input.
    return (
        f"INSERT INTO {table} ({names}) OVERRIDING SYSTEM VALUE "  # noqa: S608
        f"SELECT {', '.join(values)} FROM {table} WHERE id < {OFFSET}"
    )


def copy_history(copies: int, out=sys.stdout) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM dossiers_dossierevent")
        if (cursor.fetchone()[0] or 0) >= OFFSET:
            raise SystemExit("this database holds copies already")
        # Foreign keys point inside the copy; their checks would only cost time.
        cursor.execute("SET session_replication_role = replica")
        for copy in range(1, copies + 1):
            for table in _TABLES:
                began = perf_counter()
                cursor.execute(_copy_sql(table, _columns(cursor, table), copy))
                out.write(f"copy {copy}: {table} {cursor.rowcount:,} rows in "
                          f"{perf_counter() - began:.0f} s\n")  # fmt: skip
                out.flush()
        cursor.execute("SET session_replication_role = DEFAULT")
        for table in _TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"  # noqa: S608
            )
    connection.close()
    with connection.cursor() as cursor:
        for table in _TABLES:
            began = perf_counter()
            cursor.execute(f"VACUUM ANALYZE {table}")
            out.write(f"VACUUM ANALYZE {table} in {perf_counter() - began:.0f} s\n")


if __name__ == "__main__":
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url or not url.startswith("postgres"):
        raise SystemExit("BENCH_DATABASE_URL must name a PostgreSQL database made for measuring")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    copy_history(int(sys.argv[1]) if len(sys.argv) > 1 else 9)
