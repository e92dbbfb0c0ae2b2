"""The display board's event stream under the ASGI server deploy/ runs it with (uvicorn
config.asgi:application, motcua-board.service): events arrive one by one while the stream stays
open, and a ticket issued at the kiosk reaches an open stream at once."""

import http.client
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine

from motcua.common.tests.test_two_processes import database_url, free_port
from motcua.queueing.selectors import board_version
from motcua.queueing.tests.factories import DESK_CODE, build_desk, local

BASE_DIR = Path(__file__).resolve().parents[3]
UVICORN = Path(sys.executable).with_name("uvicorn")
LIFETIME = 8.0


def read_event(response, deadline: float) -> tuple[str, float]:
    """The next SSE block (lines up to a blank line) and when it arrived."""
    lines = []
    while time.monotonic() < deadline:
        line = response.readline()
        if not line:
            break
        text = line.decode().rstrip("\n")
        if text == "" and lines:
            return "\n".join(lines), time.monotonic()
        if text:
            lines.append(text)
    raise AssertionError(f"no complete event before the deadline: {lines}")


def kiosk_issue(port: int, area_id: int) -> http.client.HTTPResponse:
    """A ticket from the kiosk page, as its touch screen asks for one (CSRF token included)."""
    kiosk = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    kiosk.request("GET", f"/xep-hang/kiosk/{DESK_CODE}/")
    page = kiosk.getresponse()
    html = page.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", page.getheader("Set-Cookie")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    kiosk.request(
        "POST",
        f"/xep-hang/kiosk/{DESK_CODE}/",
        body=f"csrfmiddlewaretoken={token}&service_area={area_id}",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
            "Cookie": f"csrftoken={cookie}",
        },
    )
    return kiosk.getresponse()


@pytest.fixture
def uvicorn(tmp_path):
    def start(url: str) -> int:
        port = free_port()
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH")
        env = {name: value for name, value in os.environ.items() if name in keep}
        env.update(
            DATABASE_URL=url,
            DATABASE_CONN_MAX_AGE="0",  # as motcua-board.service sets it
            MOTCUA_VAR_DIR=str(tmp_path),
            MOTCUA_QUEUE_STREAM_SECONDS=str(LIFETIME),
            MOTCUA_QUEUE_STREAM_POLL="0.2",
            MOTCUA_QUEUE_STREAM_HEARTBEAT="1",
        )
        log = (tmp_path / "uvicorn.log").open("wb")
        command = [str(UVICORN), "config.asgi:application", "--host", "127.0.0.1"]
        command += ["--port", str(port), "--workers", "1", "--no-access-log"]
        process = subprocess.Popen(  # noqa: S603 (a fixed command line)
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        started.append((process, log))
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            assert process.poll() is None, (tmp_path / "uvicorn.log").read_text()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", f"/xep-hang/man-hinh/{DESK_CODE}/")
                if conn.getresponse().status == 200:
                    return port
            except OSError:
                time.sleep(0.1)
        raise AssertionError("uvicorn did not answer in time")

    started: list = []
    yield start
    for process, log in started:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_board_stream_under_uvicorn_sends_each_change_while_open(uvicorn, tmp_path):
    with time_machine.travel(local(2026, 3, 2, 8, 0), tick=False):
        desk = build_desk()
    area = desk.areas["A"]
    version = board_version(desk_id=desk.desk.pk)
    port = uvicorn(database_url(tmp_path))
    stream = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    stream.request("GET", f"/xep-hang/man-hinh/{DESK_CODE}/su-kien/")
    response = stream.getresponse()
    opened = time.monotonic()
    deadline = opened + LIFETIME + 5

    retry, _ = read_event(response, deadline)
    first, _ = read_event(response, deadline)
    ping, _ = read_event(response, deadline)
    issued = kiosk_issue(port, area.pk)
    asked = time.monotonic()
    body = issued.read()
    change = ping
    while change.startswith(":"):  # keep-alive lines until the change
        change, arrived = read_event(response, deadline)

    assert response.status == 200
    assert response.getheader("Content-Type").startswith("text/event-stream")
    assert retry == "retry: 1000"
    assert first == f"id: {version}\nevent: board\ndata: {version}"
    assert ping == ": ping"
    assert issued.status == 201, body[:300]
    assert json.loads(body)["label"].startswith("A")
    assert re.fullmatch(r"id: (\d+)\nevent: board\ndata: \1", change)
    assert int(change.split()[1]) > version
    assert arrived - asked < 2  # pushed at once, long before the stream ends
    assert arrived - opened < LIFETIME
