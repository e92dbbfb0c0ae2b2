"""Intake: online submission, receipt at the desk (with the route and the appointment), intake
with missing documents (form 02) and refusal at intake (form 03)."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from motcua.catalog.models import Channel, Procedure, ProcessingTime, TimeUnit, UnitKind
from motcua.common.errors import InvalidInput
from motcua.common.text import fold
from motcua.dossiers.models import (
    DailySequence,
    Dossier,
    DossierDocument,
    DossierStep,
    ReturnMethod,
    SupplementRequest,
)
from motcua.dossiers.services._common import (
    activate,
    authorize,
    calendar_of,
    clean_reason,
    clean_text,
    cutoff_of,
    iso,
    load_steps,
    local_date,
    lock,
    now,
    record_event,
    require_desk,
    rule_version_on,
    save,
    step_due,
    unit_key,
)
from motcua.dossiers.statuses import NEW, Action, DossierStatus
from motcua.organizations.models import Agency, AgencyKind, Role
from motcua.workdays.engine import DAYS, clock_start, due_at_after

APPLICANT_KEYS = frozenset(
    {"name", "id_number", "birth_date", "address", "phone", "email", "representative"}
)
_MAX_DOCUMENTS = 200
_MAX_COPIES = 1000


# -- the dossier code ----------------------------------------------------------------------------


def _next_number(agency: Agency, day: date) -> int:
    """The next number of the day at this desk, in one atomic statement (no read-then-write):
    concurrent intakes wait on the row and each gets its own number; a rolled-back intake gives
    its number back. Works on SQLite ≥ 3.35 and PostgreSQL."""
    table = connection.ops.quote_name(DailySequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last_value) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last_value = {table}.last_value + 1 "
            "RETURNING last_value",
            [agency.pk, connection.ops.adapt_datefield_value(day)],
        )
        return int(cursor.fetchone()[0])


def dossier_code_next(*, agency: Agency, at: datetime) -> str:
    """`<desk e-ID code>-<YYMMDD>-<number of the day, ≥ 4 digits>` (DOMAIN §2)."""
    day = local_date(at)
    while True:
        code = f"{agency.code}-{day:%y%m%d}-{_next_number(agency, day):04d}"
        # Only a dossier imported from an older system can hold a code of ours already.
        if not Dossier.objects.filter(code=code).exists():
            return code


# -- input ---------------------------------------------------------------------------------------


def _clean_applicant(applicant) -> dict:
    if not isinstance(applicant, dict):
        raise InvalidInput(_("Thông tin người nộp hồ sơ không hợp lệ."), code="invalid_applicant")
    unknown = set(applicant) - APPLICANT_KEYS
    if unknown:
        raise InvalidInput(
            _("Thông tin người nộp có trường không hợp lệ: %(keys)s.")
            % {"keys": ", ".join(sorted(map(str, unknown)))},
            code="invalid_applicant",
        )
    values = {
        "applicant_name": clean_text(
            applicant.get("name"), field=_("họ tên người nộp"), max_length=200, required=True
        ),
        "applicant_id_number": clean_text(
            applicant.get("id_number"), field=_("số định danh/CCCD"), max_length=20
        ),
        "applicant_address": clean_text(
            applicant.get("address"), field=_("địa chỉ"), max_length=500
        ),
        "applicant_phone": clean_text(
            applicant.get("phone"), field=_("số điện thoại"), max_length=20
        ),
        "applicant_email": clean_text(
            applicant.get("email"), field=_("thư điện tử"), max_length=254
        ),
        "representative": clean_text(
            applicant.get("representative"), field=_("người đại diện"), max_length=300
        ),
        "applicant_birth_date": _clean_birth_date(applicant.get("birth_date")),
    }
    if values["applicant_id_number"] and not values["applicant_id_number"].isdigit():
        raise InvalidInput(_("Số định danh/CCCD chỉ gồm chữ số."), code="invalid_id_number")
    if values["applicant_email"]:
        try:
            validate_email(values["applicant_email"])
        except ValidationError:
            raise InvalidInput(
                _("Địa chỉ thư điện tử không hợp lệ."), code="invalid_email"
            ) from None
    return values


def _clean_birth_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        raise InvalidInput(_("Ngày sinh không hợp lệ."), code="invalid_birth_date")
    if isinstance(value, date):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = parse_date(value.strip())
        except ValueError:
            parsed = None
    else:
        parsed = None
    if parsed is None or parsed.year < 1900:
        raise InvalidInput(
            _("Ngày sinh không hợp lệ (định dạng YYYY-MM-DD)."), code="invalid_birth_date"
        )
    return parsed


def _clean_count(value, *, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_COPIES:
        raise InvalidInput(
            _("Số «%(field)s» phải là số nguyên từ 0 đến %(max)d.")
            % {"field": field, "max": _MAX_COPIES},
            code="invalid_document",
        )
    return value


def clean_documents(documents) -> list[dict]:
    if documents is None:
        return []
    if not isinstance(documents, list | tuple) or len(documents) > _MAX_DOCUMENTS:
        raise InvalidInput(_("Danh sách thành phần hồ sơ không hợp lệ."), code="invalid_document")
    cleaned = []
    for item in documents:
        if not isinstance(item, dict) or set(item) - {"name", "originals", "copies"}:
            raise InvalidInput(
                _("Mỗi giấy tờ gồm: tên, số bản chính, số bản sao."), code="invalid_document"
            )
        cleaned.append(
            {
                "name": clean_text(
                    item.get("name"), field=_("tên giấy tờ"), max_length=500, required=True
                ),
                "originals": _clean_count(item.get("originals", 0), field=_("bản chính")),
                "copies": _clean_count(item.get("copies", 0), field=_("bản sao")),
            }
        )
    return cleaned


def add_documents(dossier: Dossier, documents: list[dict]) -> None:
    start = DossierDocument.objects.filter(dossier=dossier).count()
    DossierDocument.objects.bulk_create(
        DossierDocument(dossier=dossier, order=start + position, **values)
        for position, values in enumerate(documents)
    )


def _clean_channel(procedure: Procedure, channel) -> str:
    if channel not in Channel.values:
        raise InvalidInput(
            _("Hình thức nộp không hợp lệ: «%(channel)s».") % {"channel": channel},
            code="invalid_channel",
        )
    if channel not in procedure.methods:
        raise InvalidInput(
            _("Thủ tục «%(procedure)s» không nhận hồ sơ theo hình thức «%(channel)s».")
            % {"procedure": procedure.name, "channel": Channel(channel).label},
            code="channel_not_accepted",
        )
    return channel


def _clean_desk(agency) -> Agency:
    if not isinstance(agency, Agency) or agency.kind != AgencyKind.SERVICE_CENTER:
        raise InvalidInput(
            _("Nơi tiếp nhận phải là bộ phận một cửa hoặc trung tâm phục vụ hành chính công."),
            code="not_a_desk",
        )
    return agency


def _clean_procedure(procedure) -> Procedure:
    if not isinstance(procedure, Procedure):
        raise InvalidInput(_("Thủ tục không hợp lệ."), code="invalid_procedure")
    if not procedure.is_published:
        raise InvalidInput(
            _("Thủ tục «%(procedure)s» không còn được áp dụng.") % {"procedure": procedure.name},
            code="procedure_unpublished",
        )
    return procedure


def competent_agency_for(*, procedure: Procedure, receiving_agency: Agency) -> Agency:
    """The publishing agency of the procedure, else the agency the desk belongs to."""
    if procedure.agency_id is not None:
        return procedure.agency
    ancestors = receiving_agency.ancestors_path_ids()[:-1]
    if ancestors:
        by_id = Agency.objects.in_bulk(ancestors)
        for agency_id in reversed(ancestors):
            if by_id[agency_id].kind != AgencyKind.SERVICE_CENTER:
                return by_id[agency_id]
    return receiving_agency


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
) -> Dossier:
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
    dossier.code = dossier_code_next(agency=receiving_agency, at=at)
    dossier.save()
    return dossier


# -- the route and the clock ---------------------------------------------------------------------


def _processing_time(procedure: Procedure, channel: str) -> ProcessingTime:
    times = {row.channel: row for row in procedure.processing_times.all()}
    row = times.get(channel) or times.get(Channel.DIRECT)
    if row is None:
        raise InvalidInput(
            _("Thủ tục «%(procedure)s» chưa có thời hạn giải quyết.")
            % {"procedure": procedure.name},
            code="processing_time_missing",
        )
    return row


def _resolve_units(dossier: Dossier, template: list) -> list[Agency]:
    competent = dossier.competent_agency
    departments = []
    externals = []
    if any(step.unit_kind == UnitKind.DEPARTMENT for step in template):
        departments = list(
            Agency.objects.filter(
                parent=competent, kind=AgencyKind.DEPARTMENT, is_active=True
            ).order_by("path")
        )
    if any(step.unit_kind == UnitKind.EXTERNAL for step in template):
        root = competent.path.split("/")[1]
        externals = list(
            Agency.objects.filter(
                kind=AgencyKind.EXTERNAL, is_active=True, path__startswith=f"/{root}/"
            ).order_by("path")
        )
    resolved = []
    for step in template:
        key = unit_key(step.unit_name)
        if step.unit_kind == UnitKind.SERVICE_CENTER:
            resolved.append(dossier.receiving_agency)
            continue
        pool = departments if step.unit_kind == UnitKind.DEPARTMENT else externals
        matches = [agency for agency in pool if key and key in fold(agency.name)]
        # The partner nearest the competent agency in the tree (longest shared path).
        matches.sort(key=lambda a: -len(_shared_prefix(a.path, competent.path)))
        resolved.append(matches[0] if matches else competent)
    return resolved


def _shared_prefix(first: str, second: str) -> str:
    parts = []
    for a, b in zip(first.split("/"), second.split("/"), strict=False):
        if a != b:
            break
        parts.append(a)
    return "/".join(parts)


def _default_template(amount: Decimal, unit: str) -> list[dict]:
    """A procedure without a workflow template: desk → competent agency → leader → desk."""
    return [
        {"name": _("Tiếp nhận hồ sơ"), "unit_kind": UnitKind.SERVICE_CENTER,
         "role": Role.RECEPTION, "amount": Decimal(0)},
        {"name": _("Xử lý hồ sơ"), "unit_kind": UnitKind.DEPARTMENT, "role": Role.SPECIALIST,
         "amount": amount},
        {"name": _("Ký duyệt kết quả"), "unit_kind": UnitKind.DEPARTMENT, "role": Role.LEADER,
         "amount": Decimal(0)},
        {"name": _("Trả kết quả"), "unit_kind": UnitKind.SERVICE_CENTER, "role": Role.RECEPTION,
         "amount": Decimal(0)},
    ]  # fmt: skip


def _instantiate_steps(dossier: Dossier, processing: ProcessingTime) -> list[DossierStep]:
    from motcua.catalog.models import WorkflowStep

    template = list(dossier.procedure.workflow_steps.order_by("order", "id"))
    if not template:
        template = [
            WorkflowStep(
                unit_name="",
                time_unit=processing.unit if row["amount"] else TimeUnit.DAYS,
                parallel_group=None,
                counts_toward_deadline=True,
                **row,
            )
            for row in _default_template(processing.amount, processing.unit)
        ]
    agencies = _resolve_units(dossier, template)
    has_own_work = any(step.unit_kind == UnitKind.DEPARTMENT for step in template)
    steps = [
        DossierStep(
            dossier=dossier,
            order=position,
            name=step.name,
            agency=agency,
            role=step.role,
            # An outside agency is a liên thông partner when the competent agency's own
            # units also work on the dossier; when it does all the work, it is the handler.
            is_partner=step.unit_kind == UnitKind.EXTERNAL and has_own_work,
            parallel_group=step.parallel_group,
            counts_toward_deadline=step.counts_toward_deadline,
            amount=step.amount,
            time_unit=step.time_unit,
        )
        for position, (step, agency) in enumerate(zip(template, agencies, strict=True), start=1)
    ]
    return DossierStep.objects.bulk_create(steps)


def _plan_steps(steps: list[DossierStep], start: datetime, calendar) -> None:
    """Each step's due time from its share, one after the other (a parallel group together);
    a step outside the statutory time does not move the steps after it."""
    cursor = start
    index = 0
    while index < len(steps):
        group = [steps[index]]
        if steps[index].parallel_group is not None:
            while (
                index + len(group) < len(steps)
                and steps[index + len(group)].parallel_group == steps[index].parallel_group
            ):
                group.append(steps[index + len(group)])
        ends = []
        for step in group:
            step.due_at = step_due(step, cursor, calendar) if step.amount else cursor
            if step.counts_toward_deadline:
                ends.append(step.due_at)
        if ends:
            cursor = max(ends)
        index += len(group)


def start_processing(dossier: Dossier, at: datetime) -> DossierStep:
    """The receipt: rule version, clock, appointment, route (DOMAIN §2–§3). Returns the first
    step, now active."""
    dossier.received_at = at
    dossier.rule_version = rule_version_on(local_date(at))
    processing = _processing_time(dossier.procedure, dossier.channel)
    calendar = calendar_of(dossier)
    cutoff = cutoff_of(dossier)
    dossier.processing_amount = processing.amount
    dossier.processing_unit = processing.unit
    dossier.clock_started_at = clock_start(at, calendar, cutoff=cutoff)
    dossier.due_at = due_at_after(at, processing.amount, processing.unit, calendar, cutoff=cutoff)
    dossier.original_due_at = dossier.due_at
    dossier.status = DossierStatus.RECEIVED
    if dossier.channel == Channel.ONLINE:
        dossier.is_digitized = True  # it came electronically
    steps = _instantiate_steps(dossier, processing)
    _plan_steps(steps, dossier.clock_started_at, calendar)
    DossierStep.objects.bulk_update(steps, ["due_at"])
    first = steps[0]
    planned_due = first.due_at
    activate(dossier, [first], at, calendar)
    first.due_at = planned_due  # counted from where the clock starts, not from the receipt
    first.save(update_fields=["due_at"])
    return first


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
    procedure = _clean_procedure(procedure)
    receiving_agency = _clean_desk(receiving_agency)
    channel = _clean_channel(procedure, Channel.ONLINE)
    values = _clean_applicant(applicant)
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
    add_documents(dossier, cleaned_documents)
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
    receiving_agency = _clean_desk(receiving_agency)
    require_desk(actor, receiving_agency, Action.RECEIVE)
    procedure = _clean_procedure(procedure)
    channel = _clean_channel(procedure, channel)
    if channel == Channel.ONLINE:
        raise InvalidInput(
            _("Hồ sơ trực tuyến được tiếp nhận từ hồ sơ công dân đã nộp trên cổng dịch vụ công."),
            code="online_needs_submission",
        )
    values = _clean_applicant(applicant)
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
    )
    add_documents(new, cleaned_documents)
    return _received(new, actor=actor, at=at, from_status=NEW)


def _accept_online(*, actor, dossier, procedure, applicant, documents, request_summary, at):
    dossier = lock(dossier)
    authorize(actor, dossier, Action.RECEIVE, steps=[])
    if procedure is not None and procedure.pk != dossier.procedure_id:
        raise InvalidInput(_("Thủ tục không khớp với hồ sơ đã nộp."), code="procedure_mismatch")
    changed = []
    if applicant:
        for field, value in _clean_applicant(applicant).items():
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


def _received(dossier: Dossier, *, actor, at: datetime, from_status: str) -> Dossier:
    first = start_processing(dossier, at)
    save(
        dossier,
        "received_at", "rule_version", "processing_amount", "processing_unit",
        "clock_started_at", "due_at", "original_due_at", "status", "is_digitized",
    )  # fmt: skip
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


def clean_items(items) -> list[str]:
    if not isinstance(items, list | tuple) or not items or len(items) > _MAX_DOCUMENTS:
        raise InvalidInput(
            _("Cần liệt kê đầy đủ, một lần, các giấy tờ phải bổ sung."), code="items_required"
        )
    return [
        clean_text(item, field=_("giấy tờ cần bổ sung"), max_length=500, required=True)
        for item in items
    ]


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
    receiving_agency = _clean_desk(receiving_agency)
    require_desk(actor, receiving_agency, Action.REQUEST_SUPPLEMENT)
    procedure = _clean_procedure(procedure)
    channel = _clean_channel(procedure, channel)
    values = _clean_applicant(applicant)
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
    add_documents(dossier, cleaned_documents)
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
    receiving_agency = _clean_desk(receiving_agency)
    require_desk(actor, receiving_agency, Action.REFUSE_INTAKE)
    if not isinstance(procedure, Procedure):
        raise InvalidInput(_("Thủ tục không hợp lệ."), code="invalid_procedure")
    if channel not in Channel.values:
        raise InvalidInput(_("Hình thức nộp không hợp lệ."), code="invalid_channel")
    values = _clean_applicant(applicant)
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
