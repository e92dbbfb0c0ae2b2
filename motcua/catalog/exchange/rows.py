"""Canonical records → model values and unsaved child rows, which services.catalog_import
writes.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from motcua.catalog.exchange.schema import TEXT_KEYS
from motcua.catalog.models import Channel, Fee, ProcessingTime, RequiredDocument, WorkflowStep


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
