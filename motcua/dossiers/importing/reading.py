"""Reading and checking the lines of an import file: every error is collected, located by line
and field, before anything is written."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from motcua.catalog.models import Channel, Field, Procedure
from motcua.common.errors import InvalidInput
from motcua.dossiers.models import Dossier
from motcua.dossiers.statuses import FINISHED, NATIONAL_STATUS, STATUS_FOR_NATIONAL, DossierStatus
from motcua.organizations.models import Agency

MAX_ERRORS = 50

REQUIRED_KEYS = (
    "code",
    "agency_code",
    "agency_name",
    "procedure_code",
    "procedure_name",
    "field_name",
    "channel",
    "received_at",
    "due_at",
    "status",
)
OPTIONAL_KEYS = ("finished_at", "returned_at", "applicant")
APPLICANT_KEYS = {"name": "applicant_name", "id_number": "applicant_id_number"}
APPLICANT_KEYS |= {"phone": "applicant_phone", "address": "applicant_address"}

# Never received into processing: no appointment was given.
_WITHOUT_DUE = frozenset({DossierStatus.SUBMITTED, DossierStatus.NOT_ACCEPTED})


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


_LENGTHS = {
    "code": _max_length(Dossier, "code"),
    "agency_code": _max_length(Agency, "code"),
    "agency_name": _max_length(Agency, "name"),
    "procedure_code": _max_length(Procedure, "code"),
    "procedure_name": _max_length(Dossier, "procedure_name"),
    "field_name": _max_length(Field, "name"),
}
_APPLICANT_LENGTHS = {key: _max_length(Dossier, column) for key, column in APPLICANT_KEYS.items()}


@dataclass
class _Record:
    line: int
    code: str
    agency_code: str
    agency_name: str
    procedure_code: str
    procedure_name: str
    field_name: str
    channel: str
    status: str
    received_at: datetime.datetime
    due_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    returned_at: datetime.datetime | None
    applicant: dict[str, str] | None = None


@dataclass
class _Errors:
    messages: list[str] = field(default_factory=list)
    total: int = 0

    def add(self, line: int, where: str, message: str) -> None:
        self.total += 1
        if len(self.messages) < MAX_ERRORS:
            self.messages.append(
                _("Dòng %(line)s: %(where)s: %(message)s")
                % {"line": line, "where": where, "message": message}
            )

    def error(self) -> InvalidInput:
        messages = list(self.messages)
        if self.total > len(messages):
            messages.append(_("… và %(count)s lỗi khác.") % {"count": self.total - len(messages)})
        return InvalidInput(
            _("Tệp có %(count)s lỗi, không nhập hồ sơ nào. %(first)s")
            % {"count": self.total, "first": messages[0]},
            code="import_invalid",
            details={"errors": messages, "error_count": self.total},
        )

    def raise_if_any(self) -> None:
        if self.total:
            raise self.error()


def _text(value: object, key: str, errors: _Errors, line: int) -> str | None:
    if not isinstance(value, str) or not value.strip():
        errors.add(line, key, _("phải là chuỗi ký tự không rỗng."))
        return None
    value = value.strip()
    if len(value) > _LENGTHS[key]:
        errors.add(line, key, _("dài quá %(max)s ký tự.") % {"max": _LENGTHS[key]})
        return None
    return value


def _time(value: object, key: str, errors: _Errors, line: int) -> datetime.datetime | None:
    example = "2024-03-05T08:30:00+07:00"
    if not isinstance(value, str):
        errors.add(
            line,
            key,
            _("phải là thời điểm ISO 8601 dạng chuỗi, ví dụ %(example)s.") % {"example": example},
        )
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        errors.add(
            line,
            key,
            _("“%(value)s” không phải thời điểm ISO 8601 hợp lệ, ví dụ %(example)s.")
            % {"value": value[:40], "example": example},
        )
        return None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        errors.add(
            line,
            key,
            _("“%(value)s” thiếu múi giờ; ghi rõ độ lệch, ví dụ %(example)s.")
            % {"value": value[:40], "example": example},
        )
        return None
    return parsed.astimezone(datetime.UTC)


def _status(value: object, errors: _Errors, line: int) -> str | None:
    number = value
    if isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if isinstance(number, bool) or not isinstance(number, int) or number not in STATUS_FOR_NATIONAL:
        errors.add(
            line,
            "status",
            _("phải là mã trạng thái quốc gia từ 1 đến 10 (nhận được %(value)s).")
            % {"value": json.dumps(value, ensure_ascii=False)[:40]},
        )
        return None
    return STATUS_FOR_NATIONAL[number]


def _applicant(value: object, errors: _Errors, line: int) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        errors.add(line, "applicant", _("phải là một đối tượng {name, id_number, phone, address}."))
        return None
    applicant = {}
    for key in value:
        if key not in APPLICANT_KEYS:
            errors.add(line, f"applicant.{key}", _("trường không được hỗ trợ."))
    for key, column in APPLICANT_KEYS.items():
        item = value.get(key)
        if item is None:
            applicant[column] = ""
        elif not isinstance(item, str):
            errors.add(line, f"applicant.{key}", _("phải là chuỗi ký tự."))
        elif len(item.strip()) > _APPLICANT_LENGTHS[key]:
            errors.add(
                line,
                f"applicant.{key}",
                _("dài quá %(max)s ký tự.") % {"max": _APPLICANT_LENGTHS[key]},
            )
        else:
            applicant[column] = item.strip()
    return applicant


def _read_line(number: int, text: str, errors: _Errors) -> _Record | None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        errors.add(
            number,
            "JSON",
            _("không đọc được (lỗi ở cột %(column)s).") % {"column": exc.colno},
        )
        return None
    except RecursionError:
        errors.add(number, "JSON", _("lồng nhau quá sâu."))
        return None
    if not isinstance(data, dict):
        errors.add(number, "JSON", _("mỗi dòng phải là một đối tượng JSON {…}."))
        return None
    before = errors.total
    for key in data:
        if key not in REQUIRED_KEYS and key not in OPTIONAL_KEYS:
            errors.add(number, key, _("trường không được hỗ trợ."))
    for key in REQUIRED_KEYS:
        if key not in data:
            errors.add(number, key, _("thiếu trường bắt buộc."))
    texts = {
        key: _text(data[key], key, errors, number)
        for key in _LENGTHS
        if key in data and key in REQUIRED_KEYS
    }
    code = texts.get("code")
    if code is not None and any(char == "/" or char.isspace() for char in code):
        errors.add(number, "code", _("không được chứa dấu “/” hoặc khoảng trắng."))
    channel = data.get("channel")
    if "channel" in data and channel not in Channel.values:
        errors.add(
            number,
            "channel",
            _("phải là “direct”, “online” hoặc “postal” (nhận được %(value)s).")
            % {"value": json.dumps(channel, ensure_ascii=False)[:40]},
        )
    status = _status(data["status"], errors, number) if "status" in data else None
    received_at = (
        _time(data["received_at"], "received_at", errors, number) if "received_at" in data else None
    )
    times = {}
    for key in ("due_at", "finished_at", "returned_at"):
        value = data.get(key)
        times[key] = None if value is None else _time(value, key, errors, number)
    applicant = _applicant(data.get("applicant"), errors, number)
    if errors.total > before:
        return None

    due_at, finished_at, returned_at = times["due_at"], times["finished_at"], times["returned_at"]
    national = NATIONAL_STATUS[status]
    if due_at is None and status not in _WITHOUT_DUE:
        errors.add(
            number,
            "due_at",
            _("bắt buộc với hồ sơ có trạng thái %(status)s.") % {"status": national},
        )
    if due_at is not None and due_at < received_at:
        errors.add(number, "due_at", _("sớm hơn thời điểm tiếp nhận (received_at)."))
    if status in FINISHED and finished_at is None:
        errors.add(
            number,
            "finished_at",
            _("bắt buộc với hồ sơ đã kết thúc xử lý (trạng thái %(status)s).")
            % {"status": national},
        )
    if status not in FINISHED and finished_at is not None:
        errors.add(
            number,
            "finished_at",
            _("phải là null khi hồ sơ chưa kết thúc xử lý (trạng thái %(status)s).")
            % {"status": national},
        )
    if finished_at is not None and finished_at < received_at:
        errors.add(number, "finished_at", _("sớm hơn thời điểm tiếp nhận (received_at)."))
    if status == DossierStatus.RETURNED and returned_at is None:
        errors.add(number, "returned_at", _("bắt buộc với hồ sơ đã trả kết quả (trạng thái 10)."))
    if status != DossierStatus.RETURNED and returned_at is not None:
        errors.add(
            number,
            "returned_at",
            _("phải là null khi hồ sơ chưa trả kết quả (trạng thái %(status)s).")
            % {"status": national},
        )
    if returned_at is not None and finished_at is not None and returned_at < finished_at:
        errors.add(number, "returned_at", _("sớm hơn thời điểm kết thúc xử lý (finished_at)."))
    if errors.total > before:
        return None
    return _Record(
        line=number,
        channel=channel,
        status=status,
        received_at=received_at,
        due_at=due_at,
        finished_at=finished_at,
        returned_at=returned_at,
        applicant=applicant,
        **texts,
    )


def _read(lines: Iterable[str]) -> list[_Record]:
    errors = _Errors()
    records: list[_Record] = []
    first_line: dict[str, int] = {}
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        record = _read_line(number, text, errors)
        if record is None:
            continue
        if record.code in first_line:
            errors.add(
                number,
                "code",
                _("mã hồ sơ %(code)s đã có ở dòng %(line)s.")
                % {"code": record.code, "line": first_line[record.code]},
            )
            continue
        first_line[record.code] = number
        records.append(record)
    if not records and not errors.total:
        raise InvalidInput(_("Tệp không có dòng dữ liệu nào."), code="import_empty")
    errors.raise_if_any()
    return records
