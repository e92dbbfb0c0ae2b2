"""`load_generate`: years of realistic one-stop history in the configured database, in batches
(one transaction each), for scale tests and benchmarks.

Deterministic for a seed and a number of processes: the same arguments on the same demo data give
the same dossiers (ids aside). Codes follow `<desk code>-<YYMMDD>-<number>` and continue each desk's numbering of the day,
so live intake after a generation carries on where it stopped.
"""

import multiprocessing
import queue
import random
import sys
import threading
import time
from dataclasses import dataclass, field
from math import ceil
from queue import Queue

from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.catalog.services import catalog_import
from motcua.common.errors import InvalidInput
from motcua.loadgen.history import Life
from motcua.loadgen.rows import Counters
from motcua.loadgen.world import world_build
from motcua.loadgen.writers import (
    IdPool,
    batch_write,
    counters_load,
    counters_store,
    existing_codes,
    receipts_number,
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
    workers: int = 1,
    progress_stream=None,
) -> LoadResult:
    """Generate `dossiers` in batches of `batch_size`. With `workers` > 1 on PostgreSQL, that
    many processes each play and write their own stretch of days (the codes of a day are then
    given by one process only; receipt numbers come from the database's counter)."""
    dossiers = _check(_("Số hồ sơ"), dossiers, 1, MAX_DOSSIERS)
    years = _check(_("Số năm"), years, 1, 30)
    batch_size = _check(_("Cỡ lô"), batch_size, 1, 1_000_000)
    workers = _check(_("Số tiến trình"), workers, 1, 32)
    began = time.perf_counter()
    result = LoadResult(demo_seeded=_demo_ensure())
    now = timezone.now()
    world = world_build(agency_codes=agency_codes or [], years=years, now=now)
    days = next(iter(world.working_days.values()))
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        workers = 1  # one writer on SQLite; a caller's transaction (tests) is one connection
    if workers > 1:
        # Every batch its own stretch of days, so no day is shared by two processes.
        batch_size = max(batch_size, ceil(dossiers / len(days)))
    batches = ceil(dossiers / batch_size)
    workers = min(workers, batches)
    plan = _Plan(
        world, days, now, dossiers, batch_size, batches, counters_load(sorted(world.calendars))
    )
    progress = Progress(dossiers, progress_stream)
    if workers == 1:
        _generate_part(plan, range(batches), random.Random(seed), result, progress)  # noqa: S311
    else:
        _generate_parallel(plan, workers, seed, result, progress)
    progress.close()
    result.seconds = time.perf_counter() - began
    return result


@dataclass
class _Plan:
    world: object
    days: list
    now: object
    dossiers: int
    batch_size: int
    batches: int
    daily: dict


def _generate_part(plan: _Plan, numbers: range, rng, result: LoadResult, progress) -> None:
    """Play and store the batches `numbers` (of plan.batches)."""
    world, days, batches = plan.world, plan.days, plan.batches
    counters = Counters(daily=dict(plan.daily))
    ids = IdPool()
    # On PostgreSQL a second thread (its own connection) writes a batch while the next one is
    # played, so the server's work overlaps Python's. On SQLite (one writer) and inside a
    # caller's transaction (tests) the batches are written inline.
    threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
    writer = _Writer(world, counters, result, progress) if threaded else None
    for number in numbers:
        count = min(plan.batch_size, plan.dossiers - number * plan.batch_size)
        # Each batch covers the next stretch of days, so numbers of a day follow the clock.
        first = number * len(days) // batches
        last = max((number + 1) * len(days) // batches, first + 1)
        stretch = days[first:last]
        life = Life(world=world, rng=rng, ids=ids, now=plan.now)
        for day in sorted(rng.choice(stretch) for _n in range(count)):
            life.play(day)
        if writer is None:
            _store(life.batch, world, counters, result, progress)
        else:
            writer.put(life.batch)
    if writer is not None:
        writer.finish()


def _generate_parallel(plan: _Plan, workers: int, seed: int, result: LoadResult, progress) -> None:
    """`workers` forked processes, each with a contiguous block of batches; the parent shows
    their progress and adds up their rows."""
    context = multiprocessing.get_context("fork")
    shared = context.Array("q", workers * 2)  # per process: dossiers, rows written so far
    answers = context.Queue()
    connections.close_all()  # each process opens its own
    processes = []
    for part in range(workers):
        numbers = range(part * plan.batches // workers, (part + 1) * plan.batches // workers)
        process = context.Process(
            target=_part_main,
            args=(plan, numbers, seed * 1000 + part, shared, part, answers),
            name=f"generate_load-{part}",
        )
        process.start()
        processes.append(process)
    try:
        pending = workers
        while pending:
            try:
                part, rows, error = answers.get(timeout=0.5)
            except queue.Empty:
                if any(p.exitcode not in (None, 0) for p in processes):
                    raise RuntimeError("a generator process ended without answering") from None
            else:
                pending -= 1
                if error is not None:
                    raise RuntimeError(error)
                for name, value in rows.items():
                    result.rows[name] = result.rows.get(name, 0) + value
            done = sum(shared[2 * p] for p in range(workers))
            progress.update(done, sum(shared[2 * p + 1] for p in range(workers)))
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join()
    result.dossiers = result.rows.get("dossiers", 0)


class _SharedProgress:
    """What a child process reports: its totals in the shared array."""

    def __init__(self, shared, part: int):
        self.shared, self.part = shared, part

    def update(self, done: int, rows: int) -> None:
        self.shared[2 * self.part] = done
        self.shared[2 * self.part + 1] = rows


def _part_main(plan, numbers, seed, shared, part, answers) -> None:  # pragma: no cover — forked
    part_result = LoadResult()
    try:
        rng = random.Random(seed)  # noqa: S311 — generated history, not secrets
        _generate_part(plan, numbers, rng, part_result, _SharedProgress(shared, part))
    except BaseException as error:  # reported to the parent, which raises it
        answers.put((part, {}, f"{type(error).__name__}: {error}"))
    else:
        answers.put((part, part_result.rows, None))
    finally:
        connections.close_all()


def _store(batch, world, counters: Counters, result: LoadResult, progress) -> None:
    receipts_number(batch.payments)
    with transaction.atomic():
        _number(batch.dossiers, world, counters)
        batch_write(batch)
        counters_store(counters.taken())
    for name, value in vars(batch).items():
        result.rows[name] = result.rows.get(name, 0) + len(value)
    result.dossiers += len(batch.dossiers)
    progress.update(result.dossiers, sum(result.rows.values()))


class _Writer:
    """Stores batches on a thread of its own, at most two waiting."""

    def __init__(self, world, counters, result, progress):
        self.args = (world, counters, result, progress)
        self.queue: Queue = Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="generate_load-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            while (item := self.queue.get()) is not None:
                if self.error is None:
                    _store(item, *self.args)
        except BaseException as error:  # handed to the main thread, which raises it
            self.error = error
            while self.queue.get() is not None:
                pass
        finally:
            connection.close()

    def put(self, batch) -> None:
        if self.error is not None:
            self.queue.put(None)
            raise self.error
        self.queue.put(batch)

    def finish(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


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
