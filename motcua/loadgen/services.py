"""`load_generate`: years of realistic one-stop history in the configured database, in batches
(one transaction each), for scale tests and benchmarks.

Deterministic for a seed: the same arguments on the same demo data give the same dossiers (ids
aside). Codes follow `<desk code>-<YYMMDD>-<number>` and continue each desk's numbering of the day,
so live intake after a generation carries on where it stopped.
"""

import random
import sys
import time
from dataclasses import dataclass, field
from math import ceil

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.catalog.services import catalog_import
from motcua.common.errors import InvalidInput
from motcua.loadgen.history import Counters, Life
from motcua.loadgen.world import world_build
from motcua.loadgen.writers import (
    IdPool,
    batch_write,
    counters_load,
    counters_store,
    existing_codes,
)
from motcua.organizations.demo import DEMO_CATALOG, PROVINCE_CODE, demo_organizations_seed
from motcua.organizations.models import Agency

MAX_DOSSIERS = 100_000_000


@dataclass
class LoadResult:
    dossiers: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    demo_seeded: bool = False


class Progress:
    """One line on stderr rewritten in place: done / total, rows per second, time left."""

    def __init__(self, total: int, stream=None):
        self.total, self.stream = total, stream if stream is not None else sys.stderr
        self.began = time.perf_counter()

    def update(self, done: int, rows: int) -> None:
        elapsed = max(time.perf_counter() - self.began, 1e-6)
        left = elapsed / done * (self.total - done) if done else 0
        self.stream.write(
            f"\r{done:>12,} / {self.total:,} hồ sơ  {rows / elapsed:>10,.0f} dòng/giây  "
            f"còn {int(left // 60)}:{int(left % 60):02d}  "
        )
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


def _check(name: str, value, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(
            _("%(name)s phải là số nguyên từ %(low)s đến %(high)s.")
            % {
                "name": name,
                "low": f"{low:,}".replace(",", "."),
                "high": f"{high:,}".replace(",", "."),
            },
            code="invalid_argument",
        )
    return value


def _demo_ensure() -> bool:
    """The demo tree and catalog when the database has no desk or no procedure yet."""
    seeded = False
    if not Agency.objects.filter(code=PROVINCE_CODE).exists():
        demo_organizations_seed()
        seeded = True
    if not Procedure.objects.exists():
        catalog_import(data=DEMO_CATALOG.read_text(encoding="utf-8"))
        seeded = True
    return seeded


def load_generate(
    *,
    dossiers: int,
    years: int = 3,
    agency_codes: list[str] | None = None,
    seed: int = 1,
    batch_size: int = 20_000,
    progress_stream=None,
) -> LoadResult:
    dossiers = _check(_("Số hồ sơ"), dossiers, 1, MAX_DOSSIERS)
    years = _check(_("Số năm"), years, 1, 30)
    batch_size = _check(_("Cỡ lô"), batch_size, 1, 1_000_000)
    began = time.perf_counter()
    result = LoadResult(demo_seeded=_demo_ensure())
    now = timezone.now()
    world = world_build(agency_codes=agency_codes or [], years=years, now=now)
    desk_ids = sorted(world.calendars)
    daily, receipts = counters_load(desk_ids)
    counters = Counters(daily=daily, receipts=receipts)
    ids = IdPool()
    rng = random.Random(seed)  # noqa: S311 — generated history, not secrets
    days = next(iter(world.working_days.values()))
    batches = ceil(dossiers / batch_size)
    progress = Progress(dossiers, progress_stream)
    rows = 0
    for number in range(batches):
        count = min(batch_size, dossiers - number * batch_size)
        # Each batch covers the next stretch of days, so numbers of a day follow the clock.
        first = number * len(days) // batches
        last = max((number + 1) * len(days) // batches, first + 1)
        stretch = days[first:last]
        life = Life(world=world, rng=rng, ids=ids, counters=counters, now=now)
        for day in sorted(rng.choice(stretch) for _n in range(count)):
            life.play(day)
        with transaction.atomic():
            _number(life.batch.dossiers, world, counters)
            batch_write(life.batch)
            counters_store(counters)
        for name, value in vars(life.batch).items():
            result.rows[name] = result.rows.get(name, 0) + len(value)
        rows += life.batch.rows()
        result.dossiers += count
        progress.update(result.dossiers, rows)
    progress.close()
    result.seconds = time.perf_counter() - began
    return result


def _number(rows: list[dict], world, counters: Counters) -> None:
    """Codes in the order the dossiers came in; a code some earlier import already holds is
    skipped, as the live intake does."""
    desks = {lane.desk.pk: lane.desk for lane in world.lanes_legacy + world.lanes_new}
    rows.sort(key=lambda row: row["created_at"])
    pending = rows
    while pending:
        for row in pending:
            day = timezone.localtime(row["created_at"], world.start.tzinfo).date()
            row["code"] = counters.code(desks[row["receiving_agency_id"]], day)
        taken = existing_codes([row["code"] for row in pending])
        pending = [row for row in pending if row["code"] in taken]
