"""Writes to the catalog. The folded search columns are computed here and nowhere else."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.audit.services import (
    audit_record,
    audit_saved,
    rows_snapshot,
    snapshot,
    stored_snapshot,
)
from motcua.catalog import exchange
from motcua.catalog.models import (
    Fee,
    Field,
    Procedure,
    ProcessingTime,
    RequiredDocument,
    WorkflowStep,
)
from motcua.common.errors import Conflict, InvalidInput
from motcua.common.text import search_key
from motcua.organizations.models import Agency


def _full_clean(instance: models.Model, *, code: str) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        details = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        first = next(iter(details.values()))[0]
        raise InvalidInput(first, code=code, details={"errors": details}) from exc


def _procedure_keys(
    procedure: Procedure, *, field_name: str, document_names: Iterable[str]
) -> tuple[str, str]:
    parts = [
        procedure.name,
        procedure.code,
        field_name,
        *document_names,
        procedure.result,
        procedure.applicants,
    ]
    searchable = " ".join(key for key in (search_key(part) for part in parts) if key)
    return search_key(procedure.name), searchable


def _document_names(procedure: Procedure) -> list[str]:
    if procedure.pk is None:
        return []
    return [document.name for document in procedure.documents.all()]


def _store_procedure(procedure: Procedure, *, document_names: Sequence[str] | None = None) -> None:
    if document_names is None:
        document_names = _document_names(procedure)
    procedure.name_key, procedure.search_key = _procedure_keys(
        procedure, field_name=procedure.field.name, document_names=document_names
    )
    _full_clean(procedure, code="invalid_procedure")
    procedure.save()


# Fields


@transaction.atomic
def field_save(*, field: Field) -> Field:
    """Validate and save a field (new or changed); a renamed field re-indexes its procedures."""
    field.name_key = search_key(field.name)
    _full_clean(field, code="invalid_field")
    stored = Field.objects.filter(pk=field.pk).first() if field.pk is not None else None
    before = snapshot(stored) if stored is not None else None
    renamed = stored is not None and stored.name != field.name
    field.save()
    if renamed:
        procedures_refresh_search_keys(procedures=Procedure.objects.filter(field=field))
    audit_saved(instance=field, before=before)
    return field


def field_create(*, code: str, name: str, order: int = 0) -> Field:
    return field_save(field=Field(code=code, name=name, order=order))


def field_update(*, field: Field, **changes) -> Field:
    for name, value in changes.items():
        setattr(field, name, value)
    return field_save(field=field)


# Procedures


@transaction.atomic
def procedure_save(*, procedure: Procedure) -> Procedure:
    """Validate and save a procedure (new or changed) with fresh name_key and search_key."""
    before = stored_snapshot(Procedure, procedure.pk)
    _store_procedure(procedure)
    audit_saved(instance=procedure, before=before, agency=procedure.agency)
    return procedure


def procedure_create(
    *, code: str, name: str, field: Field, level: str, agency: Agency | None = None, **fields
) -> Procedure:
    procedure = Procedure(code=code, name=name, field=field, level=level, agency=agency, **fields)
    return procedure_save(procedure=procedure)


def procedure_update(*, procedure: Procedure, **changes) -> Procedure:
    for name, value in changes.items():
        setattr(procedure, name, value)
    return procedure_save(procedure=procedure)


def procedures_refresh_search_keys(*, procedures: Iterable[Procedure]) -> int:
    """Recompute the folded columns, e.g. after documents changed; returns how many rows."""
    if isinstance(procedures, QuerySet):
        procedures = procedures.select_related("field").prefetch_related("documents")
    changed = []
    for procedure in procedures:
        procedure.name_key, procedure.search_key = _procedure_keys(
            procedure,
            field_name=procedure.field.name,
            document_names=_document_names(procedure),
        )
        changed.append(procedure)
    Procedure.objects.bulk_update(changed, ["name_key", "search_key"], batch_size=500)
    return len(changed)


@transaction.atomic
def procedure_replace_children(
    *,
    procedure: Procedure,
    processing_times: Sequence[ProcessingTime] = (),
    documents: Sequence[RequiredDocument] = (),
    fees: Sequence[Fee] = (),
    workflow_steps: Sequence[WorkflowStep] = (),
) -> Procedure:
    """Replace every child row of a procedure with the given unsaved rows, in their order."""
    channels = [row.channel for row in processing_times]
    if len(set(channels)) != len(channels):
        raise InvalidInput(
            _("Mỗi cách thức nộp chỉ có một thời hạn giải quyết."), code="invalid_procedure"
        )
    for row in (*processing_times, *documents, *fees, *workflow_steps):
        try:
            row.full_clean(exclude=["procedure", "order"], validate_constraints=False)
        except ValidationError as exc:
            raise InvalidInput(
                "; ".join(exc.messages), code="invalid_procedure", details={"errors": exc.messages}
            ) from exc
    before = procedure_children_snapshot(procedure=procedure)
    _replace_children(
        procedure,
        processing_times=processing_times,
        documents=documents,
        fees=fees,
        workflow_steps=workflow_steps,
    )
    _store_procedure(procedure, document_names=[document.name for document in documents])
    audit_record(
        action="update",
        instance=procedure,
        agency=procedure.agency,
        before=before,
        after=_children_snapshot(
            processing_times=processing_times,
            documents=documents,
            fees=fees,
            workflow_steps=workflow_steps,
        ),
    )
    return procedure


_CHILD_COLUMNS_SKIPPED = ("procedure", "order")


def _children_snapshot(*, processing_times, documents, fees, workflow_steps) -> dict:
    return {
        "processing_times": sorted(
            rows_snapshot(processing_times, exclude=_CHILD_COLUMNS_SKIPPED),
            key=lambda row: row["channel"],
        ),
        "documents": rows_snapshot(documents, exclude=_CHILD_COLUMNS_SKIPPED),
        "fees": rows_snapshot(fees, exclude=_CHILD_COLUMNS_SKIPPED),
        "workflow_steps": rows_snapshot(workflow_steps, exclude=_CHILD_COLUMNS_SKIPPED),
    }


def procedure_children_snapshot(*, procedure: Procedure) -> dict:
    """Times, documents, fees and workflow steps as stored, for the audit log (four queries)."""
    if procedure.pk is None:
        return {}
    return _children_snapshot(
        processing_times=list(procedure.processing_times.all()),
        documents=list(procedure.documents.order_by("order", "pk")),
        fees=list(procedure.fees.order_by("order", "pk")),
        workflow_steps=list(procedure.workflow_steps.order_by("order", "pk")),
    )


def _replace_children(
    procedure: Procedure,
    *,
    processing_times: Sequence[ProcessingTime],
    documents: Sequence[RequiredDocument],
    fees: Sequence[Fee],
    workflow_steps: Sequence[WorkflowStep],
) -> None:
    procedure.processing_times.all().delete()
    procedure.documents.all().delete()
    procedure.fees.all().delete()
    procedure.workflow_steps.all().delete()
    for model, rows in (
        (ProcessingTime, processing_times),
        (RequiredDocument, documents),
        (Fee, fees),
        (WorkflowStep, workflow_steps),
    ):
        for position, row in enumerate(rows):
            row.procedure = procedure
            if hasattr(row, "order"):
                row.order = position
        model.objects.bulk_create(rows)


# Import


@dataclass
class ImportResult:
    fields_created: int = 0
    fields_updated: int = 0
    procedures_created: int = 0
    procedures_updated: int = 0
    procedures_unchanged: int = 0
    dry_run: bool = False


def catalog_import(*, data: str | bytes | dict, dry_run: bool = False) -> ImportResult:
    """Load a motcua-catalog/1 document: all of it in one transaction, or nothing.

    Procedures are matched on (code, agency); a changed one gets its child rows replaced, an
    identical one is left untouched. Procedures missing from the file are kept. data is the raw
    file text (errors then carry line numbers) or the already parsed document.
    """
    if isinstance(data, dict):
        document, lines = data, {}
    else:
        document, lines = exchange.parse_text(data)
    catalog = exchange.validate(document, lines=lines, **_known_codes(document))
    result = ImportResult(dry_run=dry_run)
    try:
        with transaction.atomic():
            _import_fields(catalog.fields, result)
            changed_codes = _import_procedures(catalog.procedures, result)
            _audit_import(result, changed_codes)
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError as exc:
        # Validation checked uniqueness against the database; only a concurrent writer of the
        # same codes gets here, and the whole file was rolled back.
        raise Conflict(
            _("Danh mục vừa được thay đổi đồng thời bởi thao tác khác; hãy nhập lại tệp."),
            code="catalog_conflict",
        ) from exc
    return result


def _audit_import(result: ImportResult, changed_codes: list[str]) -> None:
    """One summary row per import (counts and the codes of the procedures created or changed);
    the fields it created or renamed have their own rows from field_save."""
    if not (result.procedures_created or result.procedures_updated):
        return
    audit_record(
        action="import",
        object_type="catalog.import",
        object_label=_("Nhập danh mục thủ tục hành chính"),
        after={
            "fields_created": result.fields_created,
            "fields_updated": result.fields_updated,
            "procedures_created": result.procedures_created,
            "procedures_updated": result.procedures_updated,
            "procedures_unchanged": result.procedures_unchanged,
            "procedures": changed_codes,
        },
    )


def _known_codes(document: dict) -> dict:
    """The agency and field codes the file refers to that already exist in the database."""
    agency_codes: set[str] = set()
    field_codes: set[str] = set()
    procedures = document.get("procedures") if isinstance(document, dict) else None
    for record in procedures if isinstance(procedures, list) else []:
        if isinstance(record, dict):
            if isinstance(record.get("agency_code"), str):
                agency_codes.add(record["agency_code"])
            if isinstance(record.get("field"), str):
                field_codes.add(record["field"])
    return {
        "known_agencies": set(
            Agency.objects.filter(code__in=agency_codes).values_list("code", flat=True)
        ),
        "known_fields": set(
            Field.objects.filter(code__in=field_codes).values_list("code", flat=True)
        ),
    }


def _import_fields(records: list[dict], result: ImportResult) -> None:
    existing = {
        field.code: field for field in Field.objects.filter(code__in=[r["code"] for r in records])
    }
    for record in records:
        field = existing.get(record["code"])
        if field is None:
            field_create(code=record["code"], name=record["name"], order=record["order"])
            result.fields_created += 1
        elif (field.name, field.order) != (record["name"], record["order"]):
            field_update(field=field, name=record["name"], order=record["order"])
            result.fields_updated += 1


def _import_procedures(records: list[dict], result: ImportResult) -> list[str]:
    fields = {field.code: field for field in Field.objects.all()}
    agencies = {
        agency.code: agency
        for agency in Agency.objects.filter(
            code__in={r["agency_code"] for r in records if r["agency_code"]}
        )
    }
    existing = {
        (procedure.code, procedure.agency.code if procedure.agency else None): procedure
        for procedure in exchange.with_children(
            Procedure.objects.filter(code__in={r["code"] for r in records})
        )
    }
    changed_codes = []
    for record in records:
        procedure = existing.get((record["code"], record["agency_code"]))
        publish = record.get("is_published")
        if procedure is not None:
            current = exchange.procedure_record(procedure)
            current.pop("is_published", None)
            incoming = {key: value for key, value in record.items() if key != "is_published"}
            if current == incoming and publish in (None, procedure.is_published):
                result.procedures_unchanged += 1
                continue
            result.procedures_updated += 1
        else:
            procedure = Procedure(agency=agencies.get(record["agency_code"]), code=record["code"])
            result.procedures_created += 1
        for name, value in exchange.procedure_values(record).items():
            setattr(procedure, name, value)
        procedure.field = fields[record["field"]]
        procedure.is_imported = True
        if publish is not None:
            procedure.is_published = publish
        _store_procedure(procedure, document_names=[d["name"] for d in record["documents"]])
        _replace_children(procedure, **exchange.child_rows(record))
        changed_codes.append(procedure.code)
    return changed_codes
