"""Writes to the audit log and the personal-data access log.

`audit_record` is called by the services that change the catalog, the calendar, the agency tree
and officers' accounts, inside their transaction: the row commits or rolls back with the change.
`personal_data_accessed` is one INSERT, cheap enough for every page view.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable

from django.db import models

from motcua.audit import context
from motcua.audit.models import AccessWhat, AuditAction, AuditEntry, PersonalDataAccess

# Never copied into before/after: secrets, and columns the system derives from the others.
SKIPPED_FIELDS = frozenset(
    {"password", "last_login", "name_key", "search_key", "created_at", "updated_at", "path"}
)
CREDENTIAL_MARK = "password_changed"  # an admin set a new password; never the value

_UNSET = object()


def _plain(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        # The same instant from a form (office zone) and from the database (UTC) must compare equal.
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def snapshot(instance: models.Model, *, exclude: Iterable[str] = ()) -> dict:
    """The stored columns of a row as JSON values (foreign keys as ids), secrets left out."""
    skipped = SKIPPED_FIELDS | set(exclude)
    values = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key or field.name in skipped:
            continue
        key = field.attname if field.is_relation else field.name
        values[key] = _plain(field.value_from_object(instance))
    return values


def rows_snapshot(rows: Iterable[models.Model], *, exclude: Iterable[str] = ()) -> list[dict]:
    return [snapshot(row, exclude=exclude) for row in rows]


def changed(before: dict | None, after: dict | None) -> tuple[dict, dict]:
    """Only the keys whose value differs, on both sides."""
    before, after = before or {}, after or {}
    keys = [key for key in {**before, **after} if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after.get(key) for key in keys}


def _label(instance: models.Model | None) -> str:
    return str(instance)[:300] if instance is not None else ""


def audit_record(
    *,
    action: str,
    instance: models.Model | None = None,
    object_type: str = "",
    object_id: object = "",
    object_label: str = "",
    agency=None,
    before: dict | None = None,
    after: dict | None = None,
    actor=_UNSET,
) -> AuditEntry | None:
    """One row for one change; an update that changed nothing leaves no row.

    `actor` defaults to the user of the current request (see motcua.audit.context); None is the
    system itself (a command, a migration, the demo seed).
    """
    if action == AuditAction.UPDATE:
        before, after = changed(before, after)
        if not after and not before:
            return None
    acting = context.current()
    if actor is _UNSET:
        actor = acting.actor()
    elif actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    address = acting.address()
    if instance is not None:
        object_type = object_type or instance._meta.label_lower
        object_id = object_id or instance.pk
        object_label = object_label or _label(instance)
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=(actor.get_username() if actor is not None else "")[:200],
        action=action,
        object_type=object_type,
        object_id="" if object_id is None else str(object_id)[:64],
        object_label=object_label[:300],
        agency=agency,
        before=before or None,
        after=after or None,
        client_ip=address if address and address != "unknown" else None,
    )


def audit_saved(
    *, instance: models.Model, before: dict | None, agency=None, actor=_UNSET, **extra_after
) -> AuditEntry | None:
    """Record a create (no `before`) or an update of `instance` from its current columns."""
    after = {**snapshot(instance), **extra_after}
    return audit_record(
        action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
        instance=instance,
        agency=agency,
        before=before,
        after=after,
        actor=actor,
    )


def audit_deleted(
    *, instance: models.Model, before: dict, agency=None, actor=_UNSET, object_id=None
) -> AuditEntry | None:
    return audit_record(
        action=AuditAction.DELETE,
        instance=instance,
        object_id=object_id if object_id is not None else instance.pk,
        agency=agency,
        before=before,
        actor=actor,
    )


def stored_snapshot(model: type[models.Model], pk, *, exclude: Iterable[str] = ()) -> dict | None:
    """The row as stored now (one query), or None for a row not saved yet."""
    if pk is None:
        return None
    row = model._default_manager.filter(pk=pk).first()
    return snapshot(row, exclude=exclude) if row is not None else None


def personal_data_accessed(*, request, dossier, what: str, detail: str = "") -> None:
    """An officer opened personal data of `dossier`: one INSERT, no read."""
    if what not in AccessWhat.values:
        raise ValueError(what)
    address = context.Acting(request=request).address()
    PersonalDataAccess.objects.create(
        officer_id=request.user.pk,
        dossier_id=dossier.pk,
        what=what,
        detail=detail[:200],
        client_ip=address if address and address != "unknown" else None,
    )


def personal_data_book_accessed(*, request, dossiers: Iterable, detail: str = "") -> None:
    """The tracking book (page or export) showed these dossiers (rows or ids): one multi-row
    INSERT per 500 dossiers."""
    address = context.Acting(request=request).address()
    ip = address if address and address != "unknown" else None
    PersonalDataAccess.objects.bulk_create(
        [
            PersonalDataAccess(
                officer_id=request.user.pk,
                dossier_id=getattr(dossier, "pk", dossier),
                what=AccessWhat.BOOK,
                detail=detail[:200],
                client_ip=ip,
            )
            for dossier in dossiers
        ],
        batch_size=500,
    )
