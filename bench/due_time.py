"""Due-time computations per second on one core (motcua.workdays.engine).

Random receipts over 2025–2026 (any minute of any day, so off-hours, lunch breaks, cut-offs,
weekends and Tết all occur) plus random spans: 1–30 working days, 1–240 working hours, and
half-day steps as Decimal. The calendar is the national one: the statutory holidays of the
`holidays` package plus the late 2026 decisions (2/1 off, 10/1 worked).

    python -m bench.due_time
"""

import os
import random
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from time import perf_counter

from motcua.workdays.engine import DAYS, HOURS, OFFICE_TZ, WorkCalendar, due_at_after

SEED = 20260213


def national_calendar() -> WorkCalendar:
    return WorkCalendar(non_working_dates={date(2026, 1, 2)}, working_dates={date(2026, 1, 10)})


def _starts(rng: random.Random, count: int) -> list[datetime]:
    origin = datetime(2025, 1, 1, tzinfo=OFFICE_TZ)
    minutes = 2 * 365 * 24 * 60
    return [origin + timedelta(minutes=rng.randrange(minutes)) for _ in range(count)]


def _rate(call: Callable[[datetime, object], datetime], cases: list, repeat: int) -> float:
    """Calls per second, best of `repeat` passes (the least disturbed by the machine)."""
    best = float("inf")
    for _ in range(repeat):
        began = perf_counter()
        for start, amount in cases:
            call(start, amount)
        best = min(best, perf_counter() - began)
    return len(cases) / best


def _pin_to_one_core() -> Callable[[], None]:
    """Run on one CPU while measuring; returns the function that restores the affinity."""
    if not hasattr(os, "sched_getaffinity"):
        return lambda: None
    previous = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(previous)})
    return lambda: os.sched_setaffinity(0, previous)


def run(*, cases: int = 50_000, repeat: int = 3) -> dict:
    rng = random.Random(SEED)
    calendar = national_calendar()
    starts = _starts(rng, cases)
    day_cases = [(start, rng.randint(1, 30)) for start in starts]
    hour_cases = [(start, rng.randint(1, 240)) for start in starts]
    half_day_cases = [(start, Decimal(rng.randint(1, 60)) / 2) for start in starts]

    def days(start, amount):
        return due_at_after(start, amount, DAYS, calendar)

    def hours(start, amount):
        return due_at_after(start, amount, HOURS, calendar)

    days(starts[0], 400)  # builds the precomputed years once, outside the measurement
    restore = _pin_to_one_core()
    try:
        figures = {
            "days_per_second": round(_rate(days, day_cases, repeat)),
            "hours_per_second": round(_rate(hours, hour_cases, repeat)),
            "decimal_half_days_per_second": round(_rate(days, half_day_cases, repeat)),
        }
    finally:
        restore()
    figures["cases"] = cases
    figures["target_per_second"] = 100_000
    figures["python"] = sys.version.split()[0]
    return figures


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name:32} {value:>12,}" if isinstance(value, int) else f"{name:32} {value:>12}")
