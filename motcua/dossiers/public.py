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
from motcua.common.db import prepared_rows
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


def _sql() -> str:
    """The one statement of a lookup, built once from the models' tables: the dossier (kind 0),
    its history (1) and its current steps (2) as rows of one result. Plain SQL because the ORM's
    query building cost more than the database's answer on the busiest public endpoint; only
    the shown columns are read, so a new personal column on the models cannot leak by accident.
    Numbers stand in for absent values where PostgreSQL must infer a column's type."""
    q = connection.ops.quote_name
    dossier, procedure = q(Dossier._meta.db_table), q(Procedure._meta.db_table)
    agency, event, step = (
        q(Agency._meta.db_table), q(DossierEvent._meta.db_table), q(DossierStep._meta.db_table)
    )  # fmt: skip
    return (
        f"WITH d AS (SELECT id, code, status, outcome, procedure_name, procedure_id, "  # noqa: S608
        f"receiving_agency_id, received_at, due_at, original_due_at, extended_at, finished_at, "
        f"returned_at FROM {dossier} WHERE code IN (%s, %s)) "
        f"SELECT 0, d.id, d.received_at, d.due_at, d.original_due_at, d.extended_at, "
        f"d.finished_at, d.returned_at, d.code, d.status, d.outcome, d.procedure_name, p.code, "
        f"p.name, a.name, 0, 0 FROM d JOIN {procedure} p ON p.id = d.procedure_id "
        f"JOIN {agency} a ON a.id = d.receiving_agency_id "
        f"UNION ALL SELECT 1, e.dossier_id, e.at, NULL, NULL, NULL, NULL, NULL, e.action, "
        f"e.to_status, e.public_note, ea.name, NULL, NULL, NULL, e.id, 0 "
        f"FROM d JOIN {event} e ON e.dossier_id = d.id LEFT JOIN {agency} ea ON ea.id = e.agency_id "
        f"UNION ALL SELECT 2, s.dossier_id, NULL, NULL, NULL, NULL, NULL, NULL, s.name, sa.name, "
        f"NULL, NULL, NULL, NULL, NULL, s.{q('order')}, s.id "
        f"FROM d JOIN {step} s ON s.dossier_id = d.id JOIN {agency} sa ON sa.id = s.agency_id "
        f"WHERE s.status = %s"
    )


_SQL: str | None = None


def dossier_public_status(*, code: str) -> dict:
    """The public status of one dossier. One query whatever the length of its history."""
    global _SQL
    code = normalize_code(code)
    if _SQL is None:
        _SQL = _sql()
    rows = prepared_rows(_SQL, [code, code.upper(), StepStatus.ACTIVE])
    # A code typed in lower case still finds its dossier; an exact match wins.
    found = sorted((row for row in rows if row[0] == 0), key=lambda row: row[8] != code)
    if not found:
        raise _not_found()
    (_kind, pk, received, due, original_due, extended, finished, returned, code, status, outcome,
     procedure_name, procedure_code, procedure_default, desk, _n, _m) = found[0]  # fmt: skip
    events = sorted(
        (
            (_aware(r[2]), r[15], r[8], r[9], r[10] or "", r[11])
            for r in rows
            if r[0] == 1 and r[1] == pk
        ),
        key=lambda e: (e[0], e[1]),
    )
    # (order, id, step name, agency name)
    steps = sorted((r[15], r[16], r[8], r[9]) for r in rows if r[0] == 2 and r[1] == pk)
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
