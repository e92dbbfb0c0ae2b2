"""Officers' worklists and the dossier page at the generated volume, in-process (Django's test
client: the full middleware and templates, no network): p50 per page and the query count.

Runs against the configured database (BENCH_DATABASE_URL through `python -m bench`, e.g. the one
`motcua generate_load --dossiers 1000000` filled), read-only. The officers are the demo's: the
desk of xã Hàm Yên, its economy department's specialist and head, the commune's leader, and the
legacy district desk of Hàm Yên (three years of returned dossiers). Target: p50 < 50 ms.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_load python -m bench.worklists
"""

import os
import statistics
from time import perf_counter

OFFICERS = (
    "tiepnhan.xahamyen",
    "chuyenvien.kinhte",
    "truongphong.kinhte",
    "lanhdao.xahamyen",
    "tiepnhan.hamyen",
)
REPEAT = 7
DOSSIER_PAGES = 30


def _measure(client, url: str, repeat: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm: session, calendar, templates
    times = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            began = perf_counter()
            response = client.get(url)
            times.append((perf_counter() - began) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
        queries = max(queries, len(captured))
    return times, queries


def run() -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from motcua.dossiers.models import Dossier
    from motcua.dossiers.views.worklists import TABS

    users = {u.username: u for u in get_user_model().objects.filter(username__in=OFFICERS)}
    if not users:
        raise RuntimeError("no demo officer: run motcua seed_demo and motcua generate_load")
    figures: dict = {"dossiers": Dossier.objects.count()}
    by_tab: dict[str, list[float]] = {}
    queries_by_tab: dict[str, int] = {}
    for username in OFFICERS:
        user = users.get(username)
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        for kind, _label in TABS:
            times, queries = _measure(client, f"/can-bo/?tab={kind}", REPEAT)
            by_tab.setdefault(kind, []).extend(times)
            queries_by_tab[kind] = max(queries_by_tab.get(kind, 0), queries)
    for kind, times in by_tab.items():
        figures[f"worklist_{kind}_p50_ms"] = round(statistics.median(times), 2)
        figures[f"worklist_{kind}_p50_ms_target"] = 50
        figures[f"worklist_{kind}_queries"] = queries_by_tab[kind]

    desk_officer = users.get("tiepnhan.xahamyen") or next(iter(users.values()))
    client = Client()
    client.force_login(desk_officer)
    desk_ids = list(desk_officer.memberships.values_list("agency_id", flat=True))
    codes = list(
        Dossier.objects.filter(receiving_agency_id__in=desk_ids)
        .order_by("-received_at")
        .values_list("code", flat=True)[:DOSSIER_PAGES]
    )
    page_times: list[float] = []
    page_queries = 0
    for code in codes:
        times, queries = _measure(client, f"/can-bo/ho-so/{code}/", 1)
        page_times += times
        page_queries = max(page_queries, queries)
    if page_times:
        figures["dossier_page_p50_ms"] = round(statistics.median(page_times), 2)
        figures["dossier_page_p50_ms_target"] = 50
        figures["dossier_page_queries"] = page_queries
    return figures


if __name__ == "__main__":
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    for key, value in run().items():
        print(f"{key:36} {value:>14}")
