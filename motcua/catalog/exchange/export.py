"""Stored procedures → canonical records and the exported document. with_children is the
prefetch every reader of records shares: the selectors, re-import's change detection, the API.
"""

from __future__ import annotations

import json

from django.db.models import QuerySet

from motcua.catalog.exchange.schema import (
    FORMAT,
    TEXT_KEYS,
    _channel_position,
    _time_text,
    decimal_text,
)
from motcua.catalog.models import Field, Procedure


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
