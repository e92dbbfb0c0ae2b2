"""Waiting and ending early: supplement requests (form 02), financial obligations, the apology
with a new appointment (form 04), withdrawal at the applicant's request, stopping (form 05)."""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.catalog.models import Channel
from motcua.common.errors import Conflict, InvalidInput
from motcua.dossiers.models import (
    Dossier,
    DossierEvent,
    DossierPause,
    PauseKind,
    StepStatus,
    SupplementMode,
    SupplementRequest,
)
from motcua.dossiers.services._common import (
    authorize,
    calendar_of,
    clean_note,
    clean_reason,
    cutoff_of,
    iso,
    load_steps,
    local_date,
    lock,
    now,
    record_event,
    save,
    step_due,
)
from motcua.dossiers.services._route import (
    close_pauses,
    close_route,
    return_step,
)
from motcua.dossiers.services.inputs import add_documents, clean_documents, clean_items
from motcua.dossiers.services.intake import supplement_request_open
from motcua.dossiers.services.plan import start_processing
from motcua.dossiers.statuses import Action, DossierStatus
from motcua.workdays.engine import (
    DEFAULT_OFFICE_DAY,
    MAX_YEAR,
    MIN_YEAR,
    clock_start,
    due_at_after,
    working_minutes_between,
)

# -- supplements ---------------------------------------------------------------------------------


@transaction.atomic
def dossier_request_supplement(
    *, actor, dossier: Dossier, items: list[str], reason: str
) -> Dossier:
    """Ask the applicant for everything missing, in one go (form 02). A dossier being processed
    waits; its clock restarts or resumes when the documents arrive (the rule version says which)."""
    dossier = lock(dossier)
    steps = load_steps(dossier)
    authorize(actor, dossier, Action.REQUEST_SUPPLEMENT, steps)
    items = clean_items(items)
    reason = clean_reason(reason)
    at = now()
    request = supplement_request_open(dossier, actor=actor, items=items, reason=reason, at=at)
    if dossier.received_at is not None:
        DossierPause.objects.create(dossier=dossier, kind=PauseKind.SUPPLEMENT, started_at=at)
    from_status = dossier.status
    dossier.status = DossierStatus.SUPPLEMENT_REQUESTED
    dossier.status_reason = reason
    save(dossier, "status", "status_reason", "supplement_count")
    active = [s for s in steps if s.status == StepStatus.ACTIVE]
    record_event(
        dossier,
        action=Action.REQUEST_SUPPLEMENT,
        from_status=from_status,
        actor=actor,
        at=at,
        agency=active[0].agency if active else dossier.receiving_agency,
        step=active[0] if active else None,
        public_note=reason,
        data={
            "items": items,
            "supplement_request": request.pk,
            "deadline_at": iso(request.deadline_at),
        },
    )
    return dossier


def applicant_answers_online(actor, dossier: Dossier) -> bool:
    """The citizen who submitted online answers a supplement request of that dossier online
    (the desk answers for everyone else, in person or by post)."""
    return (
        dossier.channel == Channel.ONLINE
        and dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
        and actor is not None
        and actor.is_authenticated
        and actor.is_active
        and dossier.applicant_user_id is not None
        and dossier.applicant_user_id == actor.pk
    )


def _status_before_request(dossier: Dossier) -> str:
    event = (
        DossierEvent.objects.filter(dossier=dossier, action=Action.REQUEST_SUPPLEMENT)
        .order_by("-at", "-id")
        .first()
    )
    return event.from_status if event is not None else ""


@transaction.atomic
def dossier_supplement_received(
    *, actor, dossier: Dossier, documents: list[dict] | None = None, note: str = ""
) -> Dossier:
    """The applicant brought what was asked.

    - An online dossier the desk found incomplete before accepting it, answered online by its
      applicant, is "Mới đăng ký" again: back in the desk's online intake list with a fresh
      `online_intake_hours` window counted from now (`submitted_at` moves to now; the first
      submission stays in the event log). The desk then accepts it, asks again or refuses.
    - Any other dossier not yet received (documents brought to the desk, checked there) is
      received now (clock, appointment, route).
    - One being processed goes back where it was, its clock restarted from now (rule version
      "restart") or moved by the time spent waiting ("pause")."""
    dossier = lock(dossier)
    steps = load_steps(dossier)
    online_answer = applicant_answers_online(actor, dossier)
    if not online_answer:
        authorize(actor, dossier, Action.SUPPLEMENT, steps)
    cleaned = clean_documents(documents)
    note = clean_note(note)
    at = now()
    SupplementRequest.objects.filter(dossier=dossier, answered_at=None).update(answered_at=at)
    add_documents(dossier, cleaned)
    from_status = dossier.status
    old_due = dossier.due_at
    data: dict = {"documents": [d["name"] for d in cleaned]}
    to_step = None
    if (
        dossier.received_at is None
        and online_answer
        and _status_before_request(dossier) == DossierStatus.SUBMITTED
    ):
        dossier.status = DossierStatus.SUBMITTED
        dossier.submitted_at = at
        fields = ["submitted_at"]
    elif dossier.received_at is None:
        to_step = start_processing(dossier, at)
        fields = ["received_at", "rule_version", "processing_amount", "processing_unit"]
        fields += ["clock_started_at", "original_due_at", "is_digitized"]
    else:
        calendar = calendar_of(dossier)
        mode = dossier.rule_version.supplement_mode
        data["mode"] = mode
        if mode == SupplementMode.PAUSE:
            close_pauses(dossier, at, calendar, steps, kinds=(PauseKind.SUPPLEMENT,))
            fields = []
        else:
            close_pauses(
                dossier, at, calendar, steps, kinds=(PauseKind.SUPPLEMENT,), move_due=False
            )
            _restart_clock(dossier, steps, at, calendar)
            fields = ["clock_started_at", "original_due_at"]
        dossier.status = _status_before_request(dossier) or DossierStatus.PROCESSING
    dossier.status_reason = ""
    save(dossier, "status", "status_reason", "due_at", *fields)
    data.update({"previous_due_at": iso(old_due), "due_at": iso(dossier.due_at)})
    record_event(
        dossier,
        action=Action.SUPPLEMENT,
        from_status=from_status,
        actor=actor,
        at=at,
        agency=dossier.receiving_agency,
        to_step=to_step,
        note=note,
        data=data,
    )
    return dossier


def _restart_clock(dossier: Dossier, steps, at: datetime, calendar) -> None:
    """The complete dossier counts as received now: the full time again (Decree 118/2025)."""
    cutoff = cutoff_of(dossier)
    amount, unit = dossier.processing_amount, dossier.processing_unit
    dossier.clock_started_at = clock_start(at, calendar, cutoff=cutoff)
    dossier.due_at = due_at_after(at, amount, unit, calendar, cutoff=cutoff)
    dossier.original_due_at = dossier.due_at
    final = return_step(steps)
    for step in steps:
        if step.status == StepStatus.ACTIVE and step.due_at is not None:
            step.due_at = step_due(step, dossier.clock_started_at, calendar)
            if step is final:
                step.due_at = max(step.due_at, dossier.due_at)
            step.save(update_fields=["due_at"])


@transaction.atomic
def dossiers_close_unanswered_supplements() -> int:
    """Stop the dossiers whose supplement request passed its deadline unanswered (policy:
    15 working days, per rule version). Run daily by the scheduler; returns how many."""
    at = now()
    overdue_requests = SupplementRequest.objects.filter(
        answered_at=None, deadline_at__lt=at
    ).values("dossier_id")
    expired = (
        Dossier.objects.select_for_update(of=("self",))
        .filter(status=DossierStatus.SUPPLEMENT_REQUESTED, pk__in=overdue_requests)
        .select_related("receiving_agency")
        .order_by("pk")
    )
    count = 0
    for dossier in expired:
        steps = load_steps(dossier)
        reason = _("Quá hạn bổ sung hồ sơ mà công dân không bổ sung.")
        close_route(dossier, at, steps)
        dossier.status = DossierStatus.STOPPED
        dossier.status_reason = reason
        dossier.finished_at = at
        save(dossier, "status", "status_reason", "finished_at")
        record_event(
            dossier,
            action=Action.STOP,
            from_status=DossierStatus.SUPPLEMENT_REQUESTED,
            actor=None,
            at=at,
            agency=dossier.receiving_agency,
            public_note=reason,
        )
        count += 1
    return count


# -- financial obligations -----------------------------------------------------------------------


@transaction.atomic
def dossier_pause_payment(*, actor, dossier: Dossier, reason: str) -> Dossier:
    """The applicant must pay a tax or charge first: the clock stops (DOMAIN §3)."""
    dossier = lock(dossier)
    steps = load_steps(dossier)
    authorize(actor, dossier, Action.PAUSE_PAYMENT, steps)
    reason = clean_reason(reason)
    at = now()
    DossierPause.objects.create(dossier=dossier, kind=PauseKind.PAYMENT, started_at=at)
    from_status = dossier.status
    dossier.status = DossierStatus.AWAITING_PAYMENT
    dossier.status_reason = reason
    save(dossier, "status", "status_reason")
    record_event(
        dossier,
        action=Action.PAUSE_PAYMENT,
        from_status=from_status,
        actor=actor,
        at=at,
        agency=_acting_agency(dossier, steps),
        public_note=reason,
    )
    return dossier


@transaction.atomic
def dossier_resume_payment(*, actor, dossier: Dossier, note: str = "") -> Dossier:
    """The obligation is met: the clock runs again, the appointment moved by the office time
    paused."""
    dossier = lock(dossier)
    steps = load_steps(dossier)
    authorize(actor, dossier, Action.RESUME_PAYMENT, steps)
    note = clean_note(note)
    at = now()
    old_due = dossier.due_at
    minutes = close_pauses(dossier, at, calendar_of(dossier), steps, kinds=(PauseKind.PAYMENT,))
    from_status = dossier.status
    dossier.status = DossierStatus.PROCESSING
    dossier.status_reason = ""
    save(dossier, "status", "status_reason", "due_at")
    record_event(
        dossier,
        action=Action.RESUME_PAYMENT,
        from_status=from_status,
        actor=actor,
        at=at,
        agency=_acting_agency(dossier, steps),
        note=note,
        data={
            "paused_minutes": round(minutes, 2),
            "previous_due_at": iso(old_due),
            "due_at": iso(dossier.due_at),
        },
    )
    return dossier


def _acting_agency(dossier: Dossier, steps):
    active = [s for s in steps if s.status == StepStatus.ACTIVE]
    return active[0].agency if active else dossier.receiving_agency


# -- the apology (form 04) -----------------------------------------------------------------------


@transaction.atomic
def dossier_apologize(*, actor, dossier: Dossier, reason: str, new_due_at: datetime) -> Dossier:
    """Apologize in writing and give a new appointment: at most once per dossier, and at least
    one working day before the appointment (Decree 61/2018 art. 19; Decree 118/2025)."""
    dossier = lock(dossier)
    steps = load_steps(dossier)
    authorize(actor, dossier, Action.APOLOGIZE, steps)
    reason = clean_reason(reason)
    if dossier.extended_at is not None:
        raise Conflict(
            _(
                "Hồ sơ đã được xin lỗi và hẹn lại ngày trả kết quả một lần; không được hẹn lại lần nữa."
            ),
            code="apology_already_issued",
        )
    if (
        not isinstance(new_due_at, datetime)
        or new_due_at.tzinfo is None
        or new_due_at.utcoffset() is None
        or not MIN_YEAR < new_due_at.year < MAX_YEAR
    ):
        raise InvalidInput(_("Ngày hẹn mới không hợp lệ."), code="invalid_new_due_at")
    at = now()
    calendar = calendar_of(dossier)
    due = dossier.due_at
    if due is None:
        raise Conflict(_("Hồ sơ chưa có ngày hẹn trả kết quả."), code="no_due_at")
    if new_due_at <= due:
        raise InvalidInput(
            _("Ngày hẹn mới phải sau ngày hẹn hiện tại (%(due)s).")
            % {"due": f"{due.astimezone(calendar.tz):%H:%M %d/%m/%Y}"},
            code="invalid_new_due_at",
        )
    office_day = calendar.office_day(local_date(due)) or DEFAULT_OFFICE_DAY
    if (
        local_date(at) >= local_date(due)
        or working_minutes_between(at, due, calendar) < office_day.minutes
    ):
        raise Conflict(
            _(
                "Phải xin lỗi và hẹn lại chậm nhất một ngày làm việc trước hạn trả kết quả "
                "(%(due)s)."
            )
            % {"due": f"{due.astimezone(calendar.tz):%H:%M %d/%m/%Y}"},
            code="apology_too_late",
        )
    from_status = dossier.status
    dossier.original_due_at = dossier.original_due_at or due
    dossier.extended_at = at
    dossier.extension_reason = reason
    dossier.due_at = new_due_at
    save(dossier, "original_due_at", "extended_at", "extension_reason", "due_at")
    final = return_step(steps)
    if final is not None and final.status == StepStatus.ACTIVE:
        final.due_at = new_due_at
        final.save(update_fields=["due_at"])
    record_event(
        dossier,
        action=Action.APOLOGIZE,
        from_status=from_status,
        actor=actor,
        at=at,
        agency=_acting_agency(dossier, steps),
        public_note=reason,
        data={"previous_due_at": iso(due), "due_at": iso(new_due_at)},
    )
    return dossier


# -- ending early --------------------------------------------------------------------------------


def _end(actor, dossier: Dossier, action: str, status: str, reason: str) -> Dossier:
    dossier = lock(dossier)
    steps = load_steps(dossier)
    authorize(actor, dossier, action, steps)
    reason = clean_reason(reason)
    at = now()
    agency = _acting_agency(dossier, steps)
    close_route(dossier, at, steps)
    from_status = dossier.status
    dossier.status = status
    dossier.status_reason = reason
    dossier.finished_at = at
    save(dossier, "status", "status_reason", "finished_at")
    record_event(
        dossier,
        action=action,
        from_status=from_status,
        actor=actor,
        at=at,
        agency=agency,
        public_note=reason,
    )
    return dossier


@transaction.atomic
def dossier_withdraw(*, actor, dossier: Dossier, reason: str) -> Dossier:
    """Withdrawal at the applicant's request, possible until a result exists."""
    return _end(actor, dossier, Action.WITHDRAW, DossierStatus.WITHDRAWN, reason)


@transaction.atomic
def dossier_stop(*, actor, dossier: Dossier, reason: str) -> Dossier:
    """Stop processing, with the reason notified to the applicant (form 05)."""
    return _end(actor, dossier, Action.STOP, DossierStatus.STOPPED, reason)
