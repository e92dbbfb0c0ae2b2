"""Dossier intake throughput and public status lookup latency.

Targets: intake ≥ 100 dossiers/s through `dossier_receive` (code, due time, route, event), and
lookup p99 < 20 ms in-process at 100,000 dossiers. Runs in a throwaway database next to the
configured one (Django's test database, kept between runs so the 100,000 rows are made once), so
real data is never touched. On PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua python -m bench.dossiers

BENCH_DOSSIERS sets the volume (default 100000).
"""

import io
import os
import random
import statistics
from datetime import timedelta
from time import perf_counter

SEED = 20171027
INTAKES = 300
LOOKUPS = 2000


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _fill(*, count: int, desk, procedure, rng: random.Random) -> None:
    """Bulk rows shaped like received dossiers: a code per day and desk, three events each."""
    from django.utils import timezone

    from motcua.dossiers.models import Dossier, DossierEvent, RuleVersion
    from motcua.dossiers.statuses import DossierStatus

    existing = Dossier.objects.filter(code__startswith="BENCH-").count()
    if existing >= count:
        return
    Dossier.objects.filter(code__startswith="BENCH-").delete()
    rule = RuleVersion.objects.order_by("-effective_from").first()
    start = timezone.now() - timedelta(days=3 * 365)
    statuses = [DossierStatus.RETURNED] * 8 + [DossierStatus.PROCESSING] * 2
    batch = 5000
    for offset in range(0, count, batch):
        rows = []
        for n in range(offset, min(count, offset + batch)):
            received = start + timedelta(minutes=15 * n)
            rows.append(
                Dossier(
                    code=f"BENCH-{received:%y%m%d}-{n:06d}",
                    procedure=procedure,
                    procedure_name=procedure.name,
                    receiving_agency=desk,
                    competent_agency=desk.parent,
                    channel="online" if rng.random() < 0.6 else "direct",
                    status=rng.choice(statuses),
                    rule_version=rule,
                    applicant_name="Nguyễn Văn An",
                    received_at=received,
                    clock_started_at=received,
                    due_at=received + timedelta(days=3),
                )
            )
        created = Dossier.objects.bulk_create(rows)
        events = []
        for dossier in created:
            for hours, action, to_status in (
                (0, "receive", DossierStatus.RECEIVED),
                (4, "forward", DossierStatus.PROCESSING),
                (30, "approve", dossier.status),
            ):
                events.append(
                    DossierEvent(
                        dossier=dossier,
                        action=action,
                        to_status=to_status,
                        at=dossier.received_at + timedelta(hours=hours),
                        agency=desk,
                    )
                )
        DossierEvent.objects.bulk_create(events)


def _measure(count: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client, override_settings

    from motcua.catalog.models import Procedure
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.public import dossier_public_status
    from motcua.dossiers.services import dossier_receive
    from motcua.organizations.demo import DISTRICT_DESK_CODE
    from motcua.organizations.models import Agency

    call_command("seed_demo", "--force", stdout=io.StringIO())
    desk = Agency.objects.get(code=DISTRICT_DESK_CODE)
    officer = get_user_model().objects.get(username="tiepnhan.hamyen")
    procedure = Procedure.objects.filter(name__icontains="hộ kinh doanh").order_by("id").first()
    rng = random.Random(SEED)

    began = perf_counter()
    _fill(count=count, desk=desk, procedure=procedure, rng=rng)
    fill_seconds = perf_counter() - began

    documents = [{"name": d.name, "originals": 1, "copies": 0} for d in procedure.documents.all()]
    began = perf_counter()
    for n in range(INTAKES):
        dossier_receive(
            actor=officer,
            receiving_agency=desk,
            procedure=procedure,
            channel="direct",
            applicant={
                "name": f"Trần Thị Bình {n}",
                "id_number": "001190012345",
                "phone": "0912345678",
            },
            documents=documents,
        )
    intake_rate = INTAKES / (perf_counter() - began)

    codes = list(
        Dossier.objects.filter(code__startswith="BENCH-").values_list("code", flat=True)[:count]
    )
    sample = [rng.choice(codes) for _ in range(LOOKUPS)]
    service_ms = []
    for code in sample:
        began = perf_counter()
        dossier_public_status(code=code)
        service_ms.append((perf_counter() - began) * 1000)

    client = Client()
    http_ms = []
    with override_settings(MOTCUA_LOOKUP_RATE=0):
        for code in sample[:1000]:
            began = perf_counter()
            response = client.get(f"/api/v1/lookup/{code}")
            http_ms.append((perf_counter() - began) * 1000)
            assert response.status_code == 200, response.content

    return {
        "dossiers": Dossier.objects.count(),
        "fill_seconds": round(fill_seconds, 1),
        "intake_per_second": round(intake_rate, 1),
        "lookup_service_p50_ms": round(statistics.median(service_ms), 2),
        "lookup_service_p99_ms": round(_percentile(service_ms, 0.99), 2),
        "lookup_api_p50_ms": round(statistics.median(http_ms), 2),
        "lookup_api_p95_ms": round(_percentile(http_ms, 0.95), 2),
        "lookup_api_p99_ms": round(_percentile(http_ms, 0.99), 2),
    }


def run() -> dict:
    from django.conf import settings
    from django.db import connection

    count = int(os.environ.get("BENCH_DOSSIERS", "100000"))
    if connection.vendor == "sqlite":
        # A file, not memory: the fill is kept between runs like PostgreSQL's kept database.
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(
            settings.VAR_DIR / "bench.sqlite3"
        )
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True, serialize=False)
    try:
        figures = _measure(count)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=True)
    figures["database"] = connection.vendor
    return figures


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    for key, value in run().items():
        print(f"{key:28} {value:>14}")
