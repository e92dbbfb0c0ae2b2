"""Simulated users against the production server on loopback (bench/load.py, bounded here):
citizens' lookups, catalog searches, intakes through the API, officers' worklists, kiosk tickets
and counters calling them, all at once — zero errors. The full form (200 users, 60 s) runs in
`make bench`."""

import os
import secrets
from pathlib import Path

import pytest

from bench.load import Target, prepare, server_env, simulate, start_server
from motcua.common.tests.test_two_processes import database_url, free_port
from motcua.dossiers.tests.factories import HKD, build_office, demo_procedure, receive

USERS = int(os.environ.get("LOAD_TEST_USERS", "40"))
SECONDS = float(os.environ.get("LOAD_TEST_SECONDS", "6"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simulated_users_of_every_kind_get_no_error(tmp_path: Path, settings):
    settings.SECRET_KEY = secrets.token_urlsafe(50)  # the server signs sessions with it too
    office = build_office()
    hkd = demo_procedure(HKD)
    codes = [receive(office, hkd).code for _ in range(5)]
    world = prepare(desk=office.desk, procedure=hkd, counters=3, officers=2)
    port = free_port()
    # Debug on only to skip collecting and compressing the static files (half a minute); the
    # full form in `make bench` runs production settings on collected files.
    env = server_env(database_url(tmp_path), str(tmp_path), debug=True)
    server = start_server(env, port, tmp_path / "gunicorn.log", workers=2, threads=8)
    try:
        figures = simulate(Target(port=port, codes=codes, **world), users=USERS, seconds=SECONDS)
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert figures["errors"] == 0, figures["error_sample"]
    for kind in ("lookup_api", "lookup_page", "search", "intake", "worklist", "kiosk", "counter"):
        assert figures.get(f"{kind}_requests", 0) > 0, kind
    assert figures["requests"] > USERS  # every user came back for more
    print(f"\nload: {figures}")  # p50/p95/p99 for the record (pytest -s)
