"""Dossiers out for BI tools: one row per dossier received by an agency's subtree in a period,
as CSV (UTF-8 with a BOM, so Excel reads Vietnamese right) or JSON Lines.

Rows are streamed from one query (`.iterator(chunk_size=2000)`): a province's year never sits in
memory, whether it goes to a file (`motcua export_dossiers`) or to a browser (a streaming
download). No personal data leaves: no applicant name, identity number, birth date, address,
phone or email, no representative, no request text.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils.translation import gettext as _

from motcua.common.db import report_db_alias
from motcua.common.errors import InvalidInput, NotFound
from motcua.dossiers.models import Dossier, Timeliness
from motcua.dossiers.statuses import NATIONAL_STATUS, DossierStatus
from motcua.organizations.models import Agency, subtree_q
from motcua.workdays.engine import OFFICE_TZ

FORMATS = ("csv", "jsonl")
CHUNK_SIZE = 2000
CSV_FLUSH_ROWS = 500

COLUMNS = [
    "code",
    "procedure_code",
    "procedure_name",
    "field_code",
    "field_name",
    "receiving_agency_code",
    "competent_agency_code",
    "channel",
    "status",
    "national_status",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "timeliness",
    "supplement_count",
    "is_imported",
    "is_digitized",
]
_VALUES = {
    "code": "code",
    "procedure_code": "procedure__code",
    "procedure_name": "procedure_name",
    "field_code": "procedure__field__code",
    "field_name": "procedure__field__name",
    "receiving_agency_code": "receiving_agency__code",
    "competent_agency_code": "competent_agency__code",
    "channel": "channel",
    "status": "status",
    "received_at": "received_at",
    "due_at": "due_at",
    "finished_at": "finished_at",
    "returned_at": "returned_at",
    "supplement_count": "supplement_count",
    "is_imported": "is_imported",
    "is_digitized": "is_digitized",
}
# Counted as resolved on time whatever the dates, as in the official report (DOMAIN §5).
_ON_TIME_WHATEVER = (DossierStatus.WITHDRAWN, DossierStatus.STOPPED)


@dataclass(frozen=True)
class ExportRequest:
    agency: Agency
    date_from: date
    date_to: date
    format: str = "csv"

    @property
    def filename(self) -> str:
        return (
            f"ho-so-{self.agency.code}-{self.date_from:%Y%m%d}-{self.date_to:%Y%m%d}.{self.format}"
        )


def _parse_date(value, *, label: str) -> date:
    text = (value or "").strip() if isinstance(value, str) else ""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            _("Ngày %(label)s không hợp lệ: cần dạng YYYY-MM-DD, ví dụ 2026-01-31.")
            % {"label": label},
            code="invalid_date",
        ) from None


def export_request_parse(
    *, agency_code, date_from, date_to, format: str = "csv", agencies=None
) -> ExportRequest:
    """Check the export's input; `agencies` limits the agencies allowed (a reader's), and an
    agency outside it answers like an unknown one."""
    start = _parse_date(date_from, label=_("bắt đầu"))
    end = _parse_date(date_to, label=_("kết thúc"))
    if start > end:
        raise InvalidInput(
            _("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."), code="invalid_period"
        )
    if format not in FORMATS:
        raise InvalidInput(_("Định dạng phải là csv hoặc jsonl."), code="invalid_format")
    code = agency_code.strip() if isinstance(agency_code, str) else ""
    if not code:
        raise InvalidInput(_("Cần chọn cơ quan (mã định danh)."), code="agency_required")
    agency = (agencies if agencies is not None else Agency.objects).filter(code=code).first()
    if agency is None:
        raise NotFound(
            _("Không tìm thấy cơ quan có mã %(code)s.") % {"code": code}, code="agency_not_found"
        )
    return ExportRequest(agency=agency, date_from=start, date_to=end, format=format)


def _local_iso(instant: datetime | None) -> str | None:
    if instant is None:
        return None
    return instant.astimezone(OFFICE_TZ).replace(microsecond=0).isoformat()


def _timeliness(row: dict) -> str | None:
    """Early / on time / late for a finished dossier (local dates, DOMAIN §3); None while open."""
    finished, due = row["finished_at"], row["due_at"]
    if finished is None:
        return None
    if row["status"] in _ON_TIME_WHATEVER:
        return Timeliness.ON_TIME
    if due is None:
        return None
    finished_day, due_day = finished.astimezone(OFFICE_TZ).date(), due.astimezone(OFFICE_TZ).date()
    if finished_day < due_day:
        return Timeliness.EARLY
    if finished_day == due_day:
        return Timeliness.ON_TIME
    return Timeliness.LATE


def dossier_export_rows(*, request: ExportRequest) -> Iterator[dict]:
    """The rows, oldest receipt first: dossiers received from `date_from` 00:00 to `date_to`
    24:00 (office time) whose receiving or competent agency lies in the agency's subtree."""
    start = datetime.combine(request.date_from, time.min, tzinfo=OFFICE_TZ)
    end = datetime.combine(request.date_to + timedelta(days=1), time.min, tzinfo=OFFICE_TZ)
    subtree = Agency.objects.filter(subtree_q(request.agency)).values("pk")
    rows = (
        # A read for reports: from the replica when the deployment has one.
        Dossier.objects.using(report_db_alias())
        .filter(received_at__gte=start, received_at__lt=end)
        .filter(Q(receiving_agency_id__in=subtree) | Q(competent_agency_id__in=subtree))
        .order_by("received_at", "pk")
        .values(*_VALUES.values())
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for raw in rows:
        row = {column: raw[source] for column, source in _VALUES.items()}
        yield {
            **row,
            "national_status": NATIONAL_STATUS[row["status"]],
            "received_at": _local_iso(row["received_at"]),
            "due_at": _local_iso(row["due_at"]),
            "finished_at": _local_iso(row["finished_at"]),
            "returned_at": _local_iso(row["returned_at"]),
            "timeliness": _timeliness(row),
        }


def csv_chunks(rows: Iterable[dict]) -> Iterator[str]:
    """CSV text in pieces: a BOM and the header first, then rows a few hundred at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(COLUMNS)
    pending = 0
    for row in rows:
        writer.writerow([_csv_value(row[column]) for column in COLUMNS])
        pending += 1
        if pending >= CSV_FLUSH_ROWS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def jsonl_chunks(rows: Iterable[dict]) -> Iterator[str]:
    for row in rows:
        yield json.dumps({column: row[column] for column in COLUMNS}, ensure_ascii=False) + "\n"


def export_chunks(request: ExportRequest, rows: Iterable[dict]) -> Iterator[str]:
    return csv_chunks(rows) if request.format == "csv" else jsonl_chunks(rows)
