"""Due times follow the working calendar: when a day off, a make-up day or office hours change,
every open dossier whose appointment depends on them gets it recomputed, with an event saying
why (DOMAIN §3)."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier, DossierEvent, DossierPause, DossierStep, StepStatus
from motcua.dossiers.services._common import (
    SYSTEM_NAME,
    iso,
    now,
)
from motcua.dossiers.services._route import (
    return_step,
)
from motcua.dossiers.statuses import OPEN, Action
from motcua.workdays.engine import (
    OFFICE_TZ,
    WorkCalendar,
    add_working_minutes,
    due_at_after,
    next_opening,
    working_minutes_between,
)
from motcua.workdays.selectors import calendar_for_agency


def _paused_minutes(pauses, since: datetime, calendar: WorkCalendar) -> float:
    total = 0.0
    for pause in pauses:
        if pause.ended_at is None or pause.ended_at <= since:
            continue
        total += working_minutes_between(max(pause.started_at, since), pause.ended_at, calendar)
    return total


def _moved(start: datetime, amount, unit: str, pauses, calendar: WorkCalendar) -> datetime:
    due = due_at_after(start, amount, unit, calendar, cutoff=None)
    minutes = _paused_minutes(pauses, start, calendar)
    return add_working_minutes(due, minutes, calendar) if minutes > 0 else due


def _fmt(instant: datetime | None) -> str:
    return f"{instant.astimezone(OFFICE_TZ):%H:%M %d/%m/%Y}" if instant else "—"


def _why(entry_dates: Iterable[date] | None, old: datetime, new: datetime) -> str:
    if entry_dates:
        days = ", ".join(f"{day:%d/%m/%Y}" for day in sorted(entry_dates))
        cause = _("Lịch làm việc thay đổi (ngày %(days)s)") % {"days": days}
    else:
        cause = _("Giờ làm việc thay đổi")
    return _("%(cause)s: hạn trả kết quả đổi từ %(old)s sang %(new)s.") % {
        "cause": cause,
        "old": _fmt(old),
        "new": _fmt(new),
    }


@transaction.atomic
def dossiers_recompute_due(
    *,
    agency_paths: Iterable[str] | None = None,
    entry_dates: Iterable[date] | None = None,
) -> int:
    """Recompute the due times of the open dossiers a calendar change may move: received at a
    desk inside `agency_paths` (None: anywhere), counting across one of `entry_dates` (None: any
    date, e.g. office hours changed). A dossier whose appointment was moved by an apology keeps
    the date promised in writing. Returns how many dossiers got a new due time."""
    dates = sorted(set(entry_dates)) if entry_dates else None
    dossiers = Dossier.objects.filter(
        status__in=OPEN,
        clock_started_at__isnull=False,
        due_at__isnull=False,
        extended_at__isnull=True,
    )
    if agency_paths is not None:
        paths = list(agency_paths)
        if not paths:
            return 0
        scope = Q()
        for path in paths:
            scope |= Q(receiving_agency__path__startswith=path)
        dossiers = dossiers.filter(scope)
    if dates:
        # Only a date between the clock's start and the due time can move the due time.
        first = datetime.combine(dates[0], time.min, OFFICE_TZ)
        last = datetime.combine(dates[-1] + timedelta(days=1), time.min, OFFICE_TZ)
        dossiers = dossiers.filter(clock_started_at__lt=last, due_at__gte=first)
    dossiers = list(
        dossiers.select_for_update(of=("self",)).select_related("receiving_agency").order_by("pk")
    )
    if not dossiers:
        return 0
    ids = [dossier.pk for dossier in dossiers]
    pauses: dict[int, list[DossierPause]] = {}
    for pause in DossierPause.objects.filter(dossier_id__in=ids).order_by("started_at"):
        pauses.setdefault(pause.dossier_id, []).append(pause)
    steps: dict[int, list[DossierStep]] = {}
    for step in DossierStep.objects.filter(dossier_id__in=ids).order_by("order", "id"):
        steps.setdefault(step.dossier_id, []).append(step)
    calendars: dict[str, WorkCalendar] = {}
    at = now()
    changed: list[Dossier] = []
    changed_steps: list[DossierStep] = []
    events: list[DossierEvent] = []
    for dossier in dossiers:
        agency = dossier.receiving_agency
        calendar = calendars.get(agency.path)
        if calendar is None:
            calendar = calendars[agency.path] = calendar_for_agency(agency)
        own_pauses = pauses.get(dossier.pk, [])
        start = next_opening(dossier.clock_started_at, calendar)
        new_due = _moved(
            start, dossier.processing_amount, dossier.processing_unit, own_pauses, calendar
        )
        route = steps.get(dossier.pk, [])
        final = return_step(route)
        for step in route:
            if step.status != StepStatus.ACTIVE or step.due_at is None or not step.started_at:
                continue
            step_due = _moved(step.started_at, step.amount, step.time_unit, own_pauses, calendar)
            if step is final:
                step_due = max(step_due, new_due)
            if step_due != step.due_at:
                step.due_at = step_due
                changed_steps.append(step)
        if new_due == dossier.due_at and start == dossier.clock_started_at:
            continue
        old_due = dossier.due_at
        dossier.clock_started_at = start
        dossier.due_at = new_due
        dossier.updated_at = at
        changed.append(dossier)
        events.append(
            DossierEvent(
                dossier=dossier,
                action=Action.RECOMPUTE_DUE,
                from_status=dossier.status,
                to_status=dossier.status,
                at=at,
                actor_name=SYSTEM_NAME,
                agency=agency,
                note=_why(dates, old_due, new_due),
                data={
                    "previous_due_at": iso(old_due),
                    "due_at": iso(new_due),
                    "dates": [day.isoformat() for day in dates] if dates else None,
                },
            )
        )
    Dossier.objects.bulk_update(changed, ["clock_started_at", "due_at", "updated_at"])
    DossierStep.objects.bulk_update(changed_steps, ["due_at"])
    DossierEvent.objects.bulk_create(events)
    return len(changed)
