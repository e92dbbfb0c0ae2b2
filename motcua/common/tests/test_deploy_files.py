"""The files in deploy/ agree with the application: timers run commands that exist, nginx
sends the board stream to uvicorn and admits the largest upload, the ports match."""

import os
import re
import runpy
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands
from django.urls import reverse

from motcua.dossiers.services.files import MAX_FILE_SIZE
from motcua.portal.citizen_services import MAX_DOSSIER_SIZE

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
SYSTEMD = DEPLOY / "systemd"
NGINX = (DEPLOY / "nginx" / "motcua.conf").read_text()
SIZES = {"k": 1024, "m": 1024**2, "g": 1024**3}


def unit(name: str) -> str:
    return (SYSTEMD / name).read_text()


def directive(text: str, name: str) -> list[str]:
    return re.findall(rf"^\s*{name}\s*=\s*(.+)$", text, flags=re.MULTILINE)


def exec_commands() -> list[str]:
    """Every motcua management command a unit runs (the template's through its timers)."""
    names = []
    for path in SYSTEMD.glob("*.service"):
        for line in directive(path.read_text(), "ExecStart"):
            if match := re.search(r"\.venv/bin/motcua (\w+)", line):
                names.append(match.group(1))
    for path in SYSTEMD.glob("*.timer"):
        (target,) = directive(path.read_text(), "Unit")
        if match := re.fullmatch(r"motcua-run@(\w+)\.service", target):
            names.append(match.group(1))
    return names


@pytest.mark.parametrize("timer", sorted(p.name for p in SYSTEMD.glob("*.timer")))
def test_every_timer_starts_a_unit_of_deploy(timer):
    (target,) = directive(unit(timer), "Unit")
    template = re.sub(r"@[^.]+\.service$", "@.service", target)

    assert (SYSTEMD / template).exists(), target
    assert directive(unit(timer), "OnCalendar")


def test_units_run_only_commands_that_exist():
    commands = exec_commands()

    assert {"db_worker", "notifications_retry", "outbox_deliver", "backup"} <= set(commands)
    assert sorted(set(commands) - set(get_commands())) == []


def test_every_service_reads_the_same_environment_file():
    for path in SYSTEMD.glob("*.service"):
        assert directive(path.read_text(), "EnvironmentFile") == ["/etc/motcua/motcua.env"], path


def test_gunicorn_runs_one_worker_per_core_where_nginx_expects_it(monkeypatch):
    monkeypatch.delenv("MOTCUA_WEB_WORKERS", raising=False)
    monkeypatch.delenv("MOTCUA_WEB_BIND", raising=False)
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))

    assert config["workers"] == os.cpu_count()
    assert config["worker_class"] == "sync"
    assert f"server {config['bind']};" in NGINX
    assert "deploy/gunicorn.conf.py config.wsgi:application" in unit("motcua-web.service")


def test_board_stream_goes_to_uvicorn_unbuffered():
    (board_exec,) = directive(unit("motcua-board.service"), "ExecStart")
    port = re.search(r"--port (\d+)", board_exec).group(1)
    location = re.search(r"location ~ (\S+) \{(.*?)\n    \}", NGINX, flags=re.DOTALL)
    pattern, block = location.group(1), location.group(2)
    stream = reverse("queueing:board_stream", args=["000.01.51.H62"])
    page = reverse("queueing:board", args=["000.01.51.H62"])

    assert "uvicorn config.asgi:application" in board_exec
    assert f"server 127.0.0.1:{port};" in NGINX
    assert re.fullmatch(pattern, stream)
    assert not re.fullmatch(pattern, page)
    assert "proxy_pass http://motcua_board;" in block
    assert "proxy_buffering off;" in block


def test_nginx_admits_the_largest_upload_and_serves_collected_static_files():
    size = re.search(r"client_max_body_size (\d+)([kmg]);", NGINX)
    limit = int(size.group(1)) * SIZES[size.group(2)]
    static = re.search(r"location (\S+) \{\s*alias (\S+);", NGINX)

    assert limit > MAX_DOSSIER_SIZE >= MAX_FILE_SIZE
    assert static.group(1) == settings.STATIC_URL
    assert static.group(2) == "/var/lib/motcua/static/"
    assert Path(settings.STATIC_ROOT).name == "static"  # MOTCUA_VAR_DIR=/var/lib/motcua
