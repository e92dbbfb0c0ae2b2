"""The leaders' dashboard: on-time rate by month, dossiers received by channel and field, the
workload overdue or due soon, satisfaction, queue waiting times: one selector, one dataclass."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from math import ceil

from django.db.models import Count
from django.utils import timezone

from motcua.catalog.models import Channel
from motcua.common.db import report_db_alias
from motcua.organizations.models import Agency
from motcua.queueing.models import Ticket
from motcua.ratings.selectors import SatisfactionSummary, satisfaction_summary
from motcua.reports.dashboard.ontime import MonthRate, monthly_on_time
from motcua.reports.dashboard.scope import Period, received_in
from motcua.reports.dashboard.workload import Workload, workload_summary

QUEUE_DAYS = 31  # the queue chart shows the period's last month of days


@dataclass(frozen=True)
class Slice:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class QueueDay:
    day: date
    tickets: int  # tickets called that day (their wait is known)
    average_wait: float | None  # minutes
    p90_wait: float | None  # minutes: 9 in 10 citizens waited at most this long


@dataclass(frozen=True)
class Dashboard:
    agency: Agency
    period: Period
    months: list[MonthRate] | None  # None: the timeliness report is not available
    received: int
    by_channel: list[Slice]
    by_field: list[Slice]
    workload: Workload
    satisfaction: SatisfactionSummary
    queue: list[QueueDay]


def received_by_channel(*, agency: Agency, period: Period) -> list[Slice]:
    """Every channel, in the official order (direct, online, postal), zeros included."""
    counts = dict(
        received_in(agency, period).values_list("channel").annotate(n=Count("id")).order_by()
    )
    return [Slice(value, str(label), counts.get(value, 0)) for value, label in Channel.choices]


def received_by_field(*, agency: Agency, period: Period) -> list[Slice]:
    """The fields with dossiers received in the period, the largest first."""
    rows = (
        received_in(agency, period)
        .values("procedure__field__code", "procedure__field__name")
        .annotate(n=Count("id"))
        .order_by("-n", "procedure__field__name")
    )
    return [
        Slice(row["procedure__field__code"], row["procedure__field__name"], row["n"])
        for row in rows
    ]


def _p90(values: list[float]) -> float:
    """Nearest-rank 90th percentile."""
    ordered = sorted(values)
    return ordered[max(ceil(0.9 * len(ordered)) - 1, 0)]


def queue_waits(*, agency: Agency, period: Period) -> list[QueueDay]:
    """Average and 90th-percentile wait (issue to first call) per day for the desks of the
    subtree, over the period's last QUEUE_DAYS days (one query)."""
    first = max(period.date_from, period.date_to - timedelta(days=QUEUE_DAYS - 1))
    rows = (
        Ticket.objects.using(report_db_alias())
        .filter(
            desk__path__startswith=agency.path,
            day__gte=first,
            day__lte=period.date_to,
            first_called_at__isnull=False,
        )
        .values_list("day", "issued_at", "first_called_at")
        .order_by("day")
    )
    waits: dict[date, list[float]] = {}
    for day, issued_at, called_at in rows:
        waits.setdefault(day, []).append(max((called_at - issued_at).total_seconds(), 0) / 60)
    return [
        QueueDay(day, len(values), round(sum(values) / len(values), 1), round(_p90(values), 1))
        for day, values in waits.items()
    ]


def dashboard(*, agency: Agency, period: Period, now: datetime | None = None) -> Dashboard:
    """Everything the dashboard shows for `agency`'s subtree and `period`."""
    now = now or timezone.now()
    by_channel = received_by_channel(agency=agency, period=period)
    return Dashboard(
        agency=agency,
        period=period,
        months=monthly_on_time(agency=agency, period=period, now=now),
        received=sum(item.count for item in by_channel),
        by_channel=by_channel,
        by_field=received_by_field(agency=agency, period=period),
        workload=workload_summary(agency=agency, now=now),
        satisfaction=satisfaction_summary(
            agency=agency, date_from=period.date_from, date_to=period.date_to
        ),
        queue=queue_waits(agency=agency, period=period),
    )
