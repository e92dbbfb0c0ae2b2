"""Import of dossiers from an agency's old software (`motcua import_dossiers FILE.jsonl`).

JSON Lines, one dossier per line:

    {"code": "000.00.06.H56-170306-0001", "agency_code": "000.00.06.H56",
     "agency_name": "UBND huyện Hàm Yên", "procedure_code": "1.001193",
     "procedure_name": "Đăng ký khai sinh", "field_name": "Hộ tịch", "channel": "direct",
     "received_at": "2017-03-06T08:30:00+07:00", "due_at": "2017-03-06T17:00:00+07:00",
     "finished_at": "2017-03-06T15:00:00+07:00", "returned_at": null, "status": 9,
     "applicant": {"name": "…", "id_number": "…", "phone": "…", "address": "…"}}

Every line is checked before anything is written, and a file goes in whole or not at all. A
re-import matches dossiers by code and updates only what changed (one IMPORT event per created or
changed dossier). Agencies, fields and procedures the database does not know are created and
marked as imported: agencies under one "Cơ quan nhập từ hệ thống cũ" root, procedures
unpublished in the common catalog. A line without "applicant" leaves a re-imported dossier's
applicant as it is. Dossiers created in motcua itself, or imported and then handled further
here, are never overwritten.
"""

from __future__ import annotations

import bisect
import datetime
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Channel, Field, Procedure, ProcedureLevel
from motcua.catalog.services import field_create, procedure_create
from motcua.common.errors import Conflict, DomainError, InvalidInput
from motcua.common.text import search_key
from motcua.dossiers.models import Dossier, DossierEvent, FormSet, RuleVersion
from motcua.dossiers.statuses import (
    FINISHED,
    NATIONAL_STATUS,
    STATUS_FOR_NATIONAL,
    Action,
    DossierStatus,
)
from motcua.organizations.models import Agency, AgencyKind
from motcua.organizations.services import agency_create

MAX_ERRORS = 50
BATCH_SIZE = 500

IMPORT_ROOT_CODE = "IMPORTED"
FALLBACK_RULE_VERSION_CODE = "import-fallback"

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
class ImportResult:
    lines: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    agencies_created: int = 0
    fields_created: int = 0
    procedures_created: int = 0
    dry_run: bool = False


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


# Reading and checking lines


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


# Writing


def _chunks(items: list, size: int = BATCH_SIZE):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _located(error: DomainError, record: _Record, where: str) -> InvalidInput:
    """A service's refusal to create an agency, field or procedure, with the line it came from."""
    errors = _Errors()
    errors.add(record.line, where, str(error.message))
    return errors.error()


def _agencies(records: list[_Record], result: ImportResult) -> dict[str, Agency]:
    codes = {record.agency_code for record in records}
    agencies = {agency.code: agency for agency in Agency.objects.filter(code__in=codes)}
    root = None
    for record in records:
        if record.agency_code in agencies:
            continue
        if root is None:
            root = Agency.objects.filter(code=IMPORT_ROOT_CODE).first() or agency_create(
                code=IMPORT_ROOT_CODE,
                name=_("Cơ quan nhập từ hệ thống cũ"),
                kind=AgencyKind.DISTRICT,
                is_imported=True,
            )
        try:
            agencies[record.agency_code] = agency_create(
                code=record.agency_code,
                name=record.agency_name,
                kind=AgencyKind.DISTRICT,
                parent=root,
                is_imported=True,
            )
        except DomainError as exc:
            raise _located(exc, record, "agency_code") from exc
        result.agencies_created += 1
    return agencies


def _imported_field_code(key: str) -> str:
    return "IMP-" + hashlib.sha256(key.encode()).hexdigest()[:10].upper()


def _fields(records: list[_Record], result: ImportResult) -> dict[str, Field]:
    """Fields by folded name (the file's spelling and diacritics may differ from the catalog's)."""
    keys = {search_key(record.field_name) for record in records}
    fields: dict[str, Field] = {}
    for item in Field.objects.filter(name_key__in=keys).order_by("-order", "-code"):
        fields[item.name_key] = item  # the first in catalog order wins
    for record in records:
        key = search_key(record.field_name)
        if key in fields:
            continue
        code = _imported_field_code(key)
        # Created by an earlier import and renamed since: its code still says where it came from.
        fields[key] = Field.objects.filter(code=code).first()
        if fields[key] is not None:
            continue
        try:
            fields[key] = field_create(code=code, name=record.field_name, order=1000)
        except DomainError as exc:
            raise _located(exc, record, "field_name") from exc
        result.fields_created += 1
    return fields


_LEVEL_FOR_KIND = {
    AgencyKind.PROVINCE: ProcedureLevel.PROVINCE,
    AgencyKind.COMMUNE: ProcedureLevel.COMMUNE,
}


def _procedures(
    records: list[_Record],
    agencies: dict[str, Agency],
    fields: dict[str, Field],
    result: ImportResult,
) -> dict[tuple[str, str], Procedure]:
    """The procedure of each (procedure_code, agency_code): the agency's own, else the common
    catalog's; one unknown to both is created, unpublished, in the common catalog."""
    codes = {record.procedure_code for record in records}
    known = {
        (procedure.code, procedure.agency_id): procedure
        for procedure in Procedure.objects.filter(code__in=codes).only("code", "agency_id")
    }
    resolved: dict[tuple[str, str], Procedure] = {}
    for record in records:
        pair = (record.procedure_code, record.agency_code)
        if pair in resolved:
            continue
        agency = agencies[record.agency_code]
        procedure = known.get((record.procedure_code, agency.pk)) or known.get(
            (record.procedure_code, None)
        )
        if procedure is None:
            try:
                procedure = procedure_create(
                    code=record.procedure_code,
                    name=record.procedure_name,
                    field=fields[search_key(record.field_name)],
                    level=_LEVEL_FOR_KIND.get(agency.kind, ProcedureLevel.DISTRICT),
                    is_imported=True,
                    is_published=False,
                )
            except DomainError as exc:
                raise _located(exc, record, "procedure_code") from exc
            known[(procedure.code, None)] = procedure
            result.procedures_created += 1
        resolved[pair] = procedure
    return resolved


class _RuleVersions:
    """The version in force on a date; a dossier older than every version takes the earliest."""

    def __init__(self) -> None:
        versions = list(RuleVersion.objects.order_by("effective_from"))
        if not versions:
            versions = [
                RuleVersion.objects.create(
                    code=FALLBACK_RULE_VERSION_CODE,
                    name=_("Quy định áp dụng cho hồ sơ nhập từ hệ thống cũ"),
                    effective_from=datetime.date(2000, 1, 1),
                    forms=FormSet.TT01_2018,
                )
            ]
        self.versions = versions
        self.dates = [version.effective_from for version in versions]
        self.zone = ZoneInfo(settings.MOTCUA_OFFICE_TIME_ZONE)

    def on(self, moment: datetime.datetime) -> RuleVersion:
        index = bisect.bisect_right(self.dates, moment.astimezone(self.zone).date()) - 1
        return self.versions[max(index, 0)]


def _values(
    record: _Record,
    *,
    agency: Agency,
    procedure: Procedure,
    rule_version: RuleVersion,
) -> dict:
    submitted = record.status == DossierStatus.SUBMITTED
    values = {
        "procedure_id": procedure.pk,
        "procedure_name": record.procedure_name,
        "receiving_agency_id": agency.pk,
        "competent_agency_id": agency.pk,
        "channel": record.channel,
        "status": record.status,
        "rule_version_id": rule_version.pk,
        # An online dossier nobody has checked yet was submitted, not received.
        "submitted_at": record.received_at if submitted else None,
        "received_at": None if submitted else record.received_at,
        "due_at": record.due_at,
        "original_due_at": record.due_at,
        "finished_at": record.finished_at,
        "returned_at": record.returned_at,
    }
    if record.applicant is not None:
        values.update(record.applicant)
    return values


def _event(dossier: Dossier, *, from_status: str, line: int, now, changed=None) -> DossierEvent:
    data: dict = {"line": line}
    if changed is not None:
        data["changed"] = changed
    return DossierEvent(
        dossier=dossier,
        action=Action.IMPORT,
        from_status=from_status,
        to_status=dossier.status,
        at=now,
        agency_id=dossier.receiving_agency_id,
        note=_("Nhập từ hệ thống cũ."),
        data=data,
    )


def _existing(codes: list[str]) -> dict[str, Dossier]:
    found: dict[str, Dossier] = {}
    for chunk in _chunks(codes):
        for dossier in Dossier.objects.filter(code__in=chunk):
            found[dossier.code] = dossier
    return found


def _handled_here(dossier_ids: list[int]) -> set[int]:
    """Imported dossiers that have events other than imports: motcua has taken them over."""
    handled: set[int] = set()
    for chunk in _chunks(dossier_ids):
        handled.update(
            DossierEvent.objects.filter(dossier_id__in=chunk)
            .exclude(action=Action.IMPORT)
            .values_list("dossier_id", flat=True)
        )
    return handled


def _write(records: list[_Record], result: ImportResult) -> None:
    now = timezone.now()
    existing = _existing([record.code for record in records])
    errors = _Errors()
    for record in records:
        dossier = existing.get(record.code)
        if dossier is not None and not dossier.is_imported:
            errors.add(
                record.line,
                "code",
                _(
                    "hồ sơ %(code)s được tiếp nhận trên hệ thống này, không ghi đè bằng dữ liệu nhập."
                )
                % {"code": record.code},
            )
    errors.raise_if_any()

    agencies = _agencies(records, result)
    fields = _fields(records, result)
    procedures = _procedures(records, agencies, fields, result)
    rule_versions = _RuleVersions()

    created: list[tuple[Dossier, int]] = []
    changed: list[tuple[Dossier, str, list[str], int]] = []
    for record in records:
        agency = agencies[record.agency_code]
        values = _values(
            record,
            agency=agency,
            procedure=procedures[(record.procedure_code, record.agency_code)],
            rule_version=rule_versions.on(record.received_at),
        )
        dossier = existing.get(record.code)
        if dossier is None:
            created.append((Dossier(code=record.code, is_imported=True, **values), record.line))
            continue
        differing = [name for name, value in values.items() if getattr(dossier, name) != value]
        if not differing:
            result.unchanged += 1
            continue
        from_status = dossier.status
        for name in differing:
            setattr(dossier, name, values[name])
        changed.append((dossier, from_status, differing, record.line))

    taken_over = _handled_here([dossier.pk for dossier, *_rest in changed])
    for dossier, _from, _differing, line in changed:
        if dossier.pk in taken_over:
            errors.add(
                line,
                "code",
                _(
                    "hồ sơ %(code)s đã được xử lý tiếp trên hệ thống này, không ghi đè bằng dữ liệu nhập."
                )
                % {"code": dossier.code},
            )
    errors.raise_if_any()

    new_dossiers = [dossier for dossier, _line in created]
    for chunk in _chunks(new_dossiers):
        Dossier.objects.bulk_create(chunk)
    events = [_event(dossier, from_status="", line=line, now=now) for dossier, line in created]
    updated_columns = sorted(
        {name for _dossier, _from, differing, _line in changed for name in differing}
    )
    if changed:
        for dossier, *_rest in changed:
            dossier.updated_at = now
        Dossier.objects.bulk_update(
            [dossier for dossier, *_rest in changed],
            [*updated_columns, "updated_at"],
            batch_size=BATCH_SIZE,
        )
    events += [
        _event(dossier, from_status=from_status, line=line, now=now, changed=differing)
        for dossier, from_status, differing, line in changed
    ]
    DossierEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
    result.created = len(created)
    result.updated = len(changed)


def dossiers_import(*, lines: Iterable[str], dry_run: bool = False) -> ImportResult:
    """Check every line, then write the whole file in one transaction (or nothing).

    InvalidInput lists located errors ("Dòng 12: received_at: …", at most 50, in
    details["errors"]); Conflict when another import wrote the same codes meanwhile.
    """
    records = _read(lines)
    result = ImportResult(lines=len(records), dry_run=dry_run)
    try:
        with transaction.atomic():
            _write(records, result)
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError as exc:
        raise Conflict(
            _("Hồ sơ vừa được ghi đồng thời bởi thao tác khác; hãy nhập lại tệp."),
            code="import_conflict",
        ) from exc
    return result
