"""Writes to the agency tree. The materialized path is kept here, not in save()."""

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from motcua.organizations.models import Agency


@transaction.atomic
def agency_create(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Agency | None = None,
    **fields,
) -> Agency:
    agency = Agency(code=code, name=name, kind=kind, parent=parent, path="", **fields)
    agency.full_clean(exclude=["path"])
    agency.save()
    agency.path = f"{parent.path if parent else '/'}{agency.pk}/"
    agency.save(update_fields=["path"])
    return agency


@transaction.atomic
def agency_move(*, agency: Agency, new_parent: Agency | None) -> Agency:
    """Re-attach an agency (with its whole subtree) under another parent."""
    if new_parent is not None and new_parent.path.startswith(agency.path):
        from django.utils.translation import gettext as _

        from motcua.common.errors import InvalidInput

        raise InvalidInput(
            _("Không thể chuyển cơ quan vào chính nó hoặc cơ quan cấp dưới của nó."),
            code="agency_cycle",
        )
    old_path = agency.path
    new_path = f"{new_parent.path if new_parent else '/'}{agency.pk}/"
    Agency.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1))
    )
    agency.parent = new_parent
    agency.save(update_fields=["parent", "updated_at"])
    agency.refresh_from_db(fields=["path"])
    return agency
