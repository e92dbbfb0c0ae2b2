"""Public catalog endpoints: search the procedures, read one in full. No login needed."""

from datetime import datetime
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema

from motcua.api.schemas import ErrorOut, limit_query, offset_query
from motcua.catalog.exchange import procedure_record, processing_time_records
from motcua.catalog.models import Procedure
from motcua.catalog.selectors import procedure_get, procedure_search

router = Router(tags=["procedures"])


class FieldOut(Schema):
    code: str
    name: str


class ProcessingTimeOut(Schema):
    channel: str
    amount: str
    unit: str
    note: str


class ProcedureItemOut(Schema):
    code: str
    name: str
    field: FieldOut
    level: str
    online_level: str
    agency_code: str | None
    processing_times: list[ProcessingTimeOut]
    url: str


class ProcedureListOut(Schema):
    count: int
    items: list[ProcedureItemOut]


class DocumentOut(Schema):
    name: str
    originals: int
    copies: int
    required: bool
    template: str
    note: str


class FeeOut(Schema):
    name: str
    amount: int
    note: str


class WorkflowStepOut(Schema):
    name: str
    unit_kind: str
    unit_name: str
    role: str
    amount: str
    time_unit: str
    parallel_group: int | None
    counts_toward_deadline: bool


class ProcedureDetailOut(Schema):
    code: str
    agency_code: str | None
    name: str
    field: FieldOut
    level: str
    methods: list[str]
    online_level: str
    is_lien_thong: bool
    cutoff: str | None
    processing_times: list[ProcessingTimeOut]
    documents: list[DocumentOut]
    fees: list[FeeOut]
    steps: str
    applicants: str
    implementing_agency: str
    result: str
    conditions: str
    legal_basis: list[str]
    workflow: list[WorkflowStepOut]
    updated_at: datetime
    url: str


def _detail_url(request: HttpRequest, procedure: Procedure) -> str:
    url = reverse("api:procedure_detail", kwargs={"code": procedure.code})
    if procedure.agency_id:
        url += "?" + urlencode({"agency": procedure.agency.code})
    return request.build_absolute_uri(url)


def _field(procedure: Procedure) -> dict:
    return {"code": procedure.field.code, "name": procedure.field.name}


@router.get(
    "",
    response={200: ProcedureListOut, 400: ErrorOut, 404: ErrorOut},
    url_name="procedure_list",
    operation_id="procedure_list",
    summary=gettext_lazy("Tìm thủ tục hành chính"),
    description=gettext_lazy(
        "Tìm theo từ khóa, không cần gõ dấu (mọi từ đều phải khớp, có thể gõ một phần từ); "
        "kết quả khớp nhất đứng đầu. Không có q: toàn bộ danh mục theo lĩnh vực."
    ),
)
def procedure_list(
    request: HttpRequest,
    q: str = Query(
        "", description=gettext_lazy("Từ khóa, tối đa 200 ký tự, ví dụ: dang ky khai sinh.")
    ),
    field: str | None = Query(None, description=gettext_lazy("Mã lĩnh vực, ví dụ HT.")),
    level: str | None = Query(
        None, description=gettext_lazy("Cấp thực hiện: province, district hoặc commune.")
    ),
    agency: str | None = Query(
        None,
        description=gettext_lazy(
            "Mã cơ quan: chỉ các thủ tục áp dụng tại cơ quan đó (danh mục chung và của cơ quan, "
            "cơ quan cấp trên)."
        ),
    ),
    limit: int = limit_query(gettext_lazy("Số kết quả mỗi trang, từ 1 đến 100.")),
    offset: int = offset_query(gettext_lazy("Bỏ qua bao nhiêu kết quả đầu.")),
):
    procedures = procedure_search(query=q, field=field or None, level=level or None, agency=agency)
    items = [
        {
            "code": procedure.code,
            "name": procedure.name,
            "field": _field(procedure),
            "level": procedure.level,
            "online_level": procedure.online_level,
            "agency_code": procedure.agency.code if procedure.agency_id else None,
            "processing_times": processing_time_records(procedure),
            "url": _detail_url(request, procedure),
        }
        for procedure in procedures[offset : offset + limit]
    ]
    return {"count": procedures.count(), "items": items}


@router.get(
    "/{code}",
    response={200: ProcedureDetailOut, 400: ErrorOut, 404: ErrorOut},
    url_name="procedure_detail",
    operation_id="procedure_detail",
    summary=gettext_lazy("Chi tiết một thủ tục hành chính"),
    description=gettext_lazy(
        "Toàn bộ nội dung công khai: thành phần hồ sơ, thời hạn theo cách thức nộp, phí, "
        "lệ phí, căn cứ pháp lý, quy trình xử lý."
    ),
)
def procedure_detail(
    request: HttpRequest,
    code: str,
    agency: str | None = Query(
        None,
        description=gettext_lazy(
            "Mã cơ quan: lấy bản thủ tục áp dụng tại cơ quan đó (nếu cơ quan có công bố riêng)."
        ),
    ),
):
    procedure = procedure_get(code=code, agency=agency or None)
    return {
        **procedure_record(procedure),
        "field": _field(procedure),
        "updated_at": procedure.updated_at,
        "url": _detail_url(request, procedure),
    }
