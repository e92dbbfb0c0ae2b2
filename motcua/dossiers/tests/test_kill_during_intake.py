"""Nothing lost, nothing half-written: the production server is killed (SIGKILL, no clean-up of
any kind) while desk clients send intakes through the API. Afterwards every dossier is complete
(code, route, documents, its receive event) or absent, every intake the server acknowledged is
there, and the day's codes run 1…N with no duplicate and no gap; the restarted server carries on
with N+1.

Bounded here (KILL_TEST_INTAKES, default 200 requests, the kill after the first 40 answers);
the database does the work: one transaction per intake, the day's counter inside it."""

import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from motcua.api.services import api_token_create
from motcua.common.tests.test_two_processes import database_url, free_port
from motcua.dossiers.tests.factories import APPLICANT, DOCUMENTS, HKD, build_office, demo_procedure

BASE_DIR = Path(__file__).resolve().parents[3]
GUNICORN = Path(sys.executable).with_name("gunicorn")
INTAKES = int(os.environ.get("KILL_TEST_INTAKES", "200"))
KILL_AFTER = max(1, INTAKES // 5)
CLIENTS = 24
DESK = "000.01.51.H62"


class Gunicorn:
    """The production server (two workers with threads), in its own process group so that one
    SIGKILL takes the master and every worker at once."""

    def __init__(self, env: dict[str, str], log: Path):
        self.port = free_port()
        self.log = log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 (a fixed command line)
            [
                *(str(GUNICORN), "config.wsgi:application", "--bind", f"127.0.0.1:{self.port}"),
                *("--workers", "2", "--threads", "8", "--worker-class", "gthread"),
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(log.read_text())
            try:
                if self.call("GET", "/api/v1/health")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("the server did not start")

    def call(self, method: str, path: str, body: dict | None = None, token: str = ""):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        conn.request(method, path, body=json.dumps(body) if body else None, headers=headers)
        response = conn.getresponse()
        content = response.read()
        conn.close()
        return response.status, content

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        self.log.close()


def intake_body(n: int) -> dict:
    return {
        "receiving_agency": DESK,
        "procedure": HKD,
        "channel": "direct",
        "applicant": {**APPLICANT, "name": f"Người nộp số {n}"},
        "documents": list(DOCUMENTS),
    }


def rows(url: str, sql: str) -> list[tuple]:
    """Read what the server wrote, from outside any test transaction."""
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            return db.execute(sql).fetchall()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_server_killed_during_concurrent_intakes_loses_nothing_and_skips_no_code(tmp_path):
    office = build_office()
    demo_procedure(HKD)
    _token, secret = api_token_create(user=office.reception, name="quầy 1")
    url = database_url(tmp_path)
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH")
    env = {name: value for name, value in os.environ.items() if name in keep}
    env.update(DATABASE_URL=url, MOTCUA_VAR_DIR=str(tmp_path), DJANGO_DEBUG="false")
    env.update(DJANGO_SECRET_KEY="kiem-thu-" + "x" * 50, DJANGO_ALLOWED_HOSTS="127.0.0.1")
    env.update(DJANGO_SECURE_SSL_REDIRECT="false", DJANGO_SECURE_COOKIES="false")
    log = tmp_path / "gunicorn.log"

    server = Gunicorn(env, log)
    acknowledged: list[str] = []
    failed: list[str] = []
    lock = threading.Lock()

    def intake(n: int) -> None:
        try:
            status, content = server.call("POST", "/api/v1/dossiers", intake_body(n), secret)
        except OSError as error:  # the server died under this request
            with lock:
                failed.append(type(error).__name__)
            return
        with lock:
            if status == 201:
                acknowledged.append(json.loads(content)["code"])
                if len(acknowledged) == KILL_AFTER:
                    threading.Thread(target=server.kill).start()
            else:
                failed.append(f"{status} {content[:200]!r}")

    try:
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            list(pool.map(intake, range(INTAKES)))
    finally:
        server.stop()

    # The kill really came in the middle: some intakes answered, some never did.
    assert len(acknowledged) >= KILL_AFTER
    assert failed, "the server finished every intake before it was killed"
    assert all(not reason[:1].isdigit() for reason in failed), failed  # no 4xx/5xx, only cut-offs

    codes = [code for (code,) in rows(url, "SELECT code FROM dossiers_dossier ORDER BY code")]
    prefix = codes[0].rsplit("-", 1)[0]
    assert codes == [f"{prefix}-{n:04d}" for n in range(1, len(codes) + 1)]  # no gap, no repeat
    assert set(acknowledged) <= set(codes)  # every acknowledged intake is there
    assert rows(url, "SELECT last_value FROM dossiers_dailysequence") == [(len(codes),)]

    # Each dossier whole: its receive event, its route, its two documents.
    incomplete = rows(
        url,
        """SELECT d.code FROM dossiers_dossier d
           WHERE (SELECT COUNT(*) FROM dossiers_dossierevent e
                  WHERE e.dossier_id = d.id AND e.action = 'receive') != 1
              OR (SELECT COUNT(*) FROM dossiers_dossierstep s WHERE s.dossier_id = d.id) = 0
              OR (SELECT COUNT(*) FROM dossiers_dossierdocument c WHERE c.dossier_id = d.id) != 2""",
    )
    assert incomplete == []

    # The restarted server carries on with the next number.
    server = Gunicorn(env, log)
    try:
        status, content = server.call("POST", "/api/v1/dossiers", intake_body(0), secret)
    finally:
        server.stop()
    assert status == 201
    assert json.loads(content)["code"] == f"{prefix}-{len(codes) + 1:04d}"
