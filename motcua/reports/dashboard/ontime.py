"""On-time rate by month, read from the official timeliness report (motcua.reports.timeliness):
the dashboard never repeats its rules."""

from dataclasses import dataclass
from datetime import date, datetime
from importlib import import_module
from types import ModuleType

from motcua.organizations.models import Agency
from motcua.reports.dashboard.scope import Period


@dataclass(frozen=True)
class MonthRate:
    first: date
    last: date
    resolved: int
    on_time: int  # early + on time
    late: int
    rate: float | None  # (early + on time) ÷ resolved; None when nothing was resolved

    @property
    def label(self) -> str:
        return f"{self.first:%m/%Y}"


def timeliness_module() -> ModuleType | None:
    """motcua.reports.timeliness, or None on an installation that does not have it yet."""
    try:
        return import_module("motcua.reports.timeliness")
    except ImportError:
        return None


def monthly_on_time(
    *, agency: Agency, period: Period, now: datetime | None = None
) -> list[MonthRate] | None:
    """One row per month of the period (the last twelve), from the report's total row."""
    timeliness = timeliness_module()
    if timeliness is None:
        return None
    months = []
    for first, last in period.months(12):
        total = timeliness.timeliness_report(
            agency=agency, date_from=first, date_to=last, group_by="field", now=now
        ).total
        months.append(
            MonthRate(
                first=first,
                last=last,
                resolved=total["resolved_total"],
                on_time=total["resolved_early"] + total["resolved_on_time"],
                late=total["resolved_late"],
                rate=total["on_time_rate"],
            )
        )
    return months
