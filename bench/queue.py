"""The queue at a busy desk: 1,000 tickets a day, 10 counters calling at once.

Measures ticket issue throughput (the kiosk), calls per second with every counter calling,
serving and finishing as fast as it can (and the latency of one call), and the delay from a
committed call to the board's event stream noticing it, quiet and under that load. Runs in a
throwaway database next to the configured one (Django's test database, kept like
bench/dossiers.py keeps it; the bench desk's queue is emptied first), so real data is never
touched. On PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua python -m bench.queue
"""

import os
import random
import statistics
import threading
from bisect import bisect_left
from time import perf_counter, sleep

SEED = 20171027
TICKETS = 1000
COUNTERS = 10
QUIET_SAMPLES = 30
POLL = 0.3  # the stream's default poll interval (MOTCUA_QUEUE_STREAM_POLL)
DESK_CODE = "BENCH.QUEUE.H62"


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _desk():
    """A desk with 10 counters and four areas, each area served by five counters."""
    from django.db import connection

    from motcua.organizations.models import Agency, AgencyKind, Counter, Role, User
    from motcua.organizations.services import agency_create, counter_create, membership_grant
    from motcua.queueing.models import BoardState, ServiceArea, Ticket, TicketSequence
    from motcua.queueing.services import service_area_create

    desk = Agency.objects.filter(code=DESK_CODE).first()
    if desk is None:
        desk = agency_create(
            code=DESK_CODE, name="Bộ phận một cửa (đo hiệu năng)", kind=AgencyKind.SERVICE_CENTER
        )
        counters = [counter_create(desk=desk, number=n) for n in range(1, COUNTERS + 1)]
        for index, (code, name) in enumerate(
            [("A", "Hộ tịch"), ("B", "Đất đai"), ("C", "Kinh doanh"), ("D", "Xây dựng")]
        ):
            serving = [counters[(index * 3 + k) % COUNTERS] for k in range(5)]
            service_area_create(desk=desk, code=code, name=name, order=index, counters=serving)
    officer = User.objects.filter(username="bench.queue").first()
    if officer is None:
        officer = User.objects.create_user(username="bench.queue", password=None)
        membership_grant(user=officer, agency=desk, role=Role.RECEPTION)
    # A fresh day for the bench desk: its tickets, numbers and board go.
    Ticket.objects.filter(desk=desk).delete()
    TicketSequence.objects.filter(desk=desk).delete()
    BoardState.objects.filter(desk=desk).delete()
    connection.close()
    areas = list(ServiceArea.objects.filter(desk=desk).order_by("code"))
    return desk, list(Counter.objects.filter(desk=desk).order_by("number")), areas, officer


class BoardWatcher(threading.Thread):
    """The board's event stream, consumed as a browser would: when each version was seen."""

    def __init__(self, desk_id: int):
        super().__init__(daemon=True)
        self.desk_id = desk_id
        self.seen: list[tuple[int, float]] = []  # (version, when)
        self.stop = threading.Event()

    def run(self) -> None:
        from django.db import connection

        from motcua.queueing.stream import board_events

        def sleeper(seconds: float) -> None:
            if self.stop.wait(seconds):
                raise StopIteration

        try:
            for chunk in board_events(
                desk_id=self.desk_id, lifetime=3600, poll=POLL, heartbeat=15, sleep=sleeper
            ):
                if chunk.startswith(("id:", "retry:")):
                    version = int(chunk.rsplit("data: ", 1)[1])
                    self.seen.append((version, perf_counter()))
        except (StopIteration, RuntimeError):
            pass
        finally:
            connection.close()

    def wait_for(self, version: int, timeout: float = 5) -> float:
        deadline = perf_counter() + timeout
        while perf_counter() < deadline:
            for seen, when in reversed(self.seen):
                if seen >= version:
                    return when
            sleep(0.005)
        raise TimeoutError(f"the board never saw version {version}")

    def seen_at(self, version: int) -> float | None:
        versions = [v for v, _ in self.seen]
        index = bisect_left(versions, version)
        return self.seen[index][1] if index < len(self.seen) else None


def _measure() -> dict:
    from django.db import connection

    from motcua.queueing.selectors import board, board_version
    from motcua.queueing.services import (
        ticket_call_next,
        ticket_finish,
        ticket_issue,
        ticket_start_serving,
    )
    from motcua.queueing.statuses import TicketPriority

    desk, counters, areas, officer = _desk()
    rng = random.Random(SEED)
    priorities = [p for p in TicketPriority.values if p != TicketPriority.NONE]

    began = perf_counter()
    for _ in range(TICKETS):
        priority = rng.choice(priorities) if rng.random() < 0.1 else TicketPriority.NONE
        ticket_issue(desk=desk, service_area=rng.choice(areas), priority=priority)
    issue_rate = TICKETS / (perf_counter() - began)

    board_ms = []
    for _ in range(50):
        began = perf_counter()
        board(desk=desk)
        board_ms.append((perf_counter() - began) * 1000)
    connection.close()

    watcher = BoardWatcher(desk.pk)
    watcher.start()
    watcher.wait_for(board_version(desk_id=desk.pk))

    # Quiet: one counter at a time, each call's commit → the stream's event; a random pause
    # first, so calls land anywhere in the stream's poll interval, as at a real desk.
    quiet = []
    quiet_call_ms = []
    for index in range(QUIET_SAMPLES):
        sleep(rng.uniform(0, POLL))
        counter = counters[index % COUNTERS]
        began = perf_counter()
        ticket = ticket_call_next(counter=counter, actor=officer)
        committed = perf_counter()
        quiet_call_ms.append((committed - began) * 1000)
        quiet.append(watcher.wait_for(board_version(desk_id=desk.pk)) - committed)
        ticket_start_serving(counter=counter, ticket=ticket, actor=officer)
        ticket_finish(counter=counter, ticket=ticket, actor=officer)
    connection.close()

    # Loaded: ten counters calling, serving and finishing until the line is empty.
    calls: list[tuple[float, float, int]] = []  # (began, committed, version seen after)
    lock = threading.Lock()
    errors: list[BaseException] = []
    barrier = threading.Barrier(COUNTERS)

    def work(counter) -> None:
        try:
            barrier.wait(timeout=30)
            while True:
                began = perf_counter()
                ticket = ticket_call_next(counter=counter, actor=officer)
                committed = perf_counter()
                if ticket is None:
                    return
                version = board_version(desk_id=desk.pk)
                with lock:
                    calls.append((began, committed, version))
                ticket_start_serving(counter=counter, ticket=ticket, actor=officer)
                ticket_finish(counter=counter, ticket=ticket, actor=officer)
        except BaseException as error:  # reported below
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(c,)) for c in counters]
    began = perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = perf_counter() - began
    if errors:
        raise errors[0]
    watcher.wait_for(board_version(desk_id=desk.pk))
    watcher.stop.set()
    watcher.join(timeout=5)
    loaded = [
        seen - committed
        for _began, committed, version in calls
        if (seen := watcher.seen_at(version)) is not None
    ]
    call_ms = [(committed - began) * 1000 for began, committed, _version in calls]

    return {
        "tickets": TICKETS,
        "counters": COUNTERS,
        "issue_per_second": round(issue_rate, 1),
        "calls_per_second": round(len(calls) / elapsed, 1),
        "call_alone_p50_ms": round(statistics.median(quiet_call_ms), 1),
        "call_p50_ms": round(statistics.median(call_ms), 1),
        "call_p95_ms": round(_percentile(call_ms, 0.95), 1),
        "board_read_p50_ms": round(statistics.median(board_ms), 2),
        "board_latency_quiet_p50_ms": _ms(statistics.median(quiet)),
        "board_latency_quiet_max_ms": _ms(max(quiet)),
        "board_latency_loaded_p50_ms": _ms(statistics.median(loaded)),
        "board_latency_loaded_p95_ms": _ms(_percentile(loaded, 0.95)),
        "board_latency_loaded_max_ms": _ms(max(loaded)),
    }


def run() -> dict:
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "sqlite":
        # A file, not memory: the counters' threads each open their own connection.
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(
            settings.VAR_DIR / "bench.sqlite3"
        )
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True, serialize=False)
    try:
        figures = _measure()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=True)
    figures["database"] = connection.vendor
    return figures


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    for key, value in run().items():
        print(f"{key:30} {value:>14}")
