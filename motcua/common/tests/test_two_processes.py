"""Two app processes behind one database serve the same users: nothing a request needs lives in
one process's memory.

Two gunicorn servers (one worker each, two ports) run on the test database (SQLite: a copy of it
in a file, written after the officers are committed; PostgreSQL: the test database itself) with
a shared cache: the database cache, or Redis (sessions then cached there too). An officer signs
in on the first and is recognised by the second; failed sign-ins and public lookups are counted
across both."""

import http.client
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis
from django.core.cache.backends.db import DatabaseCache
from django.db import connection
from django.utils import timezone

from motcua.dossiers.tests.factories import make_agency, make_officer
from motcua.organizations.models import AgencyKind, Role

BASE_DIR = Path(__file__).resolve().parents[3]
GUNICORN = Path(sys.executable).with_name("gunicorn")
PASSWORD = "mật-khẩu-thử-2026"
LOOKUP_RATE = 4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(tmp_path: Path) -> str:
    """The URL the servers open: the committed test data, as this test process sees it."""
    if connection.vendor == "sqlite":
        path = tmp_path / "motcua.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}"
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Server:
    def __init__(self, port: int, env: dict[str, str], log: Path):
        self.port = port
        self.log = log.open("wb")
        command = [str(GUNICORN), "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        command += ["--workers", "1", "--graceful-timeout", "1"]
        self.process = subprocess.Popen(  # noqa: S603 (a fixed command line)
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def request(self, method: str, path: str, *, cookies: dict, form: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        content = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response.status, response.getheader("Location"), content

    def wait_ready(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(self.log.name + " exited: " + Path(self.log.name).read_text())
            try:
                if self.request("GET", "/dang-nhap/", cookies={})[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"port {self.port} did not answer in time")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def sign_in(server: Server, username: str, password: str, cookies: dict) -> tuple[int, str | None]:
    _, _, page = server.request("GET", "/dang-nhap/", cookies=cookies)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": ""}
    status, location, _ = server.request("POST", "/dang-nhap/", cookies=cookies, form=form)
    return status, location


@pytest.fixture
def redis_url(tmp_path):
    """A private Redis server for the test (Debian's redis-server), no persistence."""
    port = free_port()
    command = [shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1"]
    command += ["--save", "", "--appendonly", "no", "--dir", str(tmp_path)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 5
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=5)


@pytest.fixture(params=["database", "redis"])
def shared(request):
    """What the two processes share besides the database: the cache's environment."""
    if request.param == "database":
        return {"MOTCUA_CACHE": "database"}  # what DJANGO_DEBUG=false picks without Redis
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    return {"REDIS_URL": request.getfixturevalue("redis_url")}


@pytest.fixture
def servers(tmp_path, settings, shared):
    # The servers check passwords with the production hashers, not the tests' fast MD5.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    commune = make_agency("000.00.51.H62", "UBND xã Hàm Yên", AgencyKind.COMMUNE)
    desk = make_agency(
        "000.01.51.H62", "Bộ phận một cửa xã Hàm Yên", AgencyKind.SERVICE_CENTER, commune
    )
    make_officer("tiepnhan", desk, Role.RECEPTION, full_name="Nguyễn Thị Lan")
    make_officer("chuyenvien", desk, Role.SPECIALIST, full_name="Trần Văn Minh")
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH")
    env = {name: value for name, value in os.environ.items() if name in keep}
    env.update(
        DATABASE_URL=database_url(tmp_path),
        MOTCUA_VAR_DIR=str(tmp_path),
        MOTCUA_LOOKUP_RATE=str(LOOKUP_RATE),
        **shared,  # DJANGO_DEBUG stays on: static files without collectstatic
    )
    started = [Server(free_port(), env, tmp_path / f"gunicorn-{n}.log") for n in (1, 2)]
    try:
        deadline = time.monotonic() + 15
        for server in started:
            server.wait_ready(deadline)
        yield started
    finally:
        for server in started:
            server.stop()
        DatabaseCache("motcua_cache", {}).clear()  # the counters outlive the test's rows


# transaction=True: the servers read what this test commits. serialized_rollback brings back the
# rows the migrations wrote (rule versions...) after the flush, for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_processes_share_sessions_and_throttles(servers, shared):
    first, second = servers

    # Signed in on the first process, recognised by the second with the same cookie.
    cookies: dict[str, str] = {}
    assert sign_in(first, "tiepnhan", PASSWORD, cookies) == (302, "/can-bo/")
    status, _, page = second.request("GET", "/can-bo/", cookies=cookies)
    assert status == 200
    assert "Nguyễn Thị Lan" in page
    status, location, _ = second.request("GET", "/can-bo/", cookies={})
    assert (status, location) == (302, "/dang-nhap/?next=/can-bo/")

    # Five wrong passwords, three on one process and two on the other, lock the officer out
    # of both (one process alone has seen fewer than five).
    for server in (first, second, first, second):
        assert sign_in(server, "chuyenvien", "sai-mat-khau", {})[0] == 200
    assert sign_in(first, "chuyenvien", "sai-mat-khau", {})[0] == 429  # the fifth: locked
    assert sign_in(second, "chuyenvien", PASSWORD, {})[0] == 429
    assert sign_in(first, "chuyenvien", PASSWORD, {})[0] == 429

    # Public lookups: the per-minute limit counts both processes' requests together.
    if 60 - timezone.now().second < 3:
        time.sleep(3)  # all in one rate-limit window
    statuses = [
        server.request("GET", "/api/v1/lookup/H62.51-260302-0001", cookies={})[0]
        for server in (first, second, first, second, first, second)
    ]
    assert statuses == [404] * LOOKUP_RATE + [429, 429]

    if "REDIS_URL" in shared:  # the counters and the cached session are in Redis
        keys = {key.decode() for key in redis.Redis.from_url(shared["REDIS_URL"]).keys("*")}
        assert any(":motcua:ratelimit:lookup:127.0.0.1:" in key for key in keys), keys
        assert any("django.contrib.sessions.cached_db" in key for key in keys), keys
