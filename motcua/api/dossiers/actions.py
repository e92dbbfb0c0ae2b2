"""Every action of the route the API offers, with its body and the one service it calls.
The path name is the ACTIONS entry's, except "accept" for the desk receiving an online dossier."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Schema

from motcua.api.dossiers.inputs import (
    agency_by_code,
    applicant_in,
    documents_in,
    officer_by_username,
    step_by_order,
)
from motcua.api.dossiers.schemas import (
    AcceptIn,
    ApologizeIn,
    AssignIn,
    NoteIn,
    PartnerResultIn,
    ReasonIn,
    ReturnResultIn,
    SendBackIn,
    SendPartnerIn,
    SupplementIn,
    SupplementRequestIn,
)
from motcua.common.errors import InvalidInput
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.statuses import Action
from motcua.organizations.models import User
from motcua.workdays.engine import MAX_YEAR, MIN_YEAR, OFFICE_TZ


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
        applicant=applicant_in(body.applicant) if body.applicant is not None else {},
        documents=documents_in(body.documents),
        request_summary=body.request_summary,
        dossier=dossier,
    )


def _apologize(actor, dossier: Dossier, body: ApologizeIn):
    new_due_at = body.new_due_at
    if new_due_at.tzinfo is None:
        new_due_at = new_due_at.replace(tzinfo=OFFICE_TZ)
    try:
        year = new_due_at.astimezone(OFFICE_TZ).year
    except OverflowError:
        year = None
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInput(
            _("Ngày hẹn mới phải trong các năm %(first)d–%(last)d.")
            % {"first": MIN_YEAR, "last": MAX_YEAR},
            code="invalid_new_due_at",
        )
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
            actor=actor, dossier=dossier, documents=documents_in(body.documents), note=body.note
        ),
        gettext_lazy("Công dân đã nộp đủ giấy tờ bổ sung; thời hạn tính lại hoặc chạy tiếp."),
    ),
    "assign": ApiAction(
        Action.ASSIGN,
        AssignIn,
        lambda actor, dossier, body: services.dossier_assign(
            actor=actor,
            dossier=dossier,
            assignee=officer_by_username(body.assignee),
            step=step_by_order(dossier, body.step),
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
            to_step=step_by_order(dossier, body.to_step),
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
            partner_agency=agency_by_code(body.partner_agency, field="partner_agency"),
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
            actor=actor, dossier=dossier, step=step_by_order(dossier, body.step), note=body.note
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
