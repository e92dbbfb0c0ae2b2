"""What anyone holding a dossier code may see: status, dates, where it is, its history.

Anyone can type a code, so nothing personal leaves this module: no applicant data, no officer
names, no internal notes. Only the fields read here are loaded, so a new personal column on the
models cannot leak by accident.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.common.errors import NotFound
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep, Outcome, StepStatus
from motcua.dossiers.statuses import NATIONAL_STATUS, Action, DossierStatus

MAX_CODE_LENGTH = Dossier._meta.get_field("code").max_length

# The status in plain words for the applicant (the internal labels are officers' words).
PUBLIC_STATUS_LABELS: dict[str, str] = {
    DossierStatus.SUBMITTED: gettext_lazy("Đã nộp trực tuyến, chờ tiếp nhận"),
    DossierStatus.RECEIVED: gettext_lazy("Đã tiếp nhận"),
    DossierStatus.NOT_ACCEPTED: gettext_lazy("Không được tiếp nhận"),
    DossierStatus.PROCESSING: gettext_lazy("Đang xử lý"),
    DossierStatus.AWAITING_SIGNATURE: gettext_lazy("Đang xử lý, chờ lãnh đạo ký duyệt"),
    DossierStatus.AWAITING_PARTNER: gettext_lazy("Đang xử lý tại cơ quan phối hợp"),
    DossierStatus.SUPPLEMENT_REQUESTED: gettext_lazy("Cần bổ sung giấy tờ"),
    DossierStatus.AWAITING_PAYMENT: gettext_lazy("Chờ thực hiện nghĩa vụ tài chính"),
    DossierStatus.WITHDRAWN: gettext_lazy("Đã rút hồ sơ theo yêu cầu"),
    DossierStatus.STOPPED: gettext_lazy("Đã dừng xử lý"),
    DossierStatus.RESULT_READY: gettext_lazy("Đã có kết quả, chờ trả"),
    DossierStatus.RETURNED: gettext_lazy("Đã trả kết quả"),
}

_ACTION_LABELS = dict(Action.choices)


def _not_found() -> NotFound:
    # The same answer for unknown and malformed codes: the response tells nothing about either.
    return NotFound(_("Không tìm thấy hồ sơ với mã đã nhập."), code="not_found")


def normalize_code(code: str) -> str:
    """The code as typed, without surrounding blanks; NotFound when it cannot be a code."""
    code = (code or "").strip()
    if not code or len(code) > MAX_CODE_LENGTH or not code.isprintable():
        raise _not_found()
    return code


def _local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    zone = ZoneInfo(settings.MOTCUA_OFFICE_TIME_ZONE)
    return value.astimezone(zone).replace(microsecond=0)


def status_label(status: str) -> str:
    label = PUBLIC_STATUS_LABELS.get(status)
    return str(label) if label is not None else ""


def _reason(dossier: Dossier, events: list[DossierEvent]) -> str:
    """The latest public note given since the dossier entered its current status."""
    for event in reversed(events):
        if event.to_status != dossier.status:
            break
        if event.public_note.strip():
            return event.public_note.strip()
    return ""


def dossier_public_status(*, code: str) -> dict:
    """The public status of one dossier. Three queries whatever the length of its history."""
    code = normalize_code(code)
    candidates = {code, code.upper()}
    events = DossierEvent.objects.select_related("agency").only(
        "dossier_id", "action", "to_status", "at", "public_note", "agency__name"
    )
    active_steps = (
        DossierStep.objects.filter(status=StepStatus.ACTIVE)
        .select_related("agency")
        .only("dossier_id", "order", "name", "agency__name")
        .order_by("order", "id")
    )
    dossiers = (
        Dossier.objects.filter(code__in=candidates)
        .select_related("procedure", "receiving_agency")
        .only(
            "code",
            "status",
            "outcome",
            "procedure_name",
            "procedure__code",
            "procedure__name",
            "receiving_agency__name",
            "received_at",
            "due_at",
            "original_due_at",
            "extended_at",
            "finished_at",
            "returned_at",
        )
        .prefetch_related(
            Prefetch("events", queryset=events.order_by("at", "id"), to_attr="public_events"),
            Prefetch("steps", queryset=active_steps, to_attr="active_steps"),
        )
    )
    # A code typed in lower case still finds its dossier; an exact match wins.
    found = sorted(dossiers, key=lambda dossier: dossier.code != code)
    if not found:
        raise _not_found()
    dossier = found[0]
    events = dossier.public_events
    due_moved = dossier.extended_at is not None and dossier.original_due_at != dossier.due_at
    return {
        "code": dossier.code,
        "procedure": {
            "code": dossier.procedure.code,
            "name": dossier.procedure_name or dossier.procedure.name,
        },
        "status": dossier.status,
        "national_status": NATIONAL_STATUS[dossier.status],
        "status_label": status_label(dossier.status),
        "outcome": dossier.outcome,
        "outcome_label": str(Outcome(dossier.outcome).label) if dossier.outcome else "",
        "reason": _reason(dossier, events),
        "receiving_agency": dossier.receiving_agency.name,
        "received_at": _local(dossier.received_at),
        "due_at": _local(dossier.due_at),
        "original_due_at": _local(dossier.original_due_at) if due_moved else None,
        "finished_at": _local(dossier.finished_at),
        "returned_at": _local(dossier.returned_at),
        "current": [
            {"agency": step.agency.name, "step": step.name} for step in dossier.active_steps
        ],
        "history": [
            {
                "at": _local(event.at),
                "action_label": str(_ACTION_LABELS.get(event.action, "")) or _("Cập nhật hồ sơ"),
                "status_label": status_label(event.to_status),
                "agency": event.agency.name if event.agency else "",
            }
            for event in events
        ],
    }
