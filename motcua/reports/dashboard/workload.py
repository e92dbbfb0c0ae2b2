"""Dossiers overdue now and due within one working day, by department (where the active step
is) and by officer (who holds it): the counts on the dashboard and the lists behind them.

Only dossiers whose clock runs count: waiting for a supplement counts as within deadline
(DOMAIN §5) and a financial-obligation wait pauses the clock.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from motcua.common.db import report_db_alias
from motcua.common.errors import InvalidInput
from motcua.dossiers.models import Dossier, DossierStep, StepStatus
from motcua.dossiers.statuses import DossierStatus
from motcua.organizations.models import Agency
from motcua.reports.dashboard.scope import subtree_dossiers
from motcua.workdays.engine import DAYS, due_at_after
from motcua.workdays.selectors import calendar_for_agency

CLOCK_RUNNING = (
    DossierStatus.RECEIVED,
    DossierStatus.PROCESSING,
    DossierStatus.AWAITING_SIGNATURE,
    DossierStatus.AWAITING_PARTNER,
)
OVERDUE = "overdue"
DUE_SOON = "due_soon"
KINDS = (OVERDUE, DUE_SOON)
UNASSIGNED = "none"


@dataclass(frozen=True)
class WorkRow:
    key: str  # agency id, officer id, or "none" (no officer assigned)
    label: str
    overdue: int
    due_soon: int


@dataclass(frozen=True)
class Workload:
    now: datetime
    horizon: datetime  # one working day after now
    overdue: int  # dossiers (one dossier with two parallel steps counts once here)
    due_soon: int
    departments: list[WorkRow]
    officers: list[WorkRow]


def workload_horizon(*, agency: Agency, now: datetime) -> datetime:
    """One working day after `now` in the agency's calendar (the same office-day position on
    the next working day)."""
    return due_at_after(now, 1, DAYS, calendar_for_agency(agency), cutoff=None)


def _due_q(kind: str, now: datetime, horizon: datetime, prefix: str = "") -> Q:
    if kind == OVERDUE:
        return Q(**{f"{prefix}due_at__lt": now})
    return Q(**{f"{prefix}due_at__gte": now, f"{prefix}due_at__lt": horizon})


def _running(agency: Agency) -> QuerySet[Dossier]:
    return subtree_dossiers(agency).filter(status__in=CLOCK_RUNNING, due_at__isnull=False)


def workload_summary(*, agency: Agency, now: datetime) -> Workload:
    """The dashboard's counts (three queries)."""
    horizon = workload_horizon(agency=agency, now=now)
    totals = _running(agency).aggregate(
        overdue=Count("id", filter=_due_q(OVERDUE, now, horizon)),
        due_soon=Count("id", filter=_due_q(DUE_SOON, now, horizon)),
    )
    steps = DossierStep.objects.using(report_db_alias()).filter(
        status=StepStatus.ACTIVE,
        dossier__in=_running(agency).filter(due_at__lt=horizon).values("pk"),
    )
    counts = {
        "overdue": Count(
            "dossier", distinct=True, filter=_due_q(OVERDUE, now, horizon, "dossier__")
        ),
        "due_soon": Count(
            "dossier", distinct=True, filter=_due_q(DUE_SOON, now, horizon, "dossier__")
        ),
    }
    departments = [
        WorkRow(str(row["agency_id"]), row["agency__name"], row["overdue"], row["due_soon"])
        for row in steps.values("agency_id", "agency__name")
        .annotate(**counts)
        .order_by("-overdue", "-due_soon", "agency__name")
    ]
    officers = [
        WorkRow(
            str(row["assignee_id"]) if row["assignee_id"] else UNASSIGNED,
            (row["assignee__full_name"] or row["assignee__username"])
            if row["assignee_id"]
            else _("Chưa phân công"),
            row["overdue"],
            row["due_soon"],
        )
        for row in steps.values("assignee_id", "assignee__full_name", "assignee__username")
        .annotate(**counts)
        .order_by("-overdue", "-due_soon", "assignee__full_name")
    ]
    return Workload(
        now=now,
        horizon=horizon,
        overdue=totals["overdue"],
        due_soon=totals["due_soon"],
        departments=departments,
        officers=officers,
    )


def workload_dossiers(
    *,
    agency: Agency,
    kind: str,
    now: datetime,
    department: str | None = None,
    officer: str | None = None,
) -> QuerySet[Dossier]:
    """The dossiers behind one number of workload_summary (the same rules, so the list's length
    is the number), the most overdue first."""
    if kind not in KINDS:
        raise InvalidInput(_("Loại danh sách không hợp lệ."), code="invalid_kind")
    horizon = workload_horizon(agency=agency, now=now)
    dossiers = _running(agency).filter(_due_q(kind, now, horizon))
    step_filter: dict = {"status": StepStatus.ACTIVE}
    if department:
        if not department.isdigit():
            raise InvalidInput(_("Đơn vị không hợp lệ."), code="invalid_department")
        step_filter["agency_id"] = int(department)
    if officer:
        if officer == UNASSIGNED:
            step_filter["assignee__isnull"] = True
        elif officer.isdigit():
            step_filter["assignee_id"] = int(officer)
        else:
            raise InvalidInput(_("Cán bộ không hợp lệ."), code="invalid_officer")
    if department or officer:
        steps = DossierStep.objects.using(report_db_alias()).filter(**step_filter)
        dossiers = dossiers.filter(pk__in=steps.values("dossier_id"))
    return dossiers.select_related("receiving_agency").order_by("due_at", "id")
