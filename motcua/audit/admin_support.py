"""For the admin classes of other apps whose saves and deletes do not go through a service (plain
edits of a row, inline rows, deletes): the same audit rows the services write."""

from django.db import transaction

from motcua.audit import context
from motcua.audit.services import (
    CREDENTIAL_MARK,
    audit_deleted,
    audit_record,
    audit_saved,
    snapshot,
    stored_snapshot,
)


def save_audited(instance, *, agency=None) -> None:
    """Save `instance` (new or changed) and record what changed."""
    before = stored_snapshot(type(instance), instance.pk)
    instance.save()
    audit_saved(instance=instance, before=before, agency=agency)


def delete_audited(instance, *, agency=None) -> None:
    with transaction.atomic():
        before = snapshot(instance)
        object_id = instance.pk
        audit_deleted(instance=instance, before=before, agency=agency, object_id=object_id)
        instance.delete()


def password_changed(user) -> None:
    audit_record(
        action="update",
        instance=user,
        before={CREDENTIAL_MARK: False},
        after={CREDENTIAL_MARK: True},
    )


class AuditedAdminMixin:
    """The admin's pages run with the request as the acting context (so rows name the admin and
    their address even where AuditContextMiddleware is not installed), and deletes from the
    change page and from the "delete selected" action leave a row each."""

    def changeform_view(self, request, *args, **kwargs):
        with context.acting_as(request=request):
            return super().changeform_view(request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        with context.acting_as(request=request):
            return super().changelist_view(request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        with context.acting_as(request=request):
            return super().delete_view(request, *args, **kwargs)

    def audit_agency(self, obj):
        return None

    def delete_model(self, request, obj) -> None:
        delete_audited(obj, agency=self.audit_agency(obj))

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)
