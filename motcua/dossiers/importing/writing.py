"""Writing checked import records: agencies, fields and procedures the database does not know,
then the dossiers and their IMPORT events, in one transaction."""

from __future__ import annotations

import bisect
import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Field, Procedure, ProcedureLevel
from motcua.catalog.services import field_create, procedure_create
from motcua.common.errors import Conflict, DomainError, InvalidInput
from motcua.common.text import search_key
from motcua.dossiers.importing.reading import _Errors, _read, _Record
from motcua.dossiers.models import Dossier, DossierEvent, FormSet, RuleVersion
from motcua.dossiers.statuses import Action, DossierStatus
from motcua.organizations.models import Agency, AgencyKind
from motcua.organizations.services import agency_create

BATCH_SIZE = 500

IMPORT_ROOT_CODE = "IMPORTED"
FALLBACK_RULE_VERSION_CODE = "import-fallback"


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
