"""The route as rows: which steps come next, where the dossier is, starting and finishing steps,
and the pauses of the clock they open and close."""

from datetime import datetime

from django.db.models import F

from motcua.dossiers.models import (
    Dossier,
    DossierPause,
    DossierStep,
    PauseKind,
    StepStatus,
)
from motcua.dossiers.services._common import step_due, timeliness
from motcua.dossiers.statuses import DossierStatus
from motcua.organizations.models import Role
from motcua.workdays.engine import (
    WorkCalendar,
    add_working_minutes,
    working_minutes_between,
)

# -- the route -----------------------------------------------------------------------------------


def return_step(steps: list[DossierStep]) -> DossierStep | None:
    """The final desk step (trả kết quả), if the route ends with one."""
    if len(steps) > 1 and steps[-1].role == Role.RECEPTION:
        return steps[-1]
    return None


def active_steps(steps: list[DossierStep]) -> list[DossierStep]:
    return [step for step in steps if step.status == StepStatus.ACTIVE]


def next_group(steps: list[DossierStep], after: DossierStep) -> list[DossierStep]:
    """The next steps to activate after `after`: the first waiting step, with the rest of its
    parallel group."""
    waiting = [
        s
        for s in steps
        if s.order > after.order and s.status in (StepStatus.PENDING, StepStatus.RETURNED)
    ]
    if not waiting:
        return []
    first = waiting[0]
    if first.parallel_group is None:
        return [first]
    group = []
    for step in waiting:
        if step.parallel_group != first.parallel_group:
            break
        group.append(step)
    return group


def status_for(steps: list[DossierStep], active: list[DossierStep]) -> str:
    """Where the dossier is, from its active steps."""
    final = return_step(steps)
    if not active or (final is not None and final in active):
        return DossierStatus.RESULT_READY
    if any(step.is_partner for step in active):
        return DossierStatus.AWAITING_PARTNER
    if any(step.role == Role.LEADER for step in active):
        return DossierStatus.AWAITING_SIGNATURE
    if steps and active == [steps[0]] and steps[0].role == Role.RECEPTION:
        return DossierStatus.RECEIVED
    return DossierStatus.PROCESSING


def activate(
    dossier: Dossier,
    group: list[DossierStep],
    at: datetime,
    calendar: WorkCalendar,
    steps: list[DossierStep] | None = None,
) -> None:
    """Start these steps now, each due after its share of time. The final desk step is due no
    earlier than the appointment: the citizen collects the result on the day given."""
    final = return_step(steps) if steps is not None else None
    for step in group:
        step.status = StepStatus.ACTIVE
        step.started_at = at
        step.due_at = step_due(step, at, calendar)
        if step is final and dossier.due_at is not None and dossier.due_at > step.due_at:
            step.due_at = dossier.due_at
        step.finished_at = None
        step.timeliness = ""
        step.save(update_fields=["status", "started_at", "due_at", "finished_at", "timeliness"])
        if not step.counts_toward_deadline:
            # Time at a step outside the statutory time (e.g. the tax authority) stops the clock.
            DossierPause.objects.create(dossier=dossier, kind=PauseKind.PAYMENT, started_at=at)


def finish(
    dossier: Dossier,
    step: DossierStep,
    at: datetime,
    calendar: WorkCalendar,
    steps: list[DossierStep],
    status: str = StepStatus.DONE,
) -> str:
    """Close a step; returns its timeliness. A step outside the statutory time restarts the
    clock: the dossier's due time moves by the office time it took."""
    step.status = status
    step.finished_at = at
    step.timeliness = timeliness(at, step.due_at) if status == StepStatus.DONE else ""
    step.save(update_fields=["status", "finished_at", "timeliness"])
    if not step.counts_toward_deadline and step.started_at is not None:
        close_pauses(dossier, at, calendar, steps, kinds=(PauseKind.PAYMENT,))
    return step.timeliness


def close_pauses(
    dossier: Dossier,
    at: datetime,
    calendar: WorkCalendar,
    steps: list[DossierStep],
    *,
    kinds: tuple[str, ...],
    move_due: bool = True,
) -> float:
    """End the open pauses of these kinds; with `move_due`, the dossier's and the running steps'
    due times move by the office time paused. Returns the office minutes paused."""
    total = 0.0
    for pause in DossierPause.objects.filter(dossier=dossier, kind__in=kinds, ended_at=None):
        pause.ended_at = at
        pause.save(update_fields=["ended_at"])
        minutes = working_minutes_between(pause.started_at, at, calendar)
        total += minutes
        if not move_due or minutes <= 0:
            continue
        if dossier.due_at is not None:
            dossier.due_at = add_working_minutes(dossier.due_at, minutes, calendar)
        for step in steps:
            if (
                step.status == StepStatus.ACTIVE
                and step.counts_toward_deadline
                and step.due_at is not None
                and step.started_at is not None
                and step.started_at <= pause.started_at
            ):
                step.due_at = add_working_minutes(step.due_at, minutes, calendar)
                step.save(update_fields=["due_at"])
    return total


def close_route(dossier: Dossier, at: datetime, steps: list[DossierStep]) -> None:
    """Processing ends early (withdrawn, stopped): every open step is skipped, pauses end."""
    for step in steps:
        if step.status == StepStatus.ACTIVE:
            step.status = StepStatus.SKIPPED
            step.finished_at = at
            step.save(update_fields=["status", "finished_at"])
        elif step.status in (StepStatus.PENDING, StepStatus.RETURNED):
            step.status = StepStatus.SKIPPED
            step.save(update_fields=["status"])
    DossierPause.objects.filter(dossier=dossier, ended_at=None).update(ended_at=at)


def insert_step_after(dossier: Dossier, after: DossierStep, **values) -> DossierStep:
    DossierStep.objects.filter(dossier=dossier, order__gt=after.order).update(order=F("order") + 1)
    return DossierStep.objects.create(dossier=dossier, order=after.order + 1, **values)
