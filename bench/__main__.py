"""Run every benchmark module's `run()`, print a table, write bench/results/<date>.json.

python -m bench        (or: make bench)
BENCH_ONLY=http,worklists python -m bench    (only these modules)
BENCH_DATABASE_URL=postgres://…/motcua_load python -m bench    (the database to read, e.g. generated)

Without BENCH_DATABASE_URL the benchmarks read var/bench-history.sqlite3, made on first use
(migrated, then `motcua generate_load` with BENCH_FRESH_DOSSIERS dossiers, default 20,000), so
`make bench` on a fresh machine has history to read and never writes into the working database.

A module's `run()` returns a flat dict of figures. Two suffixes pair figures in the table:
- `<name>_floor`: the same quantity measured for the cheapest comparable thing in the same run
  (a trivial endpoint, a raw SQL aggregate). The table shows the floor next to `<name>` and the
  ratio value ÷ floor.
- `<name>_target`: the goal. Figures ending in `_ms` (or `_mb`, `_queries`, `errors`) must stay at or below
  their target, every other figure at or above it; the table says whether it is met.
Both may be given for one name. Paired figures are not repeated as rows of their own.
"""

import importlib
import json
import os
import pkgutil
import platform
import sys
import traceback
from datetime import datetime
from pathlib import Path
from time import perf_counter
from zoneinfo import ZoneInfo

import bench

RESULTS_DIR = Path(__file__).resolve().parent / "results"
ROOT = Path(__file__).resolve().parent.parent


def _history_database() -> bool:
    """Point DATABASE_URL at the database to read; True when it is the benchmarks' own."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        os.environ["DATABASE_URL"] = url
        return False
    var = Path(os.environ.get("MOTCUA_VAR_DIR") or ROOT / "var")
    var.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{var / 'bench-history.sqlite3'}"
    return True


def _fill_history() -> None:
    """The benchmarks' own database, made once: migrated, then generated history."""
    from django.core.management import call_command

    from motcua.dossiers.models import Dossier

    call_command("migrate", verbosity=0)
    if Dossier.objects.exists():
        return
    count = int(os.environ.get("BENCH_FRESH_DOSSIERS", "20000"))
    print(f"… no history yet: motcua generate_load --dossiers {count}", file=sys.stderr)
    call_command("generate_load", dossiers=count)


def _modules() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.iter_modules(bench.__path__)
        if not info.ispkg and not info.name.startswith("_")
    )


_LOWER_IS_BETTER = ("_ms", "_mb", "_queries", "_seconds", "errors")


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _shown(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if _number(value):
        return f"{value:,}"
    return str(value)


def table_rows(results: dict[str, dict]) -> list[dict]:
    """One row per figure: value, its floor and ratio, its target and whether it is met."""
    rows = []
    for module, result in results.items():
        if "error" in result:
            rows.append({"name": module, "value": "ERROR"})
            continue
        figures = result["figures"]
        paired = {k for k in figures if k.endswith(("_floor", "_target"))}
        for key, value in figures.items():
            if key in paired and key.rsplit("_", 1)[0] in figures:
                continue
            row = {"name": f"{module}.{key}", "value": value}
            floor = figures.get(f"{key}_floor")
            if _number(floor) and _number(value):
                row["floor"] = floor
                row["ratio"] = round(value / floor, 2) if floor else None
            target = figures.get(f"{key}_target")
            if _number(target) and _number(value):
                row["target"] = target
                lower = key.endswith(_LOWER_IS_BETTER)
                row["met"] = "yes" if (value <= target if lower else value >= target) else "NO"
            rows.append(row)
    return rows


def print_table(rows: list[dict]) -> None:
    columns = (("value", 14), ("floor", 12), ("ratio", 7), ("target", 10), ("met", 4))
    width = max([len(row["name"]) for row in rows] + [10])
    print(f"{'benchmark':{width}}  " + "  ".join(f"{c:>{w}}" for c, w in columns))
    print(f"{'-' * width}  " + "  ".join("-" * w for _c, w in columns))
    for row in rows:
        cells = "  ".join(f"{_shown(row.get(c)):>{w}}" for c, w in columns)
        print(f"{row['name']:{width}}  {cells}".rstrip())


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    own = _history_database()
    import django

    django.setup()  # some benchmarks read or write the database
    if own:
        _fill_history()

    results: dict[str, dict] = {}
    failed = False
    only = {n.strip() for n in os.environ.get("BENCH_ONLY", "").split(",") if n.strip()}
    for name in _modules():
        if only and name not in only:
            continue
        module = importlib.import_module(f"bench.{name}")
        run = getattr(module, "run", None)
        if not callable(run):
            continue
        print(f"… {name}", file=sys.stderr)
        began = perf_counter()
        try:
            figures = run()
        except Exception:  # one broken benchmark must not hide the others' figures
            failed = True
            results[name] = {"error": traceback.format_exc()}
            continue
        results[name] = {"figures": figures, "seconds": round(perf_counter() - began, 2)}

    rows = table_rows(results)
    print_table(rows)

    now = datetime.now(tz=ZoneInfo("Asia/Ho_Chi_Minh"))
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{now:%Y-%m-%d}.json"
    if path.exists():
        # Another run of the same day (e.g. BENCH_ONLY=load): keep its other modules' figures.
        earlier = json.loads(path.read_text())
        results = {**earlier.get("results", {}), **results}
        rows = table_rows(results)
    document = {
        "measured_at": now.isoformat(timespec="seconds"),
        "machine": {
            "python": sys.version.split()[0],
            "implementation": platform.python_implementation(),
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpu_count": os.cpu_count(),
        },
        "results": results,
        "table": rows,
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")
    print(f"\n{path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
