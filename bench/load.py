"""Simulated users against the production server: citizens looking up dossiers and searching the
catalog, desk officers receiving dossiers through the API and opening their worklists, kiosks
issuing tickets and counters calling them — all at once, for a while, over HTTP on loopback.

Full form (make bench): 200 users for 60 s against gunicorn on the configured database
(BENCH_DATABASE_URL, e.g. one filled by `motcua generate_load`); figures: requests, errors (must
be 0), requests/s, p50/p95/p99 overall and per kind. The test suite runs a bounded form
(motcua/common/tests/test_load.py) with the same code.

BENCH_LOAD_USERS and BENCH_LOAD_SECONDS change the volume.
"""

import http.client
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
SEARCHES = ("dang ky khai sinh", "hộ kinh doanh", "chứng thực", "ket hon", "đất đai", "tạm trú")
APPLICANT = {"name": "", "id_number": "", "birth_date": None, "address": "", "phone": "",
             "email": "", "representative": ""}  # fmt: skip
KINDS = ("lookup_api", "lookup_page", "search", "intake", "worklist", "kiosk", "counter")


@dataclass
class Target:
    """What the simulated users need to know about the server's data."""

    port: int
    codes: list[str]  # dossier codes to look up
    desk_code: str
    procedure_code: str
    area_id: int
    intake_token: str  # a reception officer's API token for the desk
    officer_cookies: list[str]  # session cookies of officers (worklists)
    counters: list[tuple[int, str]]  # (counter id, its officer's session cookie)


@dataclass
class Results:
    samples: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.samples[kind].append(seconds)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors.append(what)


class User:
    """One simulated user with one keep-alive connection (reopened after an error)."""

    def __init__(self, target: Target, results: Results, rng: random.Random):
        self.target, self.results, self.rng = target, results, rng
        self.conn: http.client.HTTPConnection | None = None

    def request(self, kind, method, path, *, body=None, headers=None, ok=(200,)):
        headers = dict(headers or {})
        began = time.perf_counter()
        for attempt in (1, 2):
            reused = self.conn is not None
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.target.port,
                                                           timeout=30)  # fmt: skip
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                content = response.read()
                break
            except (OSError, http.client.HTTPException) as error:
                self.conn = None
                # The server closes a keep-alive connection left idle while the user read the
                # page; a browser then opens a new one and sends the request again, once.
                stale = isinstance(error, (http.client.RemoteDisconnected, ConnectionResetError,
                                           BrokenPipeError))  # fmt: skip
                if attempt == 1 and reused and stale:
                    began = time.perf_counter()
                    continue
                self.results.error(f"{kind} {path}: {type(error).__name__} {error}")
                return None, b"", ""
        self.results.add(kind, time.perf_counter() - began)
        if response.status not in ok:
            self.results.error(f"{kind} {method} {path}: HTTP {response.status} {content[:160]!r}")
        return response.status, content, "; ".join(response.msg.get_all("Set-Cookie") or [])

    # -- what each kind of user does -------------------------------------------------------------

    def citizen(self) -> None:
        code = self.rng.choice(self.target.codes)
        if self.rng.random() < 0.5:
            self.request("lookup_api", "GET", f"/api/v1/lookup/{code}")
        else:
            self.request("lookup_page", "GET", f"/tra-cuu/{code}/")

    def searcher(self) -> None:
        query = urlencode({"q": self.rng.choice(SEARCHES)})
        if self.rng.random() < 0.5:
            self.request("search", "GET", f"/thu-tuc/tim-kiem/?{query}")
        else:
            self.request("search", "GET", f"/api/v1/procedures?{query}")

    def desk(self) -> None:
        if self.rng.random() < 0.5:
            body = {
                "receiving_agency": self.target.desk_code,
                "procedure": self.target.procedure_code,
                "channel": "direct",
                "applicant": {**APPLICANT, "name": f"Người nộp {self.rng.randrange(10**6)}"},
                "documents": [{"name": "Tờ khai", "originals": 1, "copies": 0}],
            }
            headers = {
                "Authorization": f"Bearer {self.target.intake_token}",
                "Content-Type": "application/json",
            }
            self.request("intake", "POST", "/api/v1/dossiers", body=json.dumps(body),
                         headers=headers, ok=(201,))  # fmt: skip
        else:
            cookie = self.rng.choice(self.target.officer_cookies)
            self.request("worklist", "GET", "/can-bo/", headers={"Cookie": cookie})

    def kiosk(self) -> None:
        path = f"/xep-hang/kiosk/{self.target.desk_code}/"
        status, content, cookies = self.request("kiosk", "GET", path)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content or b"")
        cookie = re.search(r"csrftoken=([^;]+)", cookies)
        if status != 200 or not token or not cookie:
            self.results.error("kiosk: no CSRF token on the kiosk page")
            return
        body = urlencode({"csrfmiddlewaretoken": token.group(1).decode(),
                          "service_area": self.target.area_id})  # fmt: skip
        self.request("kiosk", "POST", path, body=body, ok=(302,), headers={
            "Cookie": f"csrftoken={cookie.group(1)}",
            "Content-Type": "application/x-www-form-urlencoded",
        })  # fmt: skip

    def counter(self, counter_id: int, session: str) -> None:
        """Call the next number; serve and finish it when someone was waiting."""
        page = f"/xep-hang/quay/{counter_id}/"
        status, content, cookies = self.request("counter", "GET", page,
                                                headers={"Cookie": session})  # fmt: skip
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content or b"")
        csrf = re.search(r"csrftoken=([^;]+)", cookies)
        if status != 200 or not token:
            self.results.error("counter: no form on the counter page")
            return
        cookie = session + (f"; csrftoken={csrf.group(1)}" if csrf else "")
        form = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        body = urlencode({"csrfmiddlewaretoken": token.group(1).decode()})
        if not self.finish_current(page, content, body, form):
            self.request("counter", "POST", f"{page}goi-tiep/", body=body, headers=form,
                         ok=(302,))  # fmt: skip
            status, content, _ = self.request("counter", "GET", page, headers={"Cookie": cookie})
            self.finish_current(page, content, body, form)

    def finish_current(self, page: str, content: bytes | None, body: str, form: dict) -> bool:
        """Serve and finish the number the counter holds, if it holds one."""
        held = re.search(rb"/ve/(\d+)/(phuc-vu|ket-thuc)/", content or b"")
        if not held:
            return False
        ticket = held.group(1).decode()
        slugs = ("phuc-vu", "ket-thuc") if held.group(2) == b"phuc-vu" else ("ket-thuc",)
        for slug in slugs:
            self.request("counter", "POST", f"{page}ve/{ticket}/{slug}/", body=body,
                         headers=form, ok=(302,))  # fmt: skip
        return True


def simulate(
    target: Target, *, users: int, seconds: float, think=(1.0, 3.0), seed: int = 20261126
) -> dict:
    """Run `users` simulated users for `seconds`, each waiting `think` seconds (uniform) between
    two clicks as a person reading the page does; return the figures."""
    results = Results()
    deadline = time.monotonic() + seconds
    counters = list(target.counters)

    def life(n: int) -> None:
        user = User(target, results, random.Random(seed + n))
        # The mix: one counter per counter officer, then kiosks, desks, searches, citizens.
        if n < len(counters):
            act = lambda: user.counter(*counters[n])  # noqa: E731
        else:
            roll = (n * 37) % 100
            if roll < 10:
                act = user.kiosk
            elif roll < 30:
                act = user.desk
            elif roll < 50:
                act = user.searcher
            else:
                act = user.citizen
        while time.monotonic() < deadline:
            act()
            time.sleep(user.rng.uniform(*think))  # a user reads before the next click

    threads = [threading.Thread(target=life, args=(n,)) for n in range(users)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    everything = sorted(s for samples in results.samples.values() for s in samples)
    figures = {
        "users": users,
        "seconds": round(elapsed, 1),
        "requests": len(everything),
        "errors": len(results.errors),
        "rps": round(len(everything) / elapsed, 1),
    }
    figures.update(_percentiles("", everything))
    for kind, samples in results.samples.items():
        if samples:
            figures[f"{kind}_requests"] = len(samples)
            figures.update(_percentiles(f"{kind}_", sorted(samples)))
    figures["error_sample"] = results.errors[:5]
    return figures


def _percentiles(prefix: str, ordered: list[float]) -> dict:
    if not ordered:
        return {}

    def at(share: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)

    return {
        f"{prefix}p50_ms": round(1000 * statistics.median(ordered), 1),
        f"{prefix}p95_ms": at(0.95),
        f"{prefix}p99_ms": at(0.99),
    }


# -- setting up the data the users need, and the server -------------------------------------------


def prepare(*, desk, procedure, counters: int = 4, officers: int = 4) -> dict:
    """Officers (with sessions and a token), counters and a service area at `desk`, made in the
    current database. Returns what Target needs besides the port and the codes."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from motcua.api.services import api_token_create
    from motcua.organizations.models import Counter, Membership, Role, User
    from motcua.organizations.services import counter_create, membership_grant
    from motcua.queueing.models import ServiceArea
    from motcua.queueing.services import service_area_create

    store = import_module(settings.SESSION_ENGINE).SessionStore

    def officer(username: str) -> User:
        user, _ = User.objects.get_or_create(username=username, defaults={"full_name": username})
        if not Membership.objects.filter(user=user, agency=desk, role=Role.RECEPTION).exists():
            membership_grant(user=user, agency=desk, role=Role.RECEPTION)
        return user

    def session_cookie(user: User) -> str:
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"

    desk_officer = officer("tai.tiepnhan")
    _token, secret = api_token_create(user=desk_officer, name="đo tải")
    made = []
    for n in range(counters):
        number = 90 + n
        counter = Counter.objects.filter(desk=desk, number=number).first()
        if counter is None:
            counter = counter_create(desk=desk, number=number, name=f"Quầy đo tải {n + 1}")
        made.append(counter)
    area = ServiceArea.objects.filter(desk=desk, code="T").first()
    if area is None and made:
        area = service_area_create(desk=desk, code="T", name="Đo tải", counters=made)
    return {
        "desk_code": desk.code,
        "procedure_code": procedure.code,
        "area_id": area.pk if area is not None else 0,
        "intake_token": secret,
        "officer_cookies": [session_cookie(officer(f"tai.canbo{n}")) for n in range(officers)],
        "counters": [(c.pk, session_cookie(officer(f"tai.quay{n}"))) for n, c in enumerate(made)],
    }


def server_env(database_url: str, var_dir: str, *, debug: bool = False) -> dict:
    """The server's environment. Its secret key is this process's: the sessions `prepare` made
    are signed with it. With debug off the static files must be collected (collect_static)."""
    from django.conf import settings

    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH", "REDIS_URL")
    env = {name: value for name, value in os.environ.items() if name in keep}
    env.update(
        DATABASE_URL=database_url,
        MOTCUA_VAR_DIR=var_dir,
        DJANGO_DEBUG="true" if debug else "false",
        DJANGO_SECRET_KEY=settings.SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_COOKIES="false",
        MOTCUA_LOOKUP_RATE="0",  # one load generator is one client address
        MOTCUA_KIOSK_RATE="0",
    )
    return env


def collect_static(env: dict) -> None:
    motcua = Path(sys.executable).with_name("motcua")
    subprocess.run(  # noqa: S603 (a fixed command line)
        [str(motcua), "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True
    )


def start_server(env: dict, port: int, log: Path, *, workers: int, threads: int):
    """gunicorn with threaded workers (a simulated user mostly waits), in its own group."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(  # noqa: S603 (a fixed command line)
        [
            *(str(gunicorn), "config.wsgi:application", "--bind", f"127.0.0.1:{port}"),
            *("--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(log.read_text()[-2000:])
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/health")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start")


def run() -> dict:
    """make bench: 200 users for 60 s on the configured database (demo data needed)."""
    import tempfile

    from django.conf import settings

    from motcua.catalog.models import Procedure
    from motcua.dossiers.models import Dossier
    from motcua.organizations.models import Agency

    users = int(os.environ.get("BENCH_LOAD_USERS", "200"))
    seconds = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
    desk = Agency.objects.get(code="000.10.06.H62")  # the demo's desk of huyện Hàm Yên
    procedure = Procedure.objects.get(code="2.000720", agency=None)
    codes = list(Dossier.objects.order_by("?").values_list("code", flat=True)[:5000])
    if not codes:
        raise RuntimeError("no dossier in the database: run motcua generate_load first")
    # The server runs with debug off, which wants a real secret key; the sessions prepare()
    # makes are signed with this process's key, so both use the same new one.
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    world = prepare(desk=desk, procedure=procedure)
    database = settings.DATABASES["default"]
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL")
    url = url or f"sqlite:///{database['NAME']}"
    from bench.http import _free_port

    with tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        workers = os.cpu_count() or 2
        env = server_env(url, tmp)
        collect_static(env)
        server = start_server(env, port, Path(tmp) / "gunicorn.log",
                              workers=workers, threads=16)  # fmt: skip
        try:
            figures = simulate(Target(port=port, codes=codes, **world), users=users,
                               seconds=seconds)  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=30)
    figures["errors_target"] = 0
    return figures
