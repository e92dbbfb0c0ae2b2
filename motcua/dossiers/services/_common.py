"""Shared steps of the dossier services: locking, the permission guard, the event row, the route
(steps) and the clock. Nothing here commits: the public services are each one transaction."""

import re
from datetime import date, datetime
from decimal import Decimal

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from motcua.common.text import fold
from motcua.dossiers.access import Reach, acting_steps, is_visible, may_take
from motcua.dossiers.models import (
    Dossier,
    DossierEvent,
    DossierPause,
    DossierStep,
    PauseKind,
    RuleVersion,
    StepStatus,
    Timeliness,
)
from motcua.dossiers.statuses import ACTIONS, DossierStatus
from motcua.organizations.models import Agency, Role
from motcua.workdays.engine import (
    CALENDAR_CUTOFF,
    DAYS,
    OFFICE_TZ,
    WorkCalendar,
    add_working_minutes,
    due_at_after,
    working_minutes_between,
)
from motcua.workdays.selectors import calendar_for_agency

SYSTEM_NAME = "Hệ thống"


# -- time ----------------------------------------------------------------------------------------


def now() -> datetime:
    return timezone.now()


def local_date(instant: datetime) -> date:
    return instant.astimezone(OFFICE_TZ).date()


def calendar_of(dossier: Dossier) -> WorkCalendar:
    """The working calendar the dossier's times are counted in: its receiving agency's."""
    return calendar_for_agency(dossier.receiving_agency)


def cutoff_of(dossier: Dossier):
    """The same-day cut-off for this dossier: the procedure's, else the rule version's, else the
    office day's (the agency's office hours)."""
    if dossier.procedure.cutoff is not None:
        return dossier.procedure.cutoff
    if dossier.rule_version.cutoff is not None:
        return dossier.rule_version.cutoff
    return CALENDAR_CUTOFF


def rule_version_on(day: date) -> RuleVersion:
    rule = RuleVersion.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    if rule is None:
        raise Conflict(
            _("Chưa có quy định một cửa nào có hiệu lực vào ngày %(day)s.")
            % {"day": f"{day:%d/%m/%Y}"},
            code="rule_version_missing",
        )
    return rule


def timeliness(finished_at: datetime, due_at: datetime | None) -> str:
    """Trước hạn / đúng hạn / quá hạn: the finishing date against the due date (DOMAIN §3)."""
    if due_at is None:
        return ""
    finished, due = local_date(finished_at), local_date(due_at)
    if finished < due:
        return Timeliness.EARLY
    if finished == due:
        return Timeliness.ON_TIME
    return Timeliness.LATE


def step_due(step: DossierStep, start: datetime, calendar: WorkCalendar) -> datetime:
    """The due time of a step started at `start`: its share of office time, no cut-off."""
    return due_at_after(start, step.amount, step.time_unit, calendar, cutoff=None)


# -- input ---------------------------------------------------------------------------------------


def clean_text(value, *, field: str, max_length: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(
            _("Trường «%(field)s» phải là văn bản.") % {"field": field}, code="invalid_text"
        )
    text = value.strip()
    if required and not text:
        raise InvalidInput(
            _("Trường «%(field)s» không được để trống.") % {"field": field}, code="required"
        )
    if len(text) > max_length:
        raise InvalidInput(
            _("Trường «%(field)s» dài quá %(max)d ký tự.") % {"field": field, "max": max_length},
            code="too_long",
        )
    return text


def clean_reason(value) -> str:
    return clean_text(value, field=_("lý do"), max_length=4000, required=True)


def clean_note(value) -> str:
    return clean_text(value, field=_("ghi chú"), max_length=4000)


def clean_amount(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (ArithmeticError, ValueError):
        raise InvalidInput(_("Thời gian không hợp lệ."), code="invalid_amount") from None
    if not amount.is_finite() or amount < 0 or amount >= 10000 or amount != round(amount, 2):
        raise InvalidInput(
            _("Thời gian phải là số không âm, tối đa hai chữ số thập phân."),
            code="invalid_amount",
        )
    return amount


# -- the guard -----------------------------------------------------------------------------------


def lock(dossier: Dossier) -> Dossier:
    """Lock the dossier row for this transaction and refresh `dossier` from it in place: every
    writer takes this lock first, so status checks and step changes never race."""
    if dossier is None or dossier.pk is None:
        raise NotFound(code="dossier_not_found")
    fresh = Dossier.objects.select_for_update().filter(pk=dossier.pk).first()
    if fresh is None:
        raise NotFound(code="dossier_not_found")
    for field in Dossier._meta.concrete_fields:
        setattr(dossier, field.attname, getattr(fresh, field.attname))
    return dossier


def load_steps(dossier: Dossier) -> list[DossierStep]:
    return list(
        DossierStep.objects.filter(dossier=dossier)
        .select_related("agency", "assignee")
        .order_by("order", "id")
    )


def _visible(actor, dossier: Dossier) -> bool:
    if actor is not None and actor.is_authenticated and dossier.applicant_user_id == actor.pk:
        return True
    return is_visible(user=actor, dossier=dossier)


def deny(actor, dossier: Dossier, action: str) -> None:
    """Raise the error for an action `actor` may not take: NotFound when they cannot see the
    dossier, Conflict when its status does not allow it, Forbidden for their role."""
    if not _visible(actor, dossier):
        raise NotFound(code="dossier_not_found")
    if dossier.status not in ACTIONS[action].sources:
        raise Conflict(
            _("Không thể «%(action)s» hồ sơ đang ở trạng thái «%(status)s».")
            % {
                "action": _action_label(action),
                "status": DossierStatus(dossier.status).label,
            },
            code="transition_not_allowed",
        )
    raise Forbidden(
        _("Vai trò của bạn không được «%(action)s» hồ sơ này.") % {"action": _action_label(action)},
        code="role_not_allowed",
    )


def _action_label(action: str) -> str:
    from motcua.dossiers.statuses import Action

    return str(Action(action).label).lower()


def authorize(actor, dossier: Dossier, action: str, steps: list[DossierStep]) -> Reach:
    reach = Reach.of(actor)
    if not may_take(user=actor, dossier=dossier, action=action, steps=steps, reach=reach):
        deny(actor, dossier, action)
    return reach


def authorize_step(
    actor,
    dossier: Dossier,
    action: str,
    steps: list[DossierStep],
    step: DossierStep | None = None,
) -> DossierStep:
    """The step `actor` takes `action` on: `step` if given (and theirs to act on), else the
    first one they may act on, preferring a step assigned to them."""
    reach = Reach.of(actor)
    candidates = acting_steps(user=actor, dossier=dossier, action=action, steps=steps, reach=reach)
    if not candidates:
        deny(actor, dossier, action)
    if step is not None:
        for candidate in candidates:
            if candidate.pk == step.pk:
                return candidate
        if not any(s.pk == step.pk for s in steps):
            raise InvalidInput(_("Bước xử lý không thuộc hồ sơ này."), code="step_not_in_dossier")
        raise Forbidden(
            _("Bạn không được thao tác trên bước «%(step)s».") % {"step": step.name},
            code="role_not_allowed",
        )
    mine = [s for s in candidates if actor is not None and s.assignee_id == actor.pk]
    return (mine or candidates)[0]


def require_desk(actor, agency: Agency, action: str) -> None:
    """Intake of a new dossier: the actor works at the desk of `agency`."""
    if not Reach.of(actor).holds(Role.RECEPTION, agency):
        raise Forbidden(
            _("Bạn không phải cán bộ tiếp nhận của «%(agency)s».") % {"agency": agency.name},
            code="role_not_allowed",
        )


# -- writes --------------------------------------------------------------------------------------


def actor_name(actor) -> str:
    if actor is None:
        return SYSTEM_NAME
    return (getattr(actor, "full_name", "") or actor.get_username())[:200]


def record_event(
    dossier: Dossier,
    *,
    action: str,
    from_status: str,
    actor,
    at: datetime,
    agency: Agency | None = None,
    step: DossierStep | None = None,
    to_step: DossierStep | None = None,
    timeliness: str = "",
    note: str = "",
    public_note: str = "",
    data: dict | None = None,
) -> DossierEvent:
    return DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        at=at,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=actor_name(actor),
        agency=agency,
        step=step,
        to_step=to_step,
        timeliness=timeliness,
        note=note,
        public_note=public_note,
        data=data or {},
    )


def save(dossier: Dossier, *fields: str) -> None:
    dossier.save(update_fields=[*fields, "updated_at"])


def iso(instant: datetime | None) -> str | None:
    return instant.astimezone(OFFICE_TZ).isoformat() if instant is not None else None


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


# -- resolving the template's units --------------------------------------------------------------

_PARENTHESES = re.compile(r"\([^)]*\)")
# Templates name who acts ("Trưởng Công an xã", "Công chức Tư pháp"); the unit follows the title.
_TITLES = re.compile(r"^(?:pho truong|truong|lanh dao|giam doc|pho giam doc|cong chuc|can bo) ")


def unit_key(unit_name: str) -> str:
    """The folded unit name without its parenthesised explanation or the acting person's title:
    "Phòng Kinh tế (cơ quan đăng ký kinh doanh cấp xã)" → "phong kinh te", "Trưởng Công an xã"
    → "cong an xa"."""
    return _TITLES.sub("", fold(_PARENTHESES.sub(" ", unit_name or "")))


__all__ = [
    "DAYS",
    "SYSTEM_NAME",
    "activate",
    "active_steps",
    "actor_name",
    "authorize",
    "authorize_step",
    "calendar_of",
    "clean_amount",
    "clean_note",
    "clean_reason",
    "clean_text",
    "close_pauses",
    "close_route",
    "cutoff_of",
    "deny",
    "finish",
    "insert_step_after",
    "iso",
    "load_steps",
    "local_date",
    "lock",
    "next_group",
    "now",
    "record_event",
    "require_desk",
    "return_step",
    "rule_version_on",
    "save",
    "status_for",
    "step_due",
    "timeliness",
    "unit_key",
]
