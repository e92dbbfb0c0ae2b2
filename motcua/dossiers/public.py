"""What anyone holding a dossier code may see: status, dates, where it is, its history.

Anyone can type a code, so nothing personal leaves this module: no applicant data, no officer
names, no internal notes. Only the columns named here are read, so a new personal column on the
models cannot leak by accident.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.models import Procedure
from motcua.common.errors import NotFound
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep, Outcome, StepStatus
from motcua.dossiers.statuses import NATIONAL_STATUS, Action, DossierStatus
from motcua.organizations.models import Agency

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


def _reason(status: str, events: list[tuple]) -> str:
    """The latest public note given since the dossier entered its current status."""
    for _at, _id, _action, to_status, public_note, _agency in reversed(events):
        if to_status != status:
            break
        if public_note.strip():
            return public_note.strip()
    return ""


def _aware(value) -> datetime | None:
    """A datetime read by a raw query: SQLite gives text in UTC, PostgreSQL an aware value."""
    if value is None or isinstance(value, datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)
    parsed = parse_datetime(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _sql() -> tuple[str, str]:
    """The two statements of a lookup, built once from the models' tables: the dossier, then its
    history and current steps together. Plain SQL because the ORM's query building cost more
    than the database's answer on the busiest public endpoint; only the shown columns are read,
    so a new personal column on the models cannot leak by accident."""
    q = connection.ops.quote_name
    dossier, procedure = q(Dossier._meta.db_table), q(Procedure._meta.db_table)
    agency, event, step = (
        q(Agency._meta.db_table), q(DossierEvent._meta.db_table), q(DossierStep._meta.db_table)
    )  # fmt: skip
    head = (
        f"SELECT d.id, d.code, d.status, d.outcome, d.procedure_name, p.code, p.name, a.name, "  # noqa: S608
        f"d.received_at, d.due_at, d.original_due_at, d.extended_at, d.finished_at, "
        f"d.returned_at FROM {dossier} d JOIN {procedure} p ON p.id = d.procedure_id "
        f"JOIN {agency} a ON a.id = d.receiving_agency_id WHERE d.code IN (%s, %s)"
    )
    rest = (
        f"SELECT 0, e.at, e.id, e.action, e.to_status, e.public_note, ea.name, 0 "  # noqa: S608
        f"FROM {event} e LEFT JOIN {agency} ea ON ea.id = e.agency_id WHERE e.dossier_id = %s "
        f"UNION ALL SELECT 1, NULL, s.{q('order')}, s.name, '', '', sa.name, s.id "
        f"FROM {step} s JOIN {agency} sa ON sa.id = s.agency_id "
        f"WHERE s.dossier_id = %s AND s.status = %s"
    )
    return head, rest


_SQL: tuple[str, str] | None = None


def dossier_public_status(*, code: str) -> dict:
    """The public status of one dossier. Two queries whatever the length of its history."""
    global _SQL
    code = normalize_code(code)
    if _SQL is None:
        _SQL = _sql()
    head, rest = _SQL
    with connection.cursor() as cursor:
        cursor.execute(head, [code, code.upper()])
        # A code typed in lower case still finds its dossier; an exact match wins.
        found = sorted(cursor.fetchall(), key=lambda row: row[1] != code)
        if not found:
            raise _not_found()
        (pk, code, status, outcome, procedure_name, procedure_code, procedure_default, desk,
         received, due, original_due, extended, finished, returned) = found[0]  # fmt: skip
        cursor.execute(rest, [pk, pk, StepStatus.ACTIVE])
        rows = cursor.fetchall()
    events = sorted(
        ((_aware(r[1]), r[2], r[3], r[4], r[5] or "", r[6]) for r in rows if r[0] == 0),
        key=lambda e: (e[0], e[1]),
    )
    steps = sorted((r[2], r[7], r[3], r[6]) for r in rows if r[0] == 1)  # (order, id, name, …)
    due, original_due, extended = _aware(due), _aware(original_due), _aware(extended)
    due_moved = extended is not None and original_due != due
    return {
        "code": code,
        "procedure": {"code": procedure_code, "name": procedure_name or procedure_default},
        "status": status,
        "national_status": NATIONAL_STATUS[status],
        "status_label": status_label(status),
        "outcome": outcome,
        "outcome_label": str(Outcome(outcome).label) if outcome else "",
        "reason": _reason(status, events),
        "receiving_agency": desk,
        "received_at": _local(_aware(received)),
        "due_at": _local(due),
        "original_due_at": _local(original_due) if due_moved else None,
        "finished_at": _local(_aware(finished)),
        "returned_at": _local(_aware(returned)),
        "current": [{"agency": agency, "step": name} for _o, _i, name, agency in steps],
        "history": [
            {
                "at": _local(at),
                "action_label": str(_ACTION_LABELS.get(action, "")) or _("Cập nhật hồ sơ"),
                "status_label": status_label(to_status),
                "agency": agency or "",
            }
            for at, _id, action, to_status, _note, agency in events
        ],
    }
