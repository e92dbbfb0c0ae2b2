"""The logs in the Django admin: read-only lists with filters. Nobody adds, edits or deletes a row
here (the log is the legal trace); a superuser sees everything."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from motcua.audit.models import AuditEntry, PersonalDataAccess


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


@admin.register(AuditEntry)
class AuditEntryAdmin(_ReadOnlyAdmin):
    list_display = ["at", "actor_name", "action", "object_type", "object_label", "agency"]
    list_filter = ["action", "object_type", ("at", admin.DateFieldListFilter), "agency"]
    search_fields = ["object_label", "object_id", "actor_name", "actor__full_name"]
    list_select_related = ["agency"]
    date_hierarchy = "at"
    ordering = ["-at", "-pk"]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(_ReadOnlyAdmin):
    list_display = ["at", "officer", "dossier_code", "what", "client_ip"]
    list_filter = ["what", ("at", admin.DateFieldListFilter)]
    search_fields = ["dossier__code", "officer__username", "officer__full_name"]
    list_select_related = ["officer", "dossier"]
    date_hierarchy = "at"
    ordering = ["-at", "-pk"]

    @admin.display(description=_("mã hồ sơ"), ordering="dossier__code")
    def dossier_code(self, row: PersonalDataAccess) -> str:
        return row.dossier.code
