"""Dossier statuses, their national codes, and the table of allowed actions.

Internal statuses are finer than the national ones (DOMAIN §2): each maps to one national code
1–10, which is what reports and the national portal see. The ACTIONS table is the only place that
says which action may move a dossier from which status to which; services check it, so the admin,
the API and commands cannot bypass it.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.organizations.models import Role


class DossierStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Mới đăng ký")  # sent online, not yet checked by the desk
    RECEIVED = "received", _("Đã tiếp nhận")  # accepted at the desk, not yet handed on
    NOT_ACCEPTED = "not_accepted", _("Không được tiếp nhận")  # refused at intake (form 03)
    PROCESSING = "processing", _("Đang xử lý")  # at a step of a department
    AWAITING_SIGNATURE = "awaiting_signature", _("Chờ ký duyệt")  # with the leader who signs
    AWAITING_PARTNER = "awaiting_partner", _("Chờ liên thông")  # with another agency or level
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Yêu cầu bổ sung giấy tờ")  # form 02
    AWAITING_PAYMENT = "awaiting_payment", _("Chờ thực hiện nghĩa vụ tài chính")  # clock paused
    WITHDRAWN = "withdrawn", _("Công dân rút hồ sơ")  # at the applicant's request
    STOPPED = "stopped", _("Dừng xử lý")  # form 05; also an unanswered supplement request
    RESULT_READY = "result_ready", _("Đã xử lý xong")  # the result waits at the desk
    RETURNED = "returned", _("Đã trả kết quả")  # handed over; the dossier is closed


# National status codes (DOMAIN §2), as reported to the national portal.
NATIONAL_STATUS: dict[str, int] = {
    DossierStatus.SUBMITTED: 1,
    DossierStatus.RECEIVED: 2,
    DossierStatus.NOT_ACCEPTED: 3,
    DossierStatus.PROCESSING: 4,
    DossierStatus.AWAITING_SIGNATURE: 4,
    DossierStatus.AWAITING_PARTNER: 4,
    DossierStatus.SUPPLEMENT_REQUESTED: 5,
    DossierStatus.AWAITING_PAYMENT: 6,
    DossierStatus.WITHDRAWN: 7,
    DossierStatus.STOPPED: 8,
    DossierStatus.RESULT_READY: 9,
    DossierStatus.RETURNED: 10,
}

# The status an imported record takes for each national code.
STATUS_FOR_NATIONAL: dict[int, str] = {
    1: DossierStatus.SUBMITTED,
    2: DossierStatus.RECEIVED,
    3: DossierStatus.NOT_ACCEPTED,
    4: DossierStatus.PROCESSING,
    5: DossierStatus.SUPPLEMENT_REQUESTED,
    6: DossierStatus.AWAITING_PAYMENT,
    7: DossierStatus.WITHDRAWN,
    8: DossierStatus.STOPPED,
    9: DossierStatus.RESULT_READY,
    10: DossierStatus.RETURNED,
}

# Processing has ended: no step is open, the clock no longer runs.
FINISHED = frozenset(
    {
        DossierStatus.NOT_ACCEPTED,
        DossierStatus.WITHDRAWN,
        DossierStatus.STOPPED,
        DossierStatus.RESULT_READY,
        DossierStatus.RETURNED,
    }
)
# Received and not finished: the dossier counts as "in progress" and has a due time.
OPEN = frozenset(
    {
        DossierStatus.RECEIVED,
        DossierStatus.PROCESSING,
        DossierStatus.AWAITING_SIGNATURE,
        DossierStatus.AWAITING_PARTNER,
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.AWAITING_PAYMENT,
    }
)
_IN_HAND = (
    DossierStatus.RECEIVED,
    DossierStatus.PROCESSING,
    DossierStatus.AWAITING_SIGNATURE,
    DossierStatus.AWAITING_PARTNER,
)
_DESK = (Role.RECEPTION,)
_HANDLERS = (Role.SPECIALIST, Role.DEPARTMENT_HEAD, Role.LEADER)


class Action(models.TextChoices):
    SUBMIT = "submit", _("Nộp hồ sơ trực tuyến")
    RECEIVE = "receive", _("Tiếp nhận hồ sơ")
    REFUSE_INTAKE = "refuse_intake", _("Từ chối tiếp nhận")
    REQUEST_SUPPLEMENT = "request_supplement", _("Yêu cầu bổ sung hồ sơ")
    SUPPLEMENT = "supplement", _("Nhận hồ sơ bổ sung")
    ASSIGN = "assign", _("Phân công xử lý")
    FORWARD = "forward", _("Chuyển bước xử lý")
    SEND_BACK = "send_back", _("Trả lại bước trước")
    PAUSE_PAYMENT = "pause_payment", _("Chờ thực hiện nghĩa vụ tài chính")
    RESUME_PAYMENT = "resume_payment", _("Đã thực hiện nghĩa vụ tài chính")
    SEND_PARTNER = "send_partner", _("Chuyển liên thông")
    PARTNER_RESULT = "partner_result", _("Nhận kết quả liên thông")
    APPROVE = "approve", _("Ký duyệt")
    REFUSE = "refuse", _("Từ chối giải quyết")
    APOLOGIZE = "apologize", _("Xin lỗi và hẹn lại ngày trả kết quả")
    WITHDRAW = "withdraw", _("Rút hồ sơ theo yêu cầu")
    STOP = "stop", _("Dừng xử lý")
    RETURN_RESULT = "return_result", _("Trả kết quả")
    RECOMPUTE_DUE = "recompute_due", _("Tính lại hạn xử lý")
    IMPORT = "import", _("Nhập từ hệ thống cũ")
    PAYMENT = "payment", _("Nộp phí, lệ phí")  # recorded by motcua.payments; no status change
    REFUND = "refund", _("Hoàn trả phí, lệ phí")  # recorded by motcua.payments; no status change
    ATTACH_FILE = "attach_file", _("Đính kèm tệp")  # a scan or the electronic result
    RATE = "rate", _("Đánh giá mức độ hài lòng")  # recorded by motcua.ratings; no status change


NEW = ""  # the source "status" of an action that creates the dossier (intake at the desk)


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]  # statuses the action may start from (NEW: creates the dossier)
    target: str | None  # the status it leads to; None: decided by the service (e.g. next step)
    roles: tuple[str, ...]  # officer roles allowed; () = the system or the applicant


ACTIONS: dict[str, Transition] = {
    Action.SUBMIT: Transition((NEW,), DossierStatus.SUBMITTED, ()),
    # At the desk: a new dossier brought in person or by post, or one submitted online.
    Action.RECEIVE: Transition((NEW, DossierStatus.SUBMITTED), DossierStatus.RECEIVED, _DESK),
    Action.REFUSE_INTAKE: Transition(
        (NEW, DossierStatus.SUBMITTED), DossierStatus.NOT_ACCEPTED, _DESK
    ),
    Action.REQUEST_SUPPLEMENT: Transition(
        (NEW, DossierStatus.SUBMITTED, *_IN_HAND),
        DossierStatus.SUPPLEMENT_REQUESTED,
        (*_DESK, *_HANDLERS),
    ),
    Action.SUPPLEMENT: Transition(
        (DossierStatus.SUPPLEMENT_REQUESTED,), None, (*_DESK, *_HANDLERS)
    ),
    Action.ASSIGN: Transition(
        (DossierStatus.RECEIVED, DossierStatus.PROCESSING),
        DossierStatus.PROCESSING,
        (Role.DEPARTMENT_HEAD, Role.LEADER),
    ),
    Action.FORWARD: Transition(
        (DossierStatus.RECEIVED, DossierStatus.PROCESSING, DossierStatus.AWAITING_SIGNATURE),
        None,
        (*_DESK, *_HANDLERS),
    ),
    Action.SEND_BACK: Transition(
        (DossierStatus.PROCESSING, DossierStatus.AWAITING_SIGNATURE), None, _HANDLERS
    ),
    Action.PAUSE_PAYMENT: Transition(
        (DossierStatus.PROCESSING,), DossierStatus.AWAITING_PAYMENT, (*_DESK, *_HANDLERS)
    ),
    Action.RESUME_PAYMENT: Transition(
        (DossierStatus.AWAITING_PAYMENT,), DossierStatus.PROCESSING, (*_DESK, *_HANDLERS)
    ),
    Action.SEND_PARTNER: Transition(
        (DossierStatus.PROCESSING,), DossierStatus.AWAITING_PARTNER, _HANDLERS
    ),
    Action.PARTNER_RESULT: Transition(
        (DossierStatus.AWAITING_PARTNER,), None, (*_DESK, *_HANDLERS)
    ),
    Action.APPROVE: Transition(
        (DossierStatus.AWAITING_SIGNATURE,), DossierStatus.RESULT_READY, (Role.LEADER,)
    ),
    Action.REFUSE: Transition(
        (DossierStatus.PROCESSING, DossierStatus.AWAITING_SIGNATURE),
        DossierStatus.RESULT_READY,
        (Role.DEPARTMENT_HEAD, Role.LEADER),
    ),
    Action.APOLOGIZE: Transition(
        (*_IN_HAND, DossierStatus.AWAITING_PAYMENT), None, (*_DESK, *_HANDLERS)
    ),
    Action.WITHDRAW: Transition(
        (
            DossierStatus.SUBMITTED,
            DossierStatus.SUPPLEMENT_REQUESTED,
            *_IN_HAND,
            DossierStatus.AWAITING_PAYMENT,
        ),
        DossierStatus.WITHDRAWN,
        (*_DESK, *_HANDLERS),
    ),
    Action.STOP: Transition(
        (DossierStatus.SUPPLEMENT_REQUESTED, *_IN_HAND, DossierStatus.AWAITING_PAYMENT),
        DossierStatus.STOPPED,
        (Role.DEPARTMENT_HEAD, Role.LEADER),
    ),
    Action.RETURN_RESULT: Transition((DossierStatus.RESULT_READY,), DossierStatus.RETURNED, _DESK),
}
