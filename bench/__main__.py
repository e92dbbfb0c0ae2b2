"""Run every benchmark module's `run()`, print a table, write bench/results/<date>.json.

python -m bench        (or: make bench)
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


def _modules() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.iter_modules(bench.__path__)
        if not info.ispkg and not info.name.startswith("_")
    )


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()  # some benchmarks read or write the database

    results: dict[str, dict] = {}
    failed = False
    for name in _modules():
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

    width = max([len(f"{m}.{k}") for m, r in results.items() for k in r.get("figures", {})] + [10])
    print(f"{'benchmark':{width}}  {'value':>14}")
    print(f"{'-' * width}  {'-' * 14}")
    for name, result in results.items():
        if "error" in result:
            print(f"{name:{width}}  {'ERROR':>14}")
            continue
        for key, value in result["figures"].items():
            shown = f"{value:,}" if isinstance(value, int | float) else str(value)
            print(f"{name + '.' + key:{width}}  {shown:>14}")

    now = datetime.now(tz=ZoneInfo("Asia/Ho_Chi_Minh"))
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{now:%Y-%m-%d}.json"
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
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")
    print(f"\n{path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
