"""The officers' dossier API: intake at the desk, the dossier as an officer sees it, the
worklists, and every action of the route. Token or session auth; each endpoint parses its input,
calls one service or selector of motcua.dossiers and renders the dossier.

Codes sent in a body that name nothing (an agency, a procedure, an officer, a step) are a 400;
a dossier the caller may not see is the same 404 as one that does not exist.
"""

from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Status

from motcua.api.auth import officer_auth
from motcua.api.dossiers.actions import API_ACTIONS, ApiAction
from motcua.api.dossiers.inputs import agency_by_code, applicant_in, documents_in, procedure_by_code
from motcua.api.dossiers.render import (
    STATUS_LABELS,
    agency_ref,
    dossier_code,
    dossier_out,
    local_time,
    username_of,
)
from motcua.api.dossiers.schemas import (
    ERRORS,
    DossierCreateIn,
    DossierOut,
    ErrorOut,
    WorklistOut,
)
from motcua.api.schemas import limit_query, offset_query
from motcua.common.errors import NotFound
from motcua.dossiers import services
from motcua.dossiers.access import access_dossier
from motcua.dossiers.selectors import worklist
from motcua.dossiers.statuses import Action

router = Router(tags=["dossiers"], auth=officer_auth)


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
    desk = agency_by_code(payload.receiving_agency, field="receiving_agency")
    publisher = (
        agency_by_code(payload.procedure_agency, field="procedure_agency")
        if payload.procedure_agency
        else desk
    )
    common = {
        "actor": actor,
        "receiving_agency": desk,
        "procedure": procedure_by_code(payload.procedure, publisher),
        "channel": payload.channel,
        "applicant": applicant_in(payload.applicant),
    }
    if payload.decision == "refuse":
        dossier = services.dossier_intake_refuse(**common, reason=payload.reason)
    elif payload.decision == "incomplete":
        dossier = services.dossier_intake_incomplete(
            **common,
            documents=documents_in(payload.documents),
            items=payload.items,
            reason=payload.reason,
        )
    else:
        dossier = services.dossier_receive(
            **common,
            documents=documents_in(payload.documents),
            request_summary=payload.request_summary,
            set_count=payload.set_count,
            return_method=payload.return_method,
        )
    return Status(201, dossier_out(actor, dossier.code))


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
        "assigned", "department", "due_soon", "overdue", "to_sign", "intake", "at_desk", "to_return"
    ] = Query(..., description=gettext_lazy("Danh sách nào.")),
    limit: int = limit_query(gettext_lazy("Số hồ sơ mỗi trang, từ 1 đến 100.")),
    offset: int = offset_query(gettext_lazy("Bỏ qua bao nhiêu hồ sơ đầu.")),
):
    dossiers = worklist(user=request.auth, kind=kind)
    items = [
        {
            "code": dossier.code,
            "procedure": {"code": dossier.procedure.code, "name": dossier.procedure_name},
            "applicant_name": dossier.applicant_name,
            "status": dossier.status,
            "status_label": str(STATUS_LABELS[dossier.status]),
            "received_at": local_time(dossier.received_at),
            "due_at": local_time(dossier.due_at),
            "current_steps": [
                {
                    "order": step.order,
                    "name": step.name,
                    "agency": agency_ref(step.agency),
                    "role": step.role,
                    "assignee": username_of(step.assignee),
                    "due_at": local_time(step.due_at),
                }
                for step in dossier.active_steps
            ],
        }
        for dossier in dossiers[offset : offset + limit]
    ]
    return {"count": dossiers.count(), "items": items}


@router.get(
    "/{code}",
    response={200: DossierOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
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
    return dossier_out(request.auth, code)


# -- actions: one operation per action, each with its own body in the OpenAPI document --------


def _register(name: str, spec: ApiAction) -> None:
    body_schema = spec.body

    def run(request: HttpRequest, code: str, payload) -> dict:
        dossier = access_dossier(user=request.auth, code=dossier_code(code))
        spec.run(request.auth, dossier, payload)
        return dossier_out(request.auth, dossier.code)

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
