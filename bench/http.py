"""Public lookup over HTTP with the production server, against the floor of the same stack.

gunicorn (`config.wsgi`, one worker per core, DEBUG off, static files collected) serves the
configured database (BENCH_DATABASE_URL, else DATABASE_URL — e.g. the one `motcua generate_load
--dossiers 1000000` filled); wrk (Debian's package; `apt-get install wrk`) drives it on loopback
with 50 connections for BENCH_HTTP_SECONDS (default 15) per endpoint in all, in BENCH_HTTP_ROUNDS
(default 3) interleaved rounds — floor, API, page, floor, API, page… — so a machine whose speed
drifts during the run (a shared one) slows each of them alike; each figure is the median of its
rounds:

- floor: `GET /tra-cuu/`, the lookup form — the cheapest page there is: the same middleware
  (sessions, CSRF, security headers, language), a template, no database query of its own;
- `GET /api/v1/lookup/{code}`: the lookup API, a random code of the database per request;
- `GET /tra-cuu/{code}/`: the lookup page, the same codes.

The per-client lookup limit is switched off (MOTCUA_LOOKUP_RATE=0): one load generator is one
client. Targets: lookup ≥ 70 % of the floor's requests per second, p99 < 50 ms. wrk keeps all 50
connections busy, so the mean wait is 50 ÷ (requests per second) (Little's law): a p99 under
50 ms needs well over 1,000 requests/s, which is why each p99 is printed beside the floor's.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_load python -m bench.http
"""

import json
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 50
FIGURES = ("rps", "p50", "p95", "p99")
SAMPLE = 5000
SEED = 20261126

_SCRIPT = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  local out = io.open("%(out)s", "w")
  out:write(string.format(
    '{"requests": %%d, "seconds": %%f, "errors": %%d, "non_2xx": %%d, '
    .. '"p50": %%f, "p95": %%f, "p99": %%f}',
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
  out:close()
end
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _codes(count: int) -> list[str]:
    from motcua.dossiers.models import Dossier

    top = Dossier.objects.order_by("-id").values_list("id", flat=True).first() or 0
    rng = random.Random(SEED)
    ids = {rng.randint(1, top) for _ in range(count * 2)} if top else set()
    codes = list(Dossier.objects.filter(id__in=ids).values_list("code", flat=True)[:count])
    rng.shuffle(codes)
    return codes


def _server_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_COOKIES="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        MOTCUA_LOOKUP_RATE="0",
    )
    return env


def _wait_ready(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 — loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within a minute")


def _wrk(base: str, paths: list[str], seconds: int, workdir: Path) -> dict:
    listing = workdir / "paths.txt"
    listing.write_text("\n".join(paths) + "\n")
    out = workdir / "result.json"
    script = workdir / "bench.lua"
    script.write_text(_SCRIPT % {"paths": listing, "out": out})
    subprocess.run(  # noqa: S603
        [
            shutil.which("wrk") or "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "-s",
            str(script),
            base,
        ],
        check=True,
        capture_output=True,
        timeout=seconds + 60,
    )
    figures = json.loads(out.read_text())
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def _medians(results: list[dict]) -> dict:
    """Median of each figure over the rounds; errors added up."""
    merged = {key: statistics.median(r[key] for r in results) for key in FIGURES}
    merged["errors"] = sum(r["errors"] for r in results)
    merged["non_2xx"] = sum(r["non_2xx"] for r in results)
    return merged


def run() -> dict:
    from django.conf import settings

    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: apt-get install wrk")
    seconds = int(os.environ.get("BENCH_HTTP_SECONDS", "15"))
    database = settings.DATABASES["default"]
    database_url = (
        os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("DATABASE_URL")
        or (f"sqlite:///{database['NAME']}")
    )
    codes = _codes(SAMPLE)
    if not codes:
        raise RuntimeError("no dossier in the database: run motcua generate_load first")
    env = _server_env(database_url)
    bin_dir = Path(sys.executable).parent
    subprocess.run(  # noqa: S603 — static files for DEBUG off (manifest storage)
        [str(bin_dir / "motcua"), "collectstatic", "--noinput", "-v0"],
        env=env, cwd=ROOT, check=True, timeout=600,
    )  # fmt: skip
    workers = os.cpu_count() or 2
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603
        [str(bin_dir / "gunicorn"), "config.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_ready(f"{base}/tra-cuu/", server)
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            _wrk(base, ["/tra-cuu/"], 3, workdir)  # warm-up: connections, caches, imports
            paths = {
                "floor": ["/tra-cuu/"],
                "api": [f"/api/v1/lookup/{c}" for c in codes],
                "page": [f"/tra-cuu/{c}/" for c in codes],
            }
            count = max(1, int(os.environ.get("BENCH_HTTP_ROUNDS", "3")))
            rounds: dict[str, list[dict]] = {name: [] for name in paths}
            for _ in range(count):
                for name, listing in paths.items():
                    rounds[name].append(_wrk(base, listing, max(1, seconds // count), workdir))
            floor, api, page = (_medians(rounds[name]) for name in paths)
    finally:
        server.terminate()
        server.wait(timeout=30)
    from motcua.dossiers.models import Dossier

    figures = {
        "dossiers": Dossier.objects.count(),
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "workers": workers,
        "connections": CONNECTIONS,
        "floor_rps": round(floor["rps"]),
        "floor_p50_ms": round(floor["p50"], 2),
        "floor_p99_ms": round(floor["p99"], 2),
    }
    for name, result in (("lookup_api", api), ("lookup_page", page)):
        figures.update(
            {
                f"{name}_rps": round(result["rps"]),
                f"{name}_rps_floor": round(floor["rps"]),
                f"{name}_rps_target": round(0.7 * floor["rps"]),
                f"{name}_p50_ms": round(result["p50"], 2),
                f"{name}_p95_ms": round(result["p95"], 2),
                f"{name}_p99_ms": round(result["p99"], 2),
                f"{name}_p99_ms_floor": round(floor["p99"], 2),
                f"{name}_p99_ms_target": 50,
                f"{name}_errors": result["errors"] + result["non_2xx"],
            }
        )
    figures["floor_errors"] = floor["errors"] + floor["non_2xx"]
    return figures


if __name__ == "__main__":
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    for key, value in run().items():
        print(f"{key:28} {value:>14}")
