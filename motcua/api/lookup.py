"""Public dossier lookup: the status of one dossier by its code, no login, no personal data."""

from datetime import datetime

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Schema

from motcua.api.schemas import ErrorOut
from motcua.common.ratelimit import lookup_rate_limit_hit
from motcua.dossiers.public import dossier_public_status

router = Router(tags=["lookup"])


class ProcedureRefOut(Schema):
    code: str
    name: str


class WhereOut(Schema):
    agency: str
    step: str


class HistoryItemOut(Schema):
    at: datetime
    action_label: str
    status_label: str
    agency: str


class PublicStatusOut(Schema):
    code: str
    procedure: ProcedureRefOut
    status: str
    national_status: int
    status_label: str
    outcome: str
    outcome_label: str
    reason: str
    receiving_agency: str
    received_at: datetime | None
    due_at: datetime | None
    original_due_at: datetime | None
    finished_at: datetime | None
    returned_at: datetime | None
    current: list[WhereOut]
    history: list[HistoryItemOut]


@router.get(
    "/{path:code}",
    response={200: PublicStatusOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary=gettext_lazy("Tra cứu tình trạng hồ sơ"),
    description=gettext_lazy(
        "Trạng thái, các mốc thời gian, nơi đang xử lý và lịch sử của một hồ sơ theo mã hồ sơ. "
        "Không có thông tin cá nhân. Giới hạn số lần tra cứu mỗi phút cho mỗi địa chỉ IP."
    ),
)
def lookup(request: HttpRequest, code: str):
    decision = lookup_rate_limit_hit(request)
    if not decision.allowed:
        response = JsonResponse(
            {
                "code": "rate_limited",
                "message": _("Bạn tra cứu quá nhiều lần. Vui lòng thử lại sau %(seconds)s giây.")
                % {"seconds": decision.retry_after},
            },
            status=429,
        )
        response["Retry-After"] = str(decision.retry_after)
        return response
    return dossier_public_status(code=code)
