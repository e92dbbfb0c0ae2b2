"""The officers' dossier API: intake at the desk, the dossier as an officer sees it, the
worklists, and every action of the route. Token or session auth; each endpoint parses its input,
calls one service or selector of motcua.dossiers and renders the dossier.

Codes sent in a body that name nothing (an agency, a procedure, an officer, a step) are a 400;
a dossier the caller may not see is the same 404 as one that does not exist.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from motcua.api.auth import officer_auth
from motcua.catalog.models import Procedure
from motcua.catalog.selectors import procedure_get
from motcua.common.errors import InvalidInput, NotFound
from motcua.dossiers import services
from motcua.dossiers.access import access_dossier, allowed_actions
from motcua.dossiers.models import Dossier, DossierStep, Outcome
from motcua.dossiers.selectors import dossier_detail, worklist
from motcua.dossiers.statuses import Action, DossierStatus
from motcua.organizations.models import Agency, User
from motcua.workdays.engine import OFFICE_TZ

router = Router(tags=["dossiers"], auth=officer_auth)

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


# -- schemas -------------------------------------------------------------------------------------


class ErrorOut(Schema):
    code: str
    message: str
    details: dict | None = None


class _In(Schema):
    # A misspelt field is an error, not silently ignored (a typo in "reason" must not pass).
    model_config = ConfigDict(extra="forbid")


class ApplicantIn(_In):
    name: str
    id_number: str = ""
    birth_date: date | None = Field(None, description=gettext_lazy("YYYY-MM-DD"))
    address: str = ""
    phone: str = ""
    email: str = ""
    representative: str = ""


class DossierDocumentIn(_In):
    name: str
    originals: int = 0
    copies: int = 0


class DossierCreateIn(_In):
    receiving_agency: str = Field(
        description=gettext_lazy("Mã bộ phận một cửa / trung tâm phục vụ hành chính công.")
    )
    procedure: str = Field(description=gettext_lazy("Mã thủ tục."))
    procedure_agency: str | None = Field(
        None,
        description=gettext_lazy(
            "Mã cơ quan công bố thủ tục; bỏ trống: bản áp dụng tại nơi tiếp nhận."
        ),
    )
    channel: Literal["direct", "postal"] = "direct"
    applicant: ApplicantIn
    documents: list[DossierDocumentIn] = []
    request_summary: str = ""
    set_count: int = 1
    return_method: Literal["at_desk", "post", "electronic"] = "at_desk"
    decision: Literal["receive", "incomplete", "refuse"] = Field(
        "receive",
        description=gettext_lazy(
            "receive: hồ sơ đầy đủ, cấp giấy hẹn; incomplete: yêu cầu bổ sung (items, reason); "
            "refuse: từ chối tiếp nhận (reason)."
        ),
    )
    items: list[str] = Field(
        [], description=gettext_lazy("Các giấy tờ cần bổ sung (decision = incomplete).")
    )
    reason: str = ""


class NoteIn(_In):
    note: str = ""


class ReasonIn(_In):
    reason: str


class AcceptIn(_In):
    applicant: ApplicantIn | None = Field(
        None, description=gettext_lazy("Bỏ trống: giữ thông tin công dân đã khai.")
    )
    documents: list[DossierDocumentIn] = Field(
        [], description=gettext_lazy("Bỏ trống: giữ thành phần hồ sơ công dân đã nộp.")
    )
    request_summary: str = ""


class SendBackIn(_In):
    to_step: int = Field(description=gettext_lazy("Thứ tự của bước đã xử lý cần làm lại."))
    reason: str


class AssignIn(_In):
    assignee: str = Field(description=gettext_lazy("Tên đăng nhập của cán bộ được phân công."))
    step: int | None = Field(
        None, description=gettext_lazy("Thứ tự bước; bỏ trống: bước đang xử lý.")
    )


class SupplementRequestIn(_In):
    items: list[str]
    reason: str


class SupplementIn(_In):
    note: str = ""
    documents: list[DossierDocumentIn] = []


class SendPartnerIn(_In):
    partner_agency: str = Field(description=gettext_lazy("Mã cơ quan phối hợp (liên thông)."))
    note: str
    amount: Decimal | None = Field(
        None, description=gettext_lazy("Thời gian của cơ quan phối hợp; bỏ trống: không giới hạn.")
    )
    time_unit: Literal["days", "hours"] = "days"


class PartnerResultIn(_In):
    note: str = ""
    step: int | None = None


class ApologizeIn(_In):
    reason: str
    new_due_at: datetime = Field(
        description=gettext_lazy("Ngày giờ hẹn mới, ISO 8601; không ghi múi giờ: giờ Việt Nam.")
    )


class ReturnResultIn(_In):
    returned_to: str
    method: Literal["at_desk", "post", "electronic"]
    note: str = ""


class AgencyRefOut(Schema):
    code: str
    name: str


class DossierProcedureOut(Schema):
    code: str
    name: str


class ApplicantOut(Schema):
    name: str
    id_number: str
    birth_date: date | None
    address: str
    phone: str
    email: str
    representative: str


class DossierDocumentOut(Schema):
    name: str
    originals: int
    copies: int


class DossierStepOut(Schema):
    order: int
    name: str
    agency: AgencyRefOut
    role: str
    is_partner: bool
    parallel_group: int | None
    status: str
    assignee: str | None
    started_at: datetime | None
    due_at: datetime | None
    finished_at: datetime | None
    timeliness: str


class DossierEventOut(Schema):
    at: datetime
    action: str
    action_label: str
    from_status: str
    to_status: str
    actor: str | None
    actor_name: str
    agency: AgencyRefOut | None
    step: int | None
    to_step: int | None
    timeliness: str
    note: str
    public_note: str


class DossierOut(Schema):
    code: str
    procedure: DossierProcedureOut
    status: str
    national_status: int
    status_label: str
    status_reason: str
    outcome: str
    outcome_label: str
    channel: str
    receiving_agency: AgencyRefOut
    competent_agency: AgencyRefOut
    applicant: ApplicantOut
    request_summary: str
    set_count: int
    return_method: str
    documents: list[DossierDocumentOut]
    supplement_count: int
    submitted_at: datetime | None
    received_at: datetime | None
    due_at: datetime | None
    original_due_at: datetime | None
    extended_at: datetime | None
    extension_reason: str
    finished_at: datetime | None
    returned_at: datetime | None
    returned_to: str
    steps: list[DossierStepOut]
    allowed_actions: list[str]
    events: list[DossierEventOut]


class WorklistStepOut(Schema):
    order: int
    name: str
    agency: AgencyRefOut
    role: str
    assignee: str | None
    due_at: datetime | None


class WorklistItemOut(Schema):
    code: str
    procedure: DossierProcedureOut
    applicant_name: str
    status: str
    status_label: str
    received_at: datetime | None
    due_at: datetime | None
    current_steps: list[WorklistStepOut]


class WorklistOut(Schema):
    count: int
    items: list[WorklistItemOut]


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


# -- rendering -----------------------------------------------------------------------------------

# The name of an action in this API where it differs from the ACTIONS table.
API_NAMES = {Action.RECEIVE: "accept"}
STATUS_LABELS = dict(DossierStatus.choices)
ACTION_LABELS = dict(Action.choices)
OUTCOME_LABELS = dict(Outcome.choices)


def _local(value: datetime | None) -> datetime | None:
    return value.astimezone(OFFICE_TZ).replace(microsecond=0) if value is not None else None


def _agency(agency: Agency | None) -> dict | None:
    return {"code": agency.code, "name": agency.name} if agency is not None else None


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


def _step(step: DossierStep) -> dict:
    return {
        "order": step.order,
        "name": step.name,
        "agency": _agency(step.agency),
        "role": step.role,
        "is_partner": step.is_partner,
        "parallel_group": step.parallel_group,
        "status": step.status,
        "assignee": _username(step.assignee),
        "started_at": _local(step.started_at),
        "due_at": _local(step.due_at),
        "finished_at": _local(step.finished_at),
        "timeliness": step.timeliness,
    }


def _dossier_out(user, code: str) -> dict:
    dossier = dossier_detail(user=user, code=code)
    allowed = allowed_actions(user=user, dossier=dossier)
    return {
        "code": dossier.code,
        "procedure": {"code": dossier.procedure.code, "name": dossier.procedure_name},
        "status": dossier.status,
        "national_status": dossier.national_status,
        "status_label": str(STATUS_LABELS[dossier.status]),
        "status_reason": dossier.status_reason,
        "outcome": dossier.outcome,
        "outcome_label": str(OUTCOME_LABELS.get(dossier.outcome, "")),
        "channel": dossier.channel,
        "receiving_agency": _agency(dossier.receiving_agency),
        "competent_agency": _agency(dossier.competent_agency),
        "applicant": {
            "name": dossier.applicant_name,
            "id_number": dossier.applicant_id_number,
            "birth_date": dossier.applicant_birth_date,
            "address": dossier.applicant_address,
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
            "representative": dossier.representative,
        },
        "request_summary": dossier.request_summary,
        "set_count": dossier.set_count,
        "return_method": dossier.return_method,
        "documents": [
            {"name": d.name, "originals": d.originals, "copies": d.copies}
            for d in dossier.documents.all()
        ],
        "supplement_count": dossier.supplement_count,
        "submitted_at": _local(dossier.submitted_at),
        "received_at": _local(dossier.received_at),
        "due_at": _local(dossier.due_at),
        "original_due_at": _local(dossier.original_due_at),
        "extended_at": _local(dossier.extended_at),
        "extension_reason": dossier.extension_reason,
        "finished_at": _local(dossier.finished_at),
        "returned_at": _local(dossier.returned_at),
        "returned_to": dossier.returned_to,
        "steps": [_step(step) for step in dossier.steps.all()],
        "allowed_actions": sorted(API_NAMES.get(action, action) for action in allowed),
        "events": [
            {
                "at": _local(event.at),
                "action": event.action,
                "action_label": str(ACTION_LABELS.get(event.action, event.action)),
                "from_status": event.from_status,
                "to_status": event.to_status,
                "actor": _username(event.actor),
                "actor_name": event.actor_name,
                "agency": _agency(event.agency),
                "step": event.step.order if event.step is not None else None,
                "to_step": event.to_step.order if event.to_step is not None else None,
                "timeliness": event.timeliness,
                "note": event.note,
                "public_note": event.public_note,
            }
            for event in dossier.events.all()
        ],
    }


# -- input references ----------------------------------------------------------------------------


def _agency_by_code(code: str, *, field: str) -> Agency:
    agency = Agency.objects.filter(code=code.strip()).first() if code.strip() else None
    if agency is None:
        raise InvalidInput(
            _("Không tìm thấy cơ quan có mã «%(code)s» (trường %(field)s).")
            % {"code": code, "field": field},
            code="agency_unknown",
        )
    return agency


def _procedure(code: str, agency: Agency) -> Procedure:
    try:
        return procedure_get(code=code.strip(), agency=agency)
    except NotFound:
        raise InvalidInput(
            _("Không tìm thấy thủ tục có mã «%(code)s» áp dụng tại «%(agency)s».")
            % {"code": code, "agency": agency.name},
            code="procedure_unknown",
        ) from None


def _step_by_order(dossier: Dossier, order: int | None) -> DossierStep | None:
    if order is None:
        return None
    step = dossier.steps.filter(order=order).first()
    if step is None:
        raise InvalidInput(
            _("Hồ sơ không có bước xử lý thứ %(order)s.") % {"order": order},
            code="step_unknown",
        )
    return step


def _officer(username: str) -> User:
    user = User.objects.filter(username=username.strip()).first() if username.strip() else None
    if user is None:
        raise InvalidInput(
            _("Không tìm thấy cán bộ có tên đăng nhập «%(username)s».") % {"username": username},
            code="assignee_unknown",
        )
    return user


def _documents(documents: list[DossierDocumentIn]) -> list[dict]:
    return [document.model_dump() for document in documents]


def _applicant(applicant: ApplicantIn) -> dict:
    return applicant.model_dump()


# -- endpoints -----------------------------------------------------------------------------------


@router.post(
    "",
    response={201: DossierOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 409: ErrorOut},
    url_name="dossier_create",
    operation_id="dossier_create",
    summary=gettext_lazy("Tiếp nhận hồ sơ tại bộ phận một cửa"),
    description=gettext_lazy(
        "Hồ sơ nộp trực tiếp hoặc qua bưu chính: tiếp nhận (cấp mã và giấy hẹn), yêu cầu bổ "
        "sung (mẫu 02, liệt kê một lần mọi giấy tờ còn thiếu) hoặc từ chối tiếp nhận (mẫu 03). "
        "Người gọi phải là cán bộ tiếp nhận của nơi tiếp nhận."
    ),
)
def dossier_create(request: HttpRequest, payload: DossierCreateIn):
    actor = request.auth
    desk = _agency_by_code(payload.receiving_agency, field="receiving_agency")
    publisher = (
        _agency_by_code(payload.procedure_agency, field="procedure_agency")
        if payload.procedure_agency
        else desk
    )
    common = {
        "actor": actor,
        "receiving_agency": desk,
        "procedure": _procedure(payload.procedure, publisher),
        "channel": payload.channel,
        "applicant": _applicant(payload.applicant),
    }
    if payload.decision == "refuse":
        dossier = services.dossier_intake_refuse(**common, reason=payload.reason)
    elif payload.decision == "incomplete":
        dossier = services.dossier_intake_incomplete(
            **common,
            documents=_documents(payload.documents),
            items=payload.items,
            reason=payload.reason,
        )
    else:
        dossier = services.dossier_receive(
            **common,
            documents=_documents(payload.documents),
            request_summary=payload.request_summary,
            set_count=payload.set_count,
            return_method=payload.return_method,
        )
    return Status(201, _dossier_out(actor, dossier.code))


@router.get(
    "",
    response={200: WorklistOut, 400: ErrorOut, 401: ErrorOut},
    url_name="dossier_worklist",
    operation_id="dossier_worklist",
    summary=gettext_lazy("Danh sách hồ sơ cần làm"),
    description=gettext_lazy(
        "assigned: được giao cho tôi; department: của đơn vị tôi xử lý; due_soon: sắp đến hạn "
        "(trong một ngày làm việc); overdue: quá hạn; to_sign: chờ tôi ký duyệt; intake: hồ sơ "
        "trực tuyến chờ tiếp nhận tại bộ phận của tôi; to_return: kết quả chờ trả. Hồ sơ gấp "
        "nhất đứng đầu."
    ),
)
def dossier_worklist(
    request: HttpRequest,
    kind: Literal[
        "assigned", "department", "due_soon", "overdue", "to_sign", "intake", "to_return"
    ] = Query(..., description=gettext_lazy("Danh sách nào.")),
    limit: int = Query(
        DEFAULT_LIMIT, description=gettext_lazy("Số hồ sơ mỗi trang, từ 1 đến 100.")
    ),
    offset: int = Query(0, description=gettext_lazy("Bỏ qua bao nhiêu hồ sơ đầu.")),
):
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(
            _("Tham số limit phải từ 1 đến %(max)s.") % {"max": MAX_LIMIT}, code="invalid_limit"
        )
    if offset < 0:
        raise InvalidInput(_("Tham số offset không được âm."), code="invalid_offset")
    dossiers = worklist(user=request.auth, kind=kind)
    items = [
        {
            "code": dossier.code,
            "procedure": {"code": dossier.procedure.code, "name": dossier.procedure_name},
            "applicant_name": dossier.applicant_name,
            "status": dossier.status,
            "status_label": str(STATUS_LABELS[dossier.status]),
            "received_at": _local(dossier.received_at),
            "due_at": _local(dossier.due_at),
            "current_steps": [
                {
                    "order": step.order,
                    "name": step.name,
                    "agency": _agency(step.agency),
                    "role": step.role,
                    "assignee": _username(step.assignee),
                    "due_at": _local(step.due_at),
                }
                for step in dossier.active_steps
            ],
        }
        for dossier in dossiers[offset : offset + limit]
    ]
    return {"count": dossiers.count(), "items": items}


@router.get(
    "/{code}",
    response={200: DossierOut, 401: ErrorOut, 404: ErrorOut},
    url_name="dossier_get",
    operation_id="dossier_get",
    summary=gettext_lazy("Chi tiết hồ sơ (dành cho cán bộ)"),
    description=gettext_lazy(
        "Toàn bộ hồ sơ kèm thông tin người nộp, các bước xử lý, nhật ký và các thao tác người "
        "gọi được thực hiện lúc này (tên thao tác như trong đường dẫn /actions/{action}). Hồ sơ "
        "không tồn tại hoặc không thuộc phạm vi của người gọi: cùng một lỗi 404."
    ),
)
def dossier_get(request: HttpRequest, code: str):
    return _dossier_out(request.auth, code)


# -- actions -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiAction:
    action: str  # the entry of the ACTIONS table (its label is the summary)
    body: type[Schema]
    run: Callable[[User, Dossier, Schema], object]  # calls the one service
    description: str = ""


def _accept(actor, dossier: Dossier, body: AcceptIn):
    return services.dossier_receive(
        actor=actor,
        receiving_agency=dossier.receiving_agency,
        procedure=dossier.procedure,
        channel=dossier.channel,
        applicant=_applicant(body.applicant) if body.applicant is not None else {},
        documents=_documents(body.documents),
        request_summary=body.request_summary,
        dossier=dossier,
    )


def _apologize(actor, dossier: Dossier, body: ApologizeIn):
    new_due_at = body.new_due_at
    if new_due_at.tzinfo is None:
        new_due_at = new_due_at.replace(tzinfo=OFFICE_TZ)
    return services.dossier_apologize(
        actor=actor, dossier=dossier, reason=body.reason, new_due_at=new_due_at
    )


API_ACTIONS: dict[str, ApiAction] = {
    "accept": ApiAction(
        Action.RECEIVE,
        AcceptIn,
        _accept,
        gettext_lazy("Bộ phận một cửa tiếp nhận hồ sơ công dân đã nộp trực tuyến."),
    ),
    "refuse_intake": ApiAction(
        Action.REFUSE_INTAKE,
        ReasonIn,
        lambda actor, dossier, body: services.dossier_refuse_intake(
            actor=actor, dossier=dossier, reason=body.reason
        ),
        gettext_lazy("Từ chối tiếp nhận hồ sơ trực tuyến (mẫu 03)."),
    ),
    "request_supplement": ApiAction(
        Action.REQUEST_SUPPLEMENT,
        SupplementRequestIn,
        lambda actor, dossier, body: services.dossier_request_supplement(
            actor=actor, dossier=dossier, items=body.items, reason=body.reason
        ),
        gettext_lazy("Yêu cầu bổ sung (mẫu 02): liệt kê một lần mọi giấy tờ còn thiếu."),
    ),
    "supplement": ApiAction(
        Action.SUPPLEMENT,
        SupplementIn,
        lambda actor, dossier, body: services.dossier_supplement_received(
            actor=actor, dossier=dossier, documents=_documents(body.documents), note=body.note
        ),
        gettext_lazy("Công dân đã nộp đủ giấy tờ bổ sung; thời hạn tính lại hoặc chạy tiếp."),
    ),
    "assign": ApiAction(
        Action.ASSIGN,
        AssignIn,
        lambda actor, dossier, body: services.dossier_assign(
            actor=actor,
            dossier=dossier,
            assignee=_officer(body.assignee),
            step=_step_by_order(dossier, body.step),
        ),
    ),
    "forward": ApiAction(
        Action.FORWARD,
        NoteIn,
        lambda actor, dossier, body: services.dossier_forward(
            actor=actor, dossier=dossier, note=body.note
        ),
        gettext_lazy("Kết thúc bước của người gọi và chuyển hồ sơ sang bước tiếp theo."),
    ),
    "send_back": ApiAction(
        Action.SEND_BACK,
        SendBackIn,
        lambda actor, dossier, body: services.dossier_send_back(
            actor=actor,
            dossier=dossier,
            to_step=_step_by_order(dossier, body.to_step),
            reason=body.reason,
        ),
    ),
    "pause_payment": ApiAction(
        Action.PAUSE_PAYMENT,
        ReasonIn,
        lambda actor, dossier, body: services.dossier_pause_payment(
            actor=actor, dossier=dossier, reason=body.reason
        ),
        gettext_lazy("Tạm dừng thời hạn trong khi công dân thực hiện nghĩa vụ tài chính."),
    ),
    "resume_payment": ApiAction(
        Action.RESUME_PAYMENT,
        NoteIn,
        lambda actor, dossier, body: services.dossier_resume_payment(
            actor=actor, dossier=dossier, note=body.note
        ),
    ),
    "send_partner": ApiAction(
        Action.SEND_PARTNER,
        SendPartnerIn,
        lambda actor, dossier, body: services.dossier_send_partner(
            actor=actor,
            dossier=dossier,
            partner_agency=_agency_by_code(body.partner_agency, field="partner_agency"),
            note=body.note,
            amount=body.amount,
            time_unit=body.time_unit,
        ),
        gettext_lazy("Chuyển liên thông sang cơ quan phối hợp (một bước mới sau bước hiện tại)."),
    ),
    "partner_result": ApiAction(
        Action.PARTNER_RESULT,
        PartnerResultIn,
        lambda actor, dossier, body: services.dossier_partner_result(
            actor=actor, dossier=dossier, step=_step_by_order(dossier, body.step), note=body.note
        ),
    ),
    "approve": ApiAction(
        Action.APPROVE,
        NoteIn,
        lambda actor, dossier, body: services.dossier_approve(
            actor=actor, dossier=dossier, note=body.note
        ),
    ),
    "refuse": ApiAction(
        Action.REFUSE,
        ReasonIn,
        lambda actor, dossier, body: services.dossier_refuse(
            actor=actor, dossier=dossier, reason=body.reason
        ),
    ),
    "apologize": ApiAction(
        Action.APOLOGIZE,
        ApologizeIn,
        _apologize,
        gettext_lazy(
            "Xin lỗi và hẹn lại (mẫu 04): một lần cho mỗi hồ sơ, chậm nhất một ngày làm việc "
            "trước hạn."
        ),
    ),
    "withdraw": ApiAction(
        Action.WITHDRAW,
        ReasonIn,
        lambda actor, dossier, body: services.dossier_withdraw(
            actor=actor, dossier=dossier, reason=body.reason
        ),
    ),
    "stop": ApiAction(
        Action.STOP,
        ReasonIn,
        lambda actor, dossier, body: services.dossier_stop(
            actor=actor, dossier=dossier, reason=body.reason
        ),
        gettext_lazy("Dừng xử lý hồ sơ (mẫu 05)."),
    ),
    "return_result": ApiAction(
        Action.RETURN_RESULT,
        ReturnResultIn,
        lambda actor, dossier, body: services.dossier_return_result(
            actor=actor,
            dossier=dossier,
            returned_to=body.returned_to,
            method=body.method,
            note=body.note,
        ),
    ),
}


def _register(name: str, spec: ApiAction) -> None:
    body_schema = spec.body

    def run(request: HttpRequest, code: str, payload) -> dict:
        dossier = access_dossier(user=request.auth, code=code)
        spec.run(request.auth, dossier, payload)
        return _dossier_out(request.auth, dossier.code)

    if any(field.is_required() for field in body_schema.model_fields.values()):

        def endpoint(request: HttpRequest, code: str, payload: body_schema):  # type: ignore[valid-type]
            return run(request, code, payload)

    else:
        # Every field has a default: the body may be left out altogether.
        def endpoint(request: HttpRequest, code: str, payload: body_schema = None):  # type: ignore[valid-type]
            return run(request, code, payload if payload is not None else body_schema())

    endpoint.__name__ = f"dossier_{name}"
    router.post(
        f"/{{code}}/actions/{name}",
        response={200: DossierOut, **ERRORS},
        url_name=f"dossier_{name}",
        operation_id=f"dossier_{name}",
        summary=Action(spec.action).label,
        description=spec.description,
    )(endpoint)


for _name, _spec in API_ACTIONS.items():
    _register(_name, _spec)


@router.post("/{code}/actions/{action}", response={404: ErrorOut}, include_in_schema=False)
def dossier_action_unknown(request: HttpRequest, code: str, action: str):
    raise NotFound(
        _("Không có thao tác «%(action)s». Các thao tác: %(actions)s.")
        % {"action": action, "actions": ", ".join(API_ACTIONS)},
        code="action_unknown",
    )
