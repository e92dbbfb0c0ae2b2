"""Bodies and answers of the dossier API (OpenAPI components)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

from motcua.api.schemas import ErrorOut


class _In(Schema):
    # A misspelt field is an error, not silently ignored (a typo in "reason" must not pass).
    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value):
        # PostgreSQL cannot store a NUL character in text: refuse it here, as bad input.
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError(_("Văn bản không được chứa ký tự NUL."))
        return value


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
