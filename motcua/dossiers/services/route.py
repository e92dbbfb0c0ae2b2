"""The dossier along its route: assignment, hand-over to the next step (with the step's
timeliness, form 06), sending back, liên thông partners, signature, refusal, return of the
result."""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.common.errors import Conflict, InvalidInput
from motcua.dossiers.access import _RANK, Reach
from motcua.dossiers.models import (
    Dossier,
    DossierStep,
    Outcome,
    ReturnMethod,
    StepStatus,
)
from motcua.dossiers.services._common import (
    authorize,
    authorize_step,
    calendar_of,
    clean_amount,
    clean_note,
    clean_reason,
    clean_text,
    iso,
    load_steps,
    lock,
    now,
    record_event,
    save,
)
from motcua.dossiers.services._route import (
    activate,
    active_steps,
    finish,
    insert_step_after,
    next_group,
    return_step,
    status_for,
)
from motcua.dossiers.statuses import Action, DossierStatus
from motcua.organizations.models import Agency, Role, User


def _move_on(
    dossier: Dossier, steps: list[DossierStep], done: DossierStep, at: datetime, calendar
) -> list[DossierStep]:
    """After `done` finished: wait for the rest of its parallel group, or activate the next
    step(s). Returns the steps activated; sets the dossier's status (and the result, when the
    route reaches the final desk step)."""
    still_active = active_steps(steps)
    activated: list[DossierStep] = []
    if not still_active:
        activated = next_group(steps, done)
        activate(dossier, activated, at, calendar, steps)
        still_active = activated
    dossier.status = status_for(steps, still_active)
    if dossier.status == DossierStatus.RESULT_READY and dossier.finished_at is None:
        dossier.outcome = dossier.outcome or Outcome.APPROVED
        dossier.finished_at = at
    return activated


def _handover_data(activated: list[DossierStep]) -> dict:
    return {"to_steps": [step.pk for step in activated]} if len(activated) > 1 else {}


@transaction.atomic
def dossier_assign(
    *, actor, dossier: Dossier, assignee: User, step: DossierStep | None = None
) -> Dossier:
    """A department head (or leader) assigns a step, running or still to come, to an officer
    who holds the step's role (or a higher handler role) on its agency."""
    dossier = lock(dossier)
    steps = load_steps(dossier)
    target = authorize_step(actor, dossier, Action.ASSIGN, steps, step)
    if not isinstance(assignee, User) or not assignee.is_active:
        raise InvalidInput(_("Cán bộ được phân công không hợp lệ."), code="assignee_invalid")
    reach = Reach.of(assignee)
    eligible = [r for r, rank in _RANK.items() if rank >= _RANK.get(target.role, 99)]
    if not any(reach.holds(role, target.agency) for role in eligible):
        raise InvalidInput(
            _("%(name)s không có vai trò «%(role)s» tại «%(agency)s».")
            % {
                "name": str(assignee),
                "role": Role(target.role).label,
                "agency": target.agency.name,
            },
            code="assignee_not_eligible",
        )
    at = now()
    previous = target.assignee
    target.assignee = assignee
    target.save(update_fields=["assignee"])
    from_status = dossier.status
    save(dossier)
    record_event(
        dossier,
        action=Action.ASSIGN,
        from_status=from_status,
        actor=actor,
        at=at,
        agency=target.agency,
        step=target,
        note=_("Phân công: %(name)s") % {"name": str(assignee)},
        data={"assignee": assignee.pk, "previous_assignee": previous.pk if previous else None},
    )
    return dossier


@transaction.atomic
def dossier_forward(*, actor, dossier: Dossier, note: str = "") -> Dossier:
    """Finish the actor's step and hand the dossier to the next step (or parallel group): a
    leader's step waits for signature, a partner's for liên thông, the final desk step means the
    result is ready."""
    return _hand_over(actor=actor, dossier=dossier, action=Action.FORWARD, step=None, note=note)


def _hand_over(*, actor, dossier: Dossier, action: str, step, note: str) -> Dossier:
    """Finish the actor's step (`step`, or the one the actor holds) and move the route on, with
    the hand-over event of form 06."""
    dossier = lock(dossier)
    steps = load_steps(dossier)
    current = authorize_step(actor, dossier, action, steps, step)
    note = clean_note(note)
    at = now()
    calendar = calendar_of(dossier)
    from_status = dossier.status
    step_timeliness = finish(dossier, current, at, calendar, steps)
    activated = _move_on(dossier, steps, current, at, calendar)
    save(dossier, "status", "outcome", "finished_at", "due_at")
    record_event(
        dossier,
        action=action,
        from_status=from_status,
        actor=actor,
        at=at,
        agency=current.agency,
        step=current,
        to_step=activated[0] if activated else None,
        timeliness=step_timeliness,
        note=note,
        data=_handover_data(activated),
    )
    return dossier


@transaction.atomic
def dossier_send_back(*, actor, dossier: Dossier, to_step: DossierStep, reason: str) -> Dossier:
    """Return the dossier to an earlier step for rework; the steps in between run again."""
    dossier = lock(dossier)
    steps = load_steps(dossier)
    current = authorize_step(actor, dossier, Action.SEND_BACK, steps)
    reason = clean_reason(reason)
    target = next((s for s in steps if to_step is not None and s.pk == to_step.pk), None)
    if target is None:
        raise InvalidInput(_("Bước xử lý không thuộc hồ sơ này."), code="step_not_in_dossier")
    if current.parallel_group is not None:
        raise Conflict(
            _("Không thể trả lại từ một bước xử lý song song."), code="send_back_parallel"
        )
    if (
        target.order >= current.order
        or target.status != StepStatus.DONE
        or target.is_partner
        or target.parallel_group is not None
    ):
        raise InvalidInput(
            _(
                "Chỉ trả lại được một bước đã xử lý trước bước hiện tại (không phải bước liên thông)."
            ),
            code="send_back_target_invalid",
        )
    at = now()
    calendar = calendar_of(dossier)
    from_status = dossier.status
    step_timeliness = finish(dossier, current, at, calendar, steps, status=StepStatus.RETURNED)
    for step in steps:
        if target.order < step.order < current.order and step.status == StepStatus.DONE:
            step.status = StepStatus.PENDING
            step.started_at = step.finished_at = None
            step.timeliness = ""
            step.save(update_fields=["status", "started_at", "finished_at", "timeliness"])
    activate(dossier, [target], at, calendar)
    dossier.status = status_for(steps, [target])
    save(dossier, "status", "due_at")
    record_event(
        dossier,
        action=Action.SEND_BACK,
        from_status=from_status,
        actor=actor,
        at=at,
        agency=current.agency,
        step=current,
        to_step=target,
        timeliness=step_timeliness,
        note=reason,
    )
    return dossier


@transaction.atomic
def dossier_send_partner(
    *,
    actor,
    dossier: Dossier,
    partner_agency: Agency,
    note: str,
    amount=None,
    time_unit: str = "days",
) -> Dossier:
    """Ad-hoc liên thông: a partner step (another agency or level) is inserted after the actor's
    step and the dossier moves there. `amount` None: the partner's time has no limit of its own."""
    dossier = lock(dossier)
    steps = load_steps(dossier)
    current = authorize_step(actor, dossier, Action.SEND_PARTNER, steps)
    if not isinstance(partner_agency, Agency) or not partner_agency.is_active:
        raise InvalidInput(_("Cơ quan phối hợp không hợp lệ."), code="invalid_agency")
    if partner_agency.pk == current.agency_id:
        raise InvalidInput(
            _("Cơ quan phối hợp phải khác đơn vị đang xử lý."), code="partner_is_current"
        )
    if current.parallel_group is not None:
        raise Conflict(
            _("Không thể chuyển liên thông từ một bước xử lý song song."),
            code="send_partner_parallel",
        )
    note = clean_text(note, field=_("nội dung đề nghị phối hợp"), max_length=4000, required=True)
    if time_unit not in ("days", "hours"):
        raise InvalidInput(_("Đơn vị thời gian không hợp lệ."), code="invalid_time_unit")
    limit = None if amount is None else clean_amount(amount)
    at = now()
    calendar = calendar_of(dossier)
    from_status = dossier.status
    step_timeliness = finish(dossier, current, at, calendar, steps)
    partner = insert_step_after(
        dossier,
        current,
        name=_("Liên thông: %(agency)s") % {"agency": partner_agency.name},
        agency=partner_agency,
        role=Role.SPECIALIST,
        is_partner=True,
        amount=limit or 0,
        time_unit=time_unit,
    )
    activate(dossier, [partner], at, calendar)
    if limit is None:
        partner.due_at = None
        partner.save(update_fields=["due_at"])
    dossier.status = DossierStatus.AWAITING_PARTNER
    save(dossier, "status", "due_at")
    record_event(
        dossier,
        action=Action.SEND_PARTNER,
        from_status=from_status,
        actor=actor,
        at=at,
        agency=current.agency,
        step=current,
        to_step=partner,
        timeliness=step_timeliness,
        note=note,
        data={"partner_agency": partner_agency.code, "due_at": iso(partner.due_at)},
    )
    return dossier


@transaction.atomic
def dossier_partner_result(
    *, actor, dossier: Dossier, step: DossierStep | None = None, note: str = ""
) -> Dossier:
    """A liên thông partner has done its part (recorded by the partner's officer, or by the desk
    on receiving the partner's result). The route moves on when every partner step of a
    parallel group is done."""
    return _hand_over(
        actor=actor, dossier=dossier, action=Action.PARTNER_RESULT, step=step, note=note
    )


@transaction.atomic
def dossier_approve(*, actor, dossier: Dossier, note: str = "") -> Dossier:
    """The leader signs: the result is ready and goes to the desk."""
    dossier = lock(dossier)
    steps = load_steps(dossier)
    current = authorize_step(actor, dossier, Action.APPROVE, steps)
    note = clean_note(note)
    final = return_step(steps)
    remaining = [
        s
        for s in steps
        if s.order > current.order
        and s.status in (StepStatus.PENDING, StepStatus.RETURNED)
        and s is not final
    ]
    if remaining:
        raise Conflict(
            _("Hồ sơ còn bước xử lý sau bước ký duyệt (%(step)s): hãy chuyển bước.")
            % {"step": remaining[0].name},
            code="steps_remaining",
        )
    at = now()
    calendar = calendar_of(dossier)
    from_status = dossier.status
    step_timeliness = finish(dossier, current, at, calendar, steps)
    if final is not None and final.status != StepStatus.ACTIVE:
        activate(dossier, [final], at, calendar, steps)
    dossier.status = DossierStatus.RESULT_READY
    dossier.outcome = Outcome.APPROVED
    dossier.finished_at = at
    save(dossier, "status", "outcome", "finished_at")
    record_event(
        dossier,
        action=Action.APPROVE,
        from_status=from_status,
        actor=actor,
        at=at,
        agency=current.agency,
        step=current,
        to_step=final,
        timeliness=step_timeliness,
        note=note,
    )
    return dossier


@transaction.atomic
def dossier_refuse(*, actor, dossier: Dossier, reason: str) -> Dossier:
    """Refusal to grant what was asked, with the reason: the refusal letter is the result."""
    dossier = lock(dossier)
    steps = load_steps(dossier)
    current = authorize_step(actor, dossier, Action.REFUSE, steps)
    reason = clean_reason(reason)
    at = now()
    calendar = calendar_of(dossier)
    from_status = dossier.status
    step_timeliness = finish(dossier, current, at, calendar, steps)
    final = return_step(steps)
    for step in steps:
        if step is final:
            continue
        if step.status == StepStatus.ACTIVE:
            finish(dossier, step, at, calendar, steps, status=StepStatus.SKIPPED)
        elif step.status in (StepStatus.PENDING, StepStatus.RETURNED):
            step.status = StepStatus.SKIPPED
            step.save(update_fields=["status"])
    if final is not None and final.status != StepStatus.ACTIVE:
        activate(dossier, [final], at, calendar, steps)
    dossier.status = DossierStatus.RESULT_READY
    dossier.outcome = Outcome.REFUSED
    dossier.finished_at = at
    dossier.status_reason = reason
    save(dossier, "status", "outcome", "finished_at", "status_reason", "due_at")
    record_event(
        dossier,
        action=Action.REFUSE,
        from_status=from_status,
        actor=actor,
        at=at,
        agency=current.agency,
        step=current,
        to_step=final,
        timeliness=step_timeliness,
        public_note=reason,
    )
    return dossier


@transaction.atomic
def dossier_return_result(
    *, actor, dossier: Dossier, returned_to: str, method: str, note: str = ""
) -> Dossier:
    """The desk hands the result over (in person, by post or electronically)."""
    dossier = lock(dossier)
    steps = load_steps(dossier)
    authorize(actor, dossier, Action.RETURN_RESULT, steps)
    returned_to = clean_text(
        returned_to, field=_("người nhận kết quả"), max_length=200, required=True
    )
    if method not in ReturnMethod.values:
        raise InvalidInput(_("Hình thức trả kết quả không hợp lệ."), code="invalid_return_method")
    note = clean_note(note)
    at = now()
    calendar = calendar_of(dossier)
    from_status = dossier.status
    final = return_step(steps)
    step_timeliness = ""
    if final is not None and final.status == StepStatus.ACTIVE:
        step_timeliness = finish(dossier, final, at, calendar, steps)
    dossier.status = DossierStatus.RETURNED
    dossier.returned_at = at
    dossier.returned_to = returned_to
    dossier.return_method = method
    save(dossier, "status", "returned_at", "returned_to", "return_method")
    record_event(
        dossier,
        action=Action.RETURN_RESULT,
        from_status=from_status,
        actor=actor,
        at=at,
        agency=dossier.receiving_agency,
        step=final,
        timeliness=step_timeliness,
        note=note,
        data={"method": method, "returned_to": returned_to},
    )
    return dossier
