"""The catalog exchange format motcua-catalog/1, read by `motcua import_catalog` and written by
`motcua export_catalog` (motcua/catalog/data/demo_catalog.json is an example).

Optional keys take these defaults: agency_code null, online_level "none", is_lien_thong false,
cutoff null, empty texts and lists; a document row defaults to 1 original, 0 copies, required;
a time row and a workflow step to unit "days". "is_published": false is written only for
unpublished procedures; absent, a re-import leaves the flag as it is. Legacy online levels 1–4
are accepted and written as none/partial/full. Unknown keys are errors (they are usually typos).

One canonical record shape serves import validation, export, change detection on re-import and
the API's detail: `validate` turns a file's records into it, `procedure_record` reads it off the
database. Two records are equal exactly when the stored content is the same.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.catalog.models import (
    Channel,
    Fee,
    Field,
    OnlineLevel,
    Procedure,
    ProcedureLevel,
    ProcessingTime,
    RequiredDocument,
    TimeUnit,
    UnitKind,
    WorkflowStep,
)
from motcua.common.errors import InvalidInput
from motcua.organizations.models import Agency, Role

FORMAT = "motcua-catalog/1"
MAX_ERRORS = 50
MAX_AMOUNT = Decimal("9999.99")
CHANNEL_ORDER = [choice.value for choice in Channel]
# Before Decree 42/2022 online services had levels 1–4; level 4 is today's "toàn trình".
LEGACY_ONLINE_LEVELS = {
    1: OnlineLevel.NONE,
    2: OnlineLevel.NONE,
    3: OnlineLevel.PARTIAL,
    4: OnlineLevel.FULL,
}

TOP_KEYS = ("format", "fields", "procedures")
FIELD_KEYS = ("code", "name", "order")
PROCEDURE_KEYS = (
    "code",
    "agency_code",
    "name",
    "field",
    "level",
    "methods",
    "online_level",
    "is_lien_thong",
    "cutoff",
    "processing_times",
    "documents",
    "fees",
    "steps",
    "applicants",
    "implementing_agency",
    "result",
    "conditions",
    "legal_basis",
    "workflow",
    "is_published",
)
TEXT_KEYS = ("steps", "applicants", "implementing_agency", "result", "conditions")
TIME_KEYS = ("channel", "amount", "unit", "note")
DOCUMENT_KEYS = ("name", "originals", "copies", "required", "template", "note")
FEE_KEYS = ("name", "amount", "note")
WORKFLOW_KEYS = (
    "name",
    "unit_kind",
    "unit_name",
    "role",
    "amount",
    "time_unit",
    "parallel_group",
    "counts_toward_deadline",
)


def decimal_text(value: Decimal) -> str:
    """Decimal("0.50") → "0.5", Decimal("10.00") → "10"."""
    return format(value.normalize(), "f")


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


# Reading the file


def parse_text(data: str | bytes) -> tuple[object, dict[int, int]]:
    """Parse the JSON text; return the document and the line where each procedure starts."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                _("Tệp không phải văn bản UTF-8 (byte lỗi ở vị trí %(position)s).")
                % {"position": exc.start},
                code="catalog_encoding",
            ) from exc
    else:
        text = data.removeprefix("\ufeff")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            _("Tệp JSON sai cú pháp ở dòng %(line)s, cột %(column)s: %(reason)s.")
            % {"line": exc.lineno, "column": exc.colno, "reason": _json_reason(exc.msg)},
            code="catalog_syntax",
            details={"line": exc.lineno, "column": exc.colno},
        ) from exc
    except RecursionError as exc:
        raise InvalidInput(_("Tệp JSON lồng nhau quá sâu."), code="catalog_syntax") from exc
    return document, _procedure_lines(text)


def _json_reason(message: str) -> str:
    reasons = {
        "Expecting property name enclosed in double quotes": _(
            "cần tên trường đặt trong ngoặc kép (có dấu phẩy thừa?)"
        ),
        "Expecting ',' delimiter": _("thiếu dấu phẩy"),
        "Expecting ':' delimiter": _("thiếu dấu hai chấm"),
        "Expecting value": _("thiếu giá trị hoặc giá trị không hợp lệ"),
        "Extra data": _("có dữ liệu thừa sau phần kết thúc"),
        "Unterminated string starting at": _("chuỗi chưa đóng ngoặc kép"),
        "Invalid control character at": _("ký tự điều khiển (xuống dòng, tab) nằm trong chuỗi"),
        "Invalid \\escape": _("ký tự thoát \\ không hợp lệ"),
    }
    return reasons.get(message, message)


_WHITESPACE = re.compile(r"[ \t\n\r]*")


def _procedure_lines(text: str) -> dict[int, int]:
    """Line numbers (1-based) of the elements of the top-level "procedures" array.

    Only called on text json.loads accepted, so the walk can trust the structure; raw_decode
    skips over each value without building more than it must.
    """
    decoder = json.JSONDecoder()

    def skip(position: int) -> int:
        return _WHITESPACE.match(text, position).end()

    position = skip(0)
    if text[position : position + 1] != "{":
        return {}
    offsets: list[int] = []
    position = skip(position + 1)
    if text[position] == "}":
        return {}
    while True:
        key, position = decoder.raw_decode(text, position)
        position = skip(skip(position) + 1)  # the colon
        if key == "procedures" and text[position] == "[":
            offsets = []
            position = skip(position + 1)
            if text[position] == "]":
                position += 1
            else:
                while True:
                    offsets.append(position)
                    _value, position = decoder.raw_decode(text, position)
                    position = skip(position)
                    separator = text[position]
                    position = skip(position + 1)
                    if separator == "]":
                        break
        else:
            _value, position = decoder.raw_decode(text, position)
        position = skip(position)
        separator = text[position]
        position = skip(position + 1)
        if separator == "}":
            break
    lines: dict[int, int] = {}
    line, previous = 1, 0
    for index, offset in enumerate(offsets):
        line += text.count("\n", previous, offset)
        previous = offset
        lines[index] = line
    return lines


# Validation


@dataclass
class Catalog:
    fields: list[dict] = dataclasses.field(default_factory=list)
    procedures: list[dict] = dataclasses.field(default_factory=list)


class _Errors:
    def __init__(self) -> None:
        self.messages: list[str] = []
        self.total = 0

    def add(self, where: str, message: str, *, line: int | None = None) -> None:
        self.total += 1
        if len(self.messages) >= MAX_ERRORS:
            return
        if line is None:
            self.messages.append(f"{where}: {message}")
        else:
            self.messages.append(
                _("Dòng %(line)s: %(where)s: %(message)s")
                % {"line": line, "where": where, "message": message}
            )

    def raise_if_any(self) -> None:
        if not self.total:
            return
        messages = list(self.messages)
        if self.total > len(messages):
            messages.append(_("… và %(count)s lỗi khác.") % {"count": self.total - len(messages)})
        raise InvalidInput(
            _("Tệp danh mục có %(count)s lỗi. %(first)s")
            % {"count": self.total, "first": messages[0]},
            code="catalog_invalid",
            details={"errors": messages},
        )


_MISSING = object()


def _shown(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


class _Reader:
    """Reads typed values out of one JSON object, recording an error for each bad one."""

    def __init__(
        self,
        errors: _Errors,
        where: str,
        value: object,
        allowed: tuple[str, ...],
        *,
        line: int | None = None,
    ) -> None:
        self.errors = errors
        self.where = where
        self.line = line
        self.ok = isinstance(value, dict)
        self.data: dict = value if isinstance(value, dict) else {}
        if not self.ok:
            self.errors.add(where, _("phải là một đối tượng JSON {…}."), line=line)
            return
        for key in self.data:
            if key not in allowed:
                self.error(key, _("trường không được hỗ trợ (có thể gõ sai tên?)."))

    def path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def error(self, key: str, message: str) -> None:
        self.errors.add(self.path(key), message, line=self.line)

    def _get(self, key: str, required: bool) -> object:
        if key not in self.data:
            if required and self.ok:
                self.error(key, _("thiếu trường bắt buộc."))
            return _MISSING
        return self.data[key]

    def text(
        self, key: str, *, max_length: int | None = None, required: bool = False, default=""
    ) -> str:
        value = self._get(key, required)
        if value is _MISSING:
            return default
        if not isinstance(value, str):
            self.error(key, _("phải là một chuỗi ký tự."))
            return default
        value = value.strip()
        if required and not value:
            self.error(key, _("không được để trống."))
        if max_length is not None and len(value) > max_length:
            self.error(key, _("dài quá %(max)s ký tự.") % {"max": max_length})
        return value

    def optional_text(self, key: str, *, max_length: int) -> str | None:
        value = self._get(key, False)
        if value is _MISSING or value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(key, _("phải là null hoặc một chuỗi ký tự không rỗng."))
            return None
        value = value.strip()
        if len(value) > max_length:
            self.error(key, _("dài quá %(max)s ký tự.") % {"max": max_length})
        return value

    def boolean(self, key: str, *, default: bool | None) -> bool | None:
        value = self._get(key, False)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            self.error(key, _("phải là true hoặc false."))
            return default
        return value

    def integer(
        self,
        key: str,
        *,
        default: int | None,
        minimum: int = 0,
        maximum: int = 32767,
        required: bool = False,
        nullable: bool = False,
    ) -> int | None:
        value = self._get(key, required)
        if value is _MISSING or (nullable and value is None):
            return default if value is _MISSING else None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(key, _("phải là một số nguyên."))
            return default
        if not minimum <= value <= maximum:
            self.error(
                key,
                _("phải từ %(min)s đến %(max)s.") % {"min": minimum, "max": maximum},
            )
            return default
        return value

    def choice(self, key: str, choices: type, *, default: str | None = None) -> str:
        value = self._get(key, default is None)
        if value is _MISSING:
            return default or ""
        values = [choice.value for choice in choices]
        if value not in values:
            self.error(
                key,
                _("giá trị %(value)s không hợp lệ; chọn một trong: %(choices)s.")
                % {"value": _shown(value), "choices": ", ".join(values)},
            )
            return default or ""
        return value

    def amount(self, key: str, *, default: str | None) -> str:
        value = self._get(key, default is None)
        if value is _MISSING:
            return default or "0"
        number = None
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            try:
                number = Decimal(str(value).strip())
            except InvalidOperation:
                number = None
        if (
            number is None
            or not number.is_finite()
            or number < 0
            or number > MAX_AMOUNT
            or number != number.quantize(Decimal("0.01"))
        ):
            self.error(
                key,
                _(
                    "phải là một số không âm, nhỏ hơn 10000, tối đa hai chữ số thập phân "
                    '(ví dụ "0.5"); nhận được %(value)s.'
                )
                % {"value": _shown(value)},
            )
            return "0"
        return decimal_text(number)

    def objects(self, key: str) -> list[tuple[int, object]]:
        value = self._get(key, False)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.error(key, _("phải là một danh sách […]."))
            return []
        return list(enumerate(value))

    def child(self, key: str, index: int, value: object, allowed: tuple[str, ...]) -> _Reader:
        return _Reader(self.errors, f"{self.where}.{key}[{index}]", value, allowed, line=self.line)


def validate(
    document: object,
    *,
    lines: dict[int, int],
    known_agencies: set[str],
    known_fields: set[str],
) -> Catalog:
    """Check a parsed motcua-catalog/1 document; return its canonical records or raise
    InvalidInput listing every problem with its location."""
    errors = _Errors()
    if not isinstance(document, dict):
        errors.add(
            _("tệp"),
            _('phải là một đối tượng JSON {"format": "%(format)s", …}.') % {"format": FORMAT},
        )
        errors.raise_if_any()
    top = _Reader(errors, "", document, TOP_KEYS)
    if document.get("format") != FORMAT:
        errors.add("format", _('phải là "%(format)s".') % {"format": FORMAT})
    catalog = Catalog()

    field_codes: dict[str, int] = {}
    for index, value in top.objects("fields"):
        reader = _Reader(errors, f"fields[{index}]", value, FIELD_KEYS)
        record = {
            "code": reader.text("code", required=True, max_length=_max_length(Field, "code")),
            "name": reader.text("name", required=True, max_length=_max_length(Field, "name")),
            "order": reader.integer("order", default=0, minimum=-(2**31), maximum=2**31 - 1),
        }
        if record["code"] in field_codes:
            reader.error(
                "code",
                _("mã %(code)s trùng với fields[%(index)s].")
                % {"code": record["code"], "index": field_codes[record["code"]]},
            )
        elif reader.ok:
            field_codes[record["code"]] = index
        catalog.fields.append(record)

    seen: dict[tuple[str, str | None], int] = {}
    for index, value in top.objects("procedures"):
        record = _procedure(
            errors,
            index,
            value,
            line=lines.get(index),
            field_codes=set(field_codes) | known_fields,
            known_agencies=known_agencies,
        )
        key = (record["code"], record["agency_code"])
        if record["code"] and key in seen:
            errors.add(
                _where(index, record["code"]) + ".code",
                _("trùng mã thủ tục và cơ quan với procedures[%(index)s].") % {"index": seen[key]},
                line=lines.get(index),
            )
        else:
            seen[key] = index
        catalog.procedures.append(record)
    errors.raise_if_any()
    return catalog


def _where(index: int, code: object) -> str:
    if isinstance(code, str) and code.strip():
        return f"procedures[{index}] (code {code.strip()})"
    return f"procedures[{index}]"


def _procedure(
    errors: _Errors,
    index: int,
    value: object,
    *,
    line: int | None,
    field_codes: set[str],
    known_agencies: set[str],
) -> dict:
    code = value.get("code") if isinstance(value, dict) else None
    reader = _Reader(errors, _where(index, code), value, PROCEDURE_KEYS, line=line)
    record: dict = {
        "code": reader.text("code", required=True, max_length=_max_length(Procedure, "code")),
        "agency_code": reader.optional_text("agency_code", max_length=_max_length(Agency, "code")),
        "name": reader.text("name", required=True, max_length=_max_length(Procedure, "name")),
        "field": reader.text("field", required=True, max_length=_max_length(Field, "code")),
        "level": reader.choice("level", ProcedureLevel),
        "methods": _methods(reader),
        "online_level": _online_level(reader),
        "is_lien_thong": reader.boolean("is_lien_thong", default=False),
        "cutoff": _cutoff(reader),
        "processing_times": _processing_times(reader),
        "documents": _documents(reader),
        "fees": _fees(reader),
    }
    for key in TEXT_KEYS:
        record[key] = reader.text(key)
    record["legal_basis"] = _legal_basis(reader)
    record["workflow"] = _workflow(reader)
    published = reader.boolean("is_published", default=None)
    if published is not None:
        record["is_published"] = published

    if record["field"] and record["field"] not in field_codes:
        reader.error(
            "field",
            _("không có lĩnh vực mã %(code)s (trong tệp hoặc trong hệ thống).")
            % {"code": record["field"]},
        )
    if record["agency_code"] and record["agency_code"] not in known_agencies:
        reader.error(
            "agency_code", _("không có cơ quan mã %(code)s.") % {"code": record["agency_code"]}
        )
    return record


def _methods(reader: _Reader) -> list[str]:
    value = reader._get("methods", True)
    if value is _MISSING:
        return []
    if not isinstance(value, list) or not value:
        reader.error(
            "methods",
            _("phải là danh sách không rỗng các cách thức nộp: %(choices)s.")
            % {"choices": ", ".join(CHANNEL_ORDER)},
        )
        return []
    methods: list[str] = []
    for position, method in enumerate(value):
        if method not in CHANNEL_ORDER:
            reader.error(
                f"methods[{position}]",
                _("giá trị %(value)s không hợp lệ; chọn một trong: %(choices)s.")
                % {"value": _shown(method), "choices": ", ".join(CHANNEL_ORDER)},
            )
        elif method in methods:
            reader.error(f"methods[{position}]", _("bị lặp lại."))
        else:
            methods.append(method)
    return sorted(methods, key=CHANNEL_ORDER.index)


def _online_level(reader: _Reader) -> str:
    value = reader.data.get("online_level")
    if isinstance(value, int) and not isinstance(value, bool) and value in LEGACY_ONLINE_LEVELS:
        return LEGACY_ONLINE_LEVELS[value].value
    return reader.choice("online_level", OnlineLevel, default=OnlineLevel.NONE.value)


def _cutoff(reader: _Reader) -> str | None:
    value = reader._get("cutoff", False)
    if value is _MISSING or value is None:
        return None
    parsed = None
    if isinstance(value, str) and re.fullmatch(r"\d{2}:\d{2}(:\d{2})?", value.strip()):
        try:
            parsed = datetime.time.fromisoformat(value.strip())
        except ValueError:
            parsed = None
    if parsed is None:
        reader.error("cutoff", _('phải là null hoặc giờ dạng HH:MM, ví dụ "15:00".'))
        return None
    return _time_text(parsed)


def _time_text(value: datetime.time) -> str:
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def _processing_times(reader: _Reader) -> list[dict]:
    rows: list[dict] = []
    seen: dict[str, int] = {}
    for index, value in reader.objects("processing_times"):
        item = reader.child("processing_times", index, value, TIME_KEYS)
        row = {
            "channel": item.choice("channel", Channel),
            "amount": item.amount("amount", default=None),
            "unit": item.choice("unit", TimeUnit, default=TimeUnit.DAYS.value),
            "note": item.text("note"),
        }
        if row["channel"] in seen:
            item.error(
                "channel",
                _("kênh %(channel)s đã có ở processing_times[%(index)s].")
                % {"channel": row["channel"], "index": seen[row["channel"]]},
            )
        elif row["channel"]:
            seen[row["channel"]] = index
        rows.append(row)
    return sorted(rows, key=lambda row: _channel_position(row["channel"]))


def _channel_position(channel: str) -> int:
    return CHANNEL_ORDER.index(channel) if channel in CHANNEL_ORDER else len(CHANNEL_ORDER)


def _documents(reader: _Reader) -> list[dict]:
    rows = []
    for index, value in reader.objects("documents"):
        item = reader.child("documents", index, value, DOCUMENT_KEYS)
        rows.append(
            {
                "name": item.text(
                    "name", required=True, max_length=_max_length(RequiredDocument, "name")
                ),
                "originals": item.integer("originals", default=1),
                "copies": item.integer("copies", default=0),
                "required": item.boolean("required", default=True),
                "template": item.text(
                    "template", max_length=_max_length(RequiredDocument, "template")
                ),
                "note": item.text("note"),
            }
        )
    return rows


def _fees(reader: _Reader) -> list[dict]:
    rows = []
    for index, value in reader.objects("fees"):
        item = reader.child("fees", index, value, FEE_KEYS)
        rows.append(
            {
                "name": item.text("name", required=True, max_length=_max_length(Fee, "name")),
                "amount": item.integer("amount", default=0, maximum=10**15, required=True),
                "note": item.text("note"),
            }
        )
    return rows


def _legal_basis(reader: _Reader) -> list[str]:
    documents = []
    for index, value in reader.objects("legal_basis"):
        if not isinstance(value, str) or not value.strip() or "\n" in value.strip():
            reader.error(
                f"legal_basis[{index}]",
                _("mỗi văn bản phải là một chuỗi ký tự không rỗng, trên một dòng."),
            )
            continue
        documents.append(value.strip())
    return documents


def _workflow(reader: _Reader) -> list[dict]:
    rows = []
    for index, value in reader.objects("workflow"):
        item = reader.child("workflow", index, value, WORKFLOW_KEYS)
        rows.append(
            {
                "name": item.text(
                    "name", required=True, max_length=_max_length(WorkflowStep, "name")
                ),
                "unit_kind": item.choice("unit_kind", UnitKind),
                "unit_name": item.text(
                    "unit_name", max_length=_max_length(WorkflowStep, "unit_name")
                ),
                "role": item.choice("role", Role),
                "amount": item.amount("amount", default="0"),
                "time_unit": item.choice("time_unit", TimeUnit, default=TimeUnit.DAYS.value),
                "parallel_group": item.integer("parallel_group", default=None, nullable=True),
                "counts_toward_deadline": item.boolean("counts_toward_deadline", default=True),
            }
        )
    return rows


# Records → rows


def procedure_values(record: dict) -> dict:
    """Model attribute values of a canonical record (without agency, field and children)."""
    methods = set(record["methods"])
    return {
        "name": record["name"],
        "level": record["level"],
        "accepts_direct": Channel.DIRECT.value in methods,
        "accepts_online": Channel.ONLINE.value in methods,
        "accepts_postal": Channel.POSTAL.value in methods,
        "online_level": record["online_level"],
        "is_lien_thong": record["is_lien_thong"],
        "cutoff": datetime.time.fromisoformat(record["cutoff"]) if record["cutoff"] else None,
        **{key: record[key] for key in TEXT_KEYS},
        "legal_basis": "\n".join(record["legal_basis"]),
    }


def child_rows(record: dict) -> dict:
    """Unsaved child rows of a canonical record, for services.procedure_replace_children."""
    return {
        "processing_times": [
            ProcessingTime(
                channel=row["channel"],
                amount=Decimal(row["amount"]),
                unit=row["unit"],
                note=row["note"],
            )
            for row in record["processing_times"]
        ],
        "documents": [
            RequiredDocument(
                name=row["name"],
                originals=row["originals"],
                copies=row["copies"],
                is_required=row["required"],
                template=row["template"],
                note=row["note"],
            )
            for row in record["documents"]
        ],
        "fees": [
            Fee(name=row["name"], amount=row["amount"], note=row["note"]) for row in record["fees"]
        ],
        "workflow_steps": [
            WorkflowStep(
                name=row["name"],
                unit_kind=row["unit_kind"],
                unit_name=row["unit_name"],
                role=row["role"],
                amount=Decimal(row["amount"]),
                time_unit=row["time_unit"],
                parallel_group=row["parallel_group"],
                counts_toward_deadline=row["counts_toward_deadline"],
            )
            for row in record["workflow"]
        ],
    }


# Rows → records


def with_children(procedures: QuerySet[Procedure]) -> QuerySet[Procedure]:
    """The queryset with everything procedure_record reads, in a fixed number of queries."""
    return procedures.select_related("field", "agency").prefetch_related(
        "processing_times", "documents", "fees", "workflow_steps"
    )


def field_record(field_: Field) -> dict:
    return {"code": field_.code, "name": field_.name, "order": field_.order}


def processing_time_records(procedure: Procedure) -> list[dict]:
    return [
        {
            "channel": row.channel,
            "amount": decimal_text(row.amount),
            "unit": row.unit,
            "note": row.note,
        }
        for row in sorted(
            procedure.processing_times.all(), key=lambda row: _channel_position(row.channel)
        )
    ]


def procedure_record(procedure: Procedure) -> dict:
    """The canonical record of a stored procedure (children read through with_children)."""
    record = {
        "code": procedure.code,
        "agency_code": procedure.agency.code if procedure.agency_id else None,
        "name": procedure.name,
        "field": procedure.field.code,
        "level": procedure.level,
        "methods": procedure.methods,
        "online_level": procedure.online_level,
        "is_lien_thong": procedure.is_lien_thong,
        "cutoff": _time_text(procedure.cutoff) if procedure.cutoff else None,
        "processing_times": processing_time_records(procedure),
        "documents": [
            {
                "name": row.name,
                "originals": row.originals,
                "copies": row.copies,
                "required": row.is_required,
                "template": row.template,
                "note": row.note,
            }
            for row in procedure.documents.all()
        ],
        "fees": [
            {"name": row.name, "amount": row.amount, "note": row.note}
            for row in procedure.fees.all()
        ],
        **{key: getattr(procedure, key) for key in TEXT_KEYS},
        "legal_basis": procedure.legal_basis_list,
        "workflow": [
            {
                "name": row.name,
                "unit_kind": row.unit_kind,
                "unit_name": row.unit_name,
                "role": row.role,
                "amount": decimal_text(row.amount),
                "time_unit": row.time_unit,
                "parallel_group": row.parallel_group,
                "counts_toward_deadline": row.counts_toward_deadline,
            }
            for row in procedure.workflow_steps.all()
        ],
    }
    if not procedure.is_published:
        record["is_published"] = False
    return record


def export_document(fields: list[Field], procedures: list[Procedure]) -> dict:
    """The whole document, records sorted: fields by order and code, procedures by agency
    (common catalog first) and code."""
    ordered_fields = sorted(fields, key=lambda f: (f.order, f.code))
    records = sorted(
        (procedure_record(procedure) for procedure in procedures),
        key=lambda r: (r["agency_code"] is not None, r["agency_code"] or "", r["code"]),
    )
    return {
        "format": FORMAT,
        "fields": [field_record(f) for f in ordered_fields],
        "procedures": records,
    }


def dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
