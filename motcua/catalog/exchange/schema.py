"""Keys, limits and small conversions shared by reading, writing and exporting
motcua-catalog/1.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from motcua.catalog.models import Channel, OnlineLevel

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


def _time_text(value: datetime.time) -> str:
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def _channel_position(channel: str) -> int:
    return CHANNEL_ORDER.index(channel) if channel in CHANNEL_ORDER else len(CHANNEL_ORDER)
