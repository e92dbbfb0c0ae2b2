"""Intake through the API with 8 concurrent desk clients, and the server's memory.

gunicorn (one worker per core, production settings) on the configured database
(BENCH_DATABASE_URL); 8 clients POST /api/v1/dossiers as fast as the server answers for
BENCH_INTAKE_SECONDS (default 30). Figures: dossiers/s (target ≥ 200), and the day's codes the
run produced checked for duplicates and gaps (target 0). Then BENCH_MEMORY_REQUESTS (default
10,000) public lookups, with each worker's resident memory (RSS) sampled after every tenth of
them: the largest RSS (target < 200 MB) and its growth over the second half (not growing).
"""

import json
import os
import tempfile
import threading
import time
from pathlib import Path

from bench.load import APPLICANT, User, prepare, server_env, start_server

CLIENTS = 8


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def run() -> dict:
    import secrets

    from django.conf import settings

    from bench.http import _free_port
    from bench.load import Target, collect_static
    from motcua.catalog.models import Procedure
    from motcua.dossiers.models import Dossier
    from motcua.organizations.models import Agency

    seconds = float(os.environ.get("BENCH_INTAKE_SECONDS", "30"))
    lookups = int(os.environ.get("BENCH_MEMORY_REQUESTS", "10000"))
    desk = Agency.objects.get(code="000.10.06.H62")
    procedure = Procedure.objects.get(code="2.000720", agency=None)
    codes = list(Dossier.objects.order_by("-id").values_list("code", flat=True)[:2000])
    settings.SECRET_KEY = secrets.token_urlsafe(50)  # debug off wants a real one; shared
    world = prepare(desk=desk, procedure=procedure, counters=0, officers=0)
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL")
    url = url or f"sqlite:///{settings.DATABASES['default']['NAME']}"
    before = set(Dossier.objects.filter(receiving_agency=desk).values_list("code", flat=True))
    with tempfile.TemporaryDirectory() as tmp:
        env = server_env(url, tmp)
        collect_static(env)
        port = _free_port()
        server = start_server(env, port, Path(tmp) / "gunicorn.log",
                              workers=os.cpu_count() or 2, threads=4)  # fmt: skip
        try:
            target = Target(port=port, codes=codes, **world)
            made, errors = _intakes(target, seconds)
            memory = _memory(target, server.pid, lookups)
        finally:
            server.terminate()
            server.wait(timeout=30)
    new = sorted(
        set(Dossier.objects.filter(receiving_agency=desk).values_list("code", flat=True)) - before
    )
    problems = _numbering_problems(new)
    return {
        "clients": CLIENTS,
        "intake_seconds": seconds,
        "intakes": len(made),
        "intake_errors": errors,
        "intake_per_s": round(len(made) / seconds, 1),
        "intake_per_s_target": 200,
        "duplicate_or_skipped_codes": problems + (len(made) - len(set(made))),
        "duplicate_or_skipped_codes_target": 0,
        **memory,
    }


def _intakes(target, seconds: float) -> tuple[list[str], int]:
    from bench.load import Results

    results = Results()
    made: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(n: int) -> None:
        import random

        user = User(target, results, random.Random(n))
        while time.monotonic() < deadline:
            body = {
                "receiving_agency": target.desk_code,
                "procedure": target.procedure_code,
                "channel": "direct",
                "applicant": {**APPLICANT, "name": f"Người nộp {n}-{len(made)}"},
                "documents": [{"name": "Tờ khai", "originals": 1, "copies": 0}],
            }
            headers = {"Authorization": f"Bearer {target.intake_token}",
                       "Content-Type": "application/json"}  # fmt: skip
            status, content, _ = user.request("intake", "POST", "/api/v1/dossiers",
                                              body=json.dumps(body), headers=headers, ok=(201,))  # fmt: skip
            if status == 201:
                with lock:
                    made.append(json.loads(content)["code"])

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return made, len(results.errors)


def _numbering_problems(codes: list[str]) -> int:
    """Codes of one day must run 1…N with no hole: count the holes and repeats per day."""
    from motcua.dossiers.models import Dossier

    problems = 0
    by_day: dict[str, list[int]] = {}
    for code in codes:
        prefix, number = code.rsplit("-", 1)
        by_day.setdefault(prefix, []).append(int(number))
    for prefix, numbers in by_day.items():
        existing = Dossier.objects.filter(code__startswith=prefix + "-").count()
        numbers.sort()
        # The run's numbers continue the day's earlier ones without a hole.
        expected = list(range(existing - len(numbers) + 1, existing + 1))
        problems += sum(1 for a, b in zip(numbers, expected, strict=False) if a != b)
        problems += abs(len(numbers) - len(set(numbers)))
    return problems


def _memory(target, master: int, lookups: int) -> dict:
    import random

    from bench.load import Results

    results = Results()
    user = User(target, results, random.Random(1))
    samples: list[float] = []
    step = max(1, lookups // 10)
    for n in range(lookups):
        user.citizen()
        if (n + 1) % step == 0:
            samples.append(max((_rss_mb(pid) for pid in _workers(master)), default=0.0))
    half = samples[len(samples) // 2 :] or [0.0]
    return {
        "memory_requests": lookups,
        "memory_errors": len(results.errors),
        "worker_rss_mb": round(max(samples, default=0.0), 1),
        "worker_rss_mb_target": 200,
        "worker_rss_growth_second_half_mb": round(half[-1] - half[0], 1),
    }
