"""A parsed document → canonical records (see the package docstring for the defaults), or
InvalidInput listing every problem.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.catalog.exchange.reader import _MISSING, _Errors, _Reader, _shown
from motcua.catalog.exchange.schema import (
    CHANNEL_ORDER,
    DOCUMENT_KEYS,
    FEE_KEYS,
    FIELD_KEYS,
    FORMAT,
    LEGACY_ONLINE_LEVELS,
    PROCEDURE_KEYS,
    TEXT_KEYS,
    TIME_KEYS,
    TOP_KEYS,
    WORKFLOW_KEYS,
    _channel_position,
    _max_length,
    _time_text,
)
from motcua.catalog.models import (
    Channel,
    Fee,
    Field,
    OnlineLevel,
    Procedure,
    ProcedureLevel,
    RequiredDocument,
    TimeUnit,
    UnitKind,
    WorkflowStep,
)
from motcua.organizations.models import Agency, Role


@dataclass
class Catalog:
    fields: list[dict] = dataclasses.field(default_factory=list)
    procedures: list[dict] = dataclasses.field(default_factory=list)


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
