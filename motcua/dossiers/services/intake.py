"""Intake: online submission, receipt at the desk (with the route and the appointment), intake
with missing documents (form 02) and refusal at intake (form 03)."""

from datetime import datetime
from uuid import uuid4

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.catalog.models import Channel, Procedure
from motcua.common.errors import InvalidInput
from motcua.dossiers.models import (
    Dossier,
    DossierDocument,
    ReturnMethod,
    SupplementRequest,
)
from motcua.dossiers.services._common import (
    authorize,
    calendar_of,
    clean_reason,
    clean_text,
    iso,
    load_steps,
    local_date,
    lock,
    now,
    record_event,
    require_desk,
    rule_version_on,
    save,
)
from motcua.dossiers.services.inputs import (
    add_documents,
    clean_applicant,
    clean_channel,
    clean_desk,
    clean_documents,
    clean_items,
    clean_procedure,
    dossier_code_next,
)
from motcua.dossiers.services.plan import competent_agency_for, start_processing
from motcua.dossiers.statuses import NEW, Action, DossierStatus
from motcua.organizations.models import Agency
from motcua.workdays.engine import DAYS, due_at_after


def _base_dossier(
    *,
    receiving_agency: Agency,
    procedure: Procedure,
    channel: str,
    applicant: dict,
    competent_agency: Agency | None,
    status: str,
    at: datetime,
    request_summary: str = "",
    set_count: int = 1,
    return_method: str = ReturnMethod.AT_DESK,
    applicant_user=None,
    code_later: bool = False,
) -> Dossier:
    """The new dossier, saved with its code of the day — or, with `code_later`, with a
    placeholder only this transaction sees, the caller taking the number last (`_received`):
    concurrent receipts at one desk then wait on the day's counter for the last statements of
    a receipt only, not for all of it."""
    if competent_agency is None:
        competent_agency = competent_agency_for(
            procedure=procedure, receiving_agency=receiving_agency
        )
    elif not isinstance(competent_agency, Agency):
        raise InvalidInput(_("Cơ quan có thẩm quyền không hợp lệ."), code="invalid_agency")
    if isinstance(set_count, bool) or not isinstance(set_count, int) or not 1 <= set_count <= 100:
        raise InvalidInput(_("Số bộ hồ sơ phải từ 1 đến 100."), code="invalid_set_count")
    if return_method not in ReturnMethod.values:
        raise InvalidInput(_("Hình thức nhận kết quả không hợp lệ."), code="invalid_return_method")
    dossier = Dossier(
        procedure=procedure,
        procedure_name=procedure.name,
        receiving_agency=receiving_agency,
        competent_agency=competent_agency,
        channel=channel,
        status=status,
        rule_version=rule_version_on(local_date(at)),
        request_summary=clean_text(request_summary, field=_("nội dung yêu cầu"), max_length=4000),
        set_count=set_count,
        return_method=return_method,
        applicant_user=applicant_user,
        **applicant,
    )
    if code_later:
        dossier.code = f"~{uuid4().hex}"
    else:
        dossier.code = dossier_code_next(agency=receiving_agency, at=at)
    dossier.save()
    return dossier


# -- the services --------------------------------------------------------------------------------


@transaction.atomic
def dossier_submit(
    *,
    actor,
    receiving_agency: Agency,
    procedure: Procedure,
    applicant: dict,
    documents: list[dict],
    request_summary: str = "",
    set_count: int = 1,
    return_method: str = ReturnMethod.AT_DESK,
    competent_agency: Agency | None = None,
) -> Dossier:
    """An online submission (Mới đăng ký): a code, no clock yet; the desk accepts it with
    `dossier_receive(dossier=…)`. `actor`: the citizen's account, or None for an integration."""
    procedure = clean_procedure(procedure)
    receiving_agency = clean_desk(receiving_agency)
    channel = clean_channel(procedure, Channel.ONLINE)
    values = clean_applicant(applicant)
    cleaned_documents = clean_documents(documents)
    at = now()
    applicant_user = actor if actor is not None and actor.is_authenticated else None
    dossier = _base_dossier(
        receiving_agency=receiving_agency,
        procedure=procedure,
        channel=channel,
        applicant=values,
        competent_agency=competent_agency,
        status=DossierStatus.SUBMITTED,
        at=at,
        request_summary=request_summary,
        set_count=set_count,
        return_method=return_method,
        applicant_user=applicant_user,
    )
    dossier.submitted_at = at
    dossier.is_digitized = True
    save(dossier, "submitted_at", "is_digitized")
    add_documents(dossier, cleaned_documents, new=True)
    record_event(
        dossier, action=Action.SUBMIT, from_status=NEW, actor=actor, at=at,
        agency=receiving_agency,
    )  # fmt: skip
    return dossier


@transaction.atomic
def dossier_receive(
    *,
    actor,
    receiving_agency: Agency,
    procedure: Procedure,
    channel: str,
    applicant: dict,
    documents: list[dict],
    request_summary: str = "",
    set_count: int = 1,
    return_method: str = ReturnMethod.AT_DESK,
    competent_agency: Agency | None = None,
    dossier: Dossier | None = None,
) -> Dossier:
    """Receive a complete dossier at the desk: a new one brought in person or by post
    (`dossier` None), or an online one (`dossier` submitted). Issues the appointment (form 01)."""
    at = now()
    if dossier is not None:
        return _accept_online(
            actor=actor,
            dossier=dossier,
            procedure=procedure,
            applicant=applicant,
            documents=documents,
            request_summary=request_summary,
            at=at,
        )
    receiving_agency = clean_desk(receiving_agency)
    require_desk(actor, receiving_agency, Action.RECEIVE)
    procedure = clean_procedure(procedure)
    channel = clean_channel(procedure, channel)
    if channel == Channel.ONLINE:
        raise InvalidInput(
            _("Hồ sơ trực tuyến được tiếp nhận từ hồ sơ công dân đã nộp trên cổng dịch vụ công."),
            code="online_needs_submission",
        )
    values = clean_applicant(applicant)
    cleaned_documents = clean_documents(documents)
    new = _base_dossier(
        receiving_agency=receiving_agency,
        procedure=procedure,
        channel=channel,
        applicant=values,
        competent_agency=competent_agency,
        status=DossierStatus.RECEIVED,
        at=at,
        request_summary=request_summary,
        set_count=set_count,
        return_method=return_method,
        code_later=True,
    )
    add_documents(new, cleaned_documents, new=True)
    return _received(new, actor=actor, at=at, from_status=NEW, number=True)


def _accept_online(*, actor, dossier, procedure, applicant, documents, request_summary, at):
    dossier = lock(dossier)
    authorize(actor, dossier, Action.RECEIVE, steps=[])
    if procedure is not None and procedure.pk != dossier.procedure_id:
        raise InvalidInput(_("Thủ tục không khớp với hồ sơ đã nộp."), code="procedure_mismatch")
    changed = []
    if applicant:
        for field, value in clean_applicant(applicant).items():
            setattr(dossier, field, value)
            changed.append(field)
    if request_summary:
        dossier.request_summary = clean_text(
            request_summary, field=_("nội dung yêu cầu"), max_length=4000
        )
        changed.append("request_summary")
    cleaned_documents = clean_documents(documents)
    if cleaned_documents:
        DossierDocument.objects.filter(dossier=dossier).delete()
        add_documents(dossier, cleaned_documents)
    if changed:
        save(dossier, *changed)
    return _received(dossier, actor=actor, at=at, from_status=DossierStatus.SUBMITTED)


def _received(
    dossier: Dossier, *, actor, at: datetime, from_status: str, number: bool = False
) -> Dossier:
    """The receipt written; `number`: the dossier still has its placeholder code
    (`_base_dossier(code_later=True)`), the number of the day is taken now."""
    first = start_processing(dossier, at)
    fields = [
        "received_at", "rule_version", "processing_amount", "processing_unit",
        "clock_started_at", "due_at", "original_due_at", "status", "is_digitized",
    ]  # fmt: skip
    if number:
        dossier.code = dossier_code_next(agency=dossier.receiving_agency, at=at)
        fields.append("code")
    save(dossier, *fields)
    record_event(
        dossier,
        action=Action.RECEIVE,
        from_status=from_status,
        actor=actor,
        at=at,
        agency=dossier.receiving_agency,
        to_step=first,
        data={"due_at": iso(dossier.due_at), "clock_started_at": iso(dossier.clock_started_at)},
    )
    return dossier


def supplement_request_open(dossier: Dossier, *, actor, items, reason, at) -> SupplementRequest:
    """Form 02: everything missing, in one go, with the deadline for answering."""
    calendar = calendar_of(dossier)
    deadline = due_at_after(
        at, dossier.rule_version.supplement_timeout_days, DAYS, calendar, cutoff=None
    )
    dossier.supplement_count += 1
    return SupplementRequest.objects.create(
        dossier=dossier,
        items=items,
        reason=reason,
        requested_at=at,
        requested_by=actor if actor is not None and actor.is_authenticated else None,
        deadline_at=deadline,
    )


@transaction.atomic
def dossier_intake_incomplete(
    *,
    actor,
    receiving_agency: Agency,
    procedure: Procedure,
    channel: str,
    applicant: dict,
    documents: list[dict],
    items: list[str],
    reason: str,
) -> Dossier:
    """The desk finds the dossier incomplete: it gets a code and a supplement request (form 02);
    the clock starts only when the dossier is complete."""
    receiving_agency = clean_desk(receiving_agency)
    require_desk(actor, receiving_agency, Action.REQUEST_SUPPLEMENT)
    procedure = clean_procedure(procedure)
    channel = clean_channel(procedure, channel)
    values = clean_applicant(applicant)
    cleaned_documents = clean_documents(documents)
    items = clean_items(items)
    reason = clean_reason(reason)
    at = now()
    dossier = _base_dossier(
        receiving_agency=receiving_agency,
        procedure=procedure,
        channel=channel,
        applicant=values,
        competent_agency=None,
        status=DossierStatus.SUPPLEMENT_REQUESTED,
        at=at,
    )
    add_documents(dossier, cleaned_documents, new=True)
    request = supplement_request_open(dossier, actor=actor, items=items, reason=reason, at=at)
    dossier.status_reason = reason
    save(dossier, "supplement_count", "status_reason")
    record_event(
        dossier,
        action=Action.REQUEST_SUPPLEMENT,
        from_status=NEW,
        actor=actor,
        at=at,
        agency=receiving_agency,
        public_note=reason,
        data={
            "items": items,
            "supplement_request": request.pk,
            "deadline_at": iso(request.deadline_at),
        },
    )
    return dossier


@transaction.atomic
def dossier_intake_refuse(
    *,
    actor,
    receiving_agency: Agency,
    procedure: Procedure,
    channel: str,
    applicant: dict,
    reason: str,
) -> Dossier:
    """Refusal at intake with the reasons (form 03): a dossier with a code, not accepted."""
    receiving_agency = clean_desk(receiving_agency)
    require_desk(actor, receiving_agency, Action.REFUSE_INTAKE)
    if not isinstance(procedure, Procedure):
        raise InvalidInput(_("Thủ tục không hợp lệ."), code="invalid_procedure")
    if channel not in Channel.values:
        raise InvalidInput(_("Hình thức nộp không hợp lệ."), code="invalid_channel")
    values = clean_applicant(applicant)
    reason = clean_reason(reason)
    at = now()
    dossier = _base_dossier(
        receiving_agency=receiving_agency,
        procedure=procedure,
        channel=channel,
        applicant=values,
        competent_agency=None,
        status=DossierStatus.NOT_ACCEPTED,
        at=at,
    )
    dossier.status_reason = reason
    dossier.finished_at = at
    save(dossier, "status_reason", "finished_at")
    record_event(
        dossier, action=Action.REFUSE_INTAKE, from_status=NEW, actor=actor, at=at,
        agency=receiving_agency, public_note=reason,
    )  # fmt: skip
    return dossier


@transaction.atomic
def dossier_refuse_intake(*, actor, dossier: Dossier, reason: str) -> Dossier:
    """The desk refuses an online dossier (form 03)."""
    dossier = lock(dossier)
    authorize(actor, dossier, Action.REFUSE_INTAKE, steps=load_steps(dossier))
    reason = clean_reason(reason)
    at = now()
    from_status = dossier.status
    dossier.status = DossierStatus.NOT_ACCEPTED
    dossier.status_reason = reason
    dossier.finished_at = at
    save(dossier, "status", "status_reason", "finished_at")
    record_event(
        dossier, action=Action.REFUSE_INTAKE, from_status=from_status, actor=actor, at=at,
        agency=dossier.receiving_agency, public_note=reason,
    )  # fmt: skip
    return dossier


__all__ = [
    "clean_documents",
    "clean_items",
    "competent_agency_for",
    "dossier_code_next",
    "dossier_intake_incomplete",
    "dossier_intake_refuse",
    "dossier_receive",
    "dossier_refuse_intake",
    "dossier_submit",
    "start_processing",
    "supplement_request_open",
]
