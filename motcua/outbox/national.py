"""The national shape of a status change (DOMAIN §2): what the province's integration platform
forwards to the national public service portal. Codes, status, channel and times only: no
applicant data (name, identity number, address, phone, email) ever leaves in a message."""

from datetime import datetime

from motcua.catalog.models import Channel
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.statuses import NATIONAL_STATUS
from motcua.workdays.engine import OFFICE_TZ

SCHEMA = "motcua.national-status/1"

# DOMAIN §2: the national status codes and their names as the portal lists them.
NATIONAL_STATUS_NAMES: dict[int, str] = {
    1: "Mới đăng ký",
    2: "Được tiếp nhận",
    3: "Không được tiếp nhận",
    4: "Đang xử lý",
    5: "Yêu cầu bổ sung giấy tờ",
    6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    7: "Công dân yêu cầu rút hồ sơ",
    8: "Dừng xử lý",
    9: "Đã xử lý xong",
    10: "Đã trả kết quả",
}

# Channels as the portal numbers them: 1 direct, 2 online, 3 public post.
NATIONAL_CHANNEL: dict[str, int] = {Channel.DIRECT: 1, Channel.ONLINE: 2, Channel.POSTAL: 3}


def local_iso(instant: datetime | None) -> str | None:
    """ISO 8601 in the office's zone (+07:00), seconds precision."""
    if instant is None:
        return None
    return instant.astimezone(OFFICE_TZ).replace(microsecond=0).isoformat()


def is_status_change(event: DossierEvent) -> bool:
    """Whether the portal hears of this event: the dossier's status changed (the first event,
    submitted or received, changes it from nothing)."""
    return event.to_status != event.from_status


def idempotency_key(dossier_code: str, event_id: int) -> str:
    return f"{dossier_code}:{event_id}"


def national_payload(
    event: DossierEvent,
    dossier: Dossier,
    *,
    procedure_code: str,
    receiving_agency_code: str,
    competent_agency_code: str,
) -> dict:
    status = NATIONAL_STATUS[event.to_status]
    return {
        "schema": SCHEMA,
        "idempotency_key": idempotency_key(dossier.code, event.pk),
        "dossier_code": dossier.code,
        "procedure_code": procedure_code,
        "receiving_agency_code": receiving_agency_code,
        "competent_agency_code": competent_agency_code,
        "status": status,
        "status_name": NATIONAL_STATUS_NAMES[status],
        "channel": NATIONAL_CHANNEL[dossier.channel],
        "event_id": event.pk,
        "event_at": local_iso(event.at),
        "submitted_at": local_iso(dossier.submitted_at),
        "received_at": local_iso(dossier.received_at),
        "due_at": local_iso(dossier.due_at),
        "finished_at": local_iso(dossier.finished_at),
        "returned_at": local_iso(dossier.returned_at),
    }
