"""Admin for dossiers: rule versions are policy data, editable; dossiers are read-mostly (their
changes go through motcua.dossiers.services, from the officers' pages); the event log is the
legal audit trail and can be read, never added to, changed or deleted here."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from motcua.dossiers.access import dossiers_visible_to
from motcua.dossiers.models import (
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierFile,
    DossierStep,
    RuleVersion,
)


@admin.register(RuleVersion)
class RuleVersionAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "effective_from",
        "cutoff",
        "supplement_mode",
        "online_intake_hours",
        "supplement_timeout_days",
        "forms",
    ]
    ordering = ["-effective_from"]

    def has_delete_permission(self, request: HttpRequest, obj: RuleVersion | None = None) -> bool:
        # A rule version that dossiers were received under is part of their legal record.
        if obj is not None and Dossier.objects.filter(rule_version=obj).exists():
            return False
        return super().has_delete_permission(request, obj)


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class DossierStepInline(_ReadOnlyInline):
    model = DossierStep
    fields = [
        "order",
        "name",
        "agency",
        "role",
        "is_partner",
        "parallel_group",
        "status",
        "assignee",
        "started_at",
        "due_at",
        "finished_at",
        "timeliness",
    ]
    readonly_fields = fields


class DossierDocumentInline(_ReadOnlyInline):
    model = DossierDocument
    fields = ["order", "name", "originals", "copies"]
    readonly_fields = fields


class DossierFileInline(_ReadOnlyInline):
    model = DossierFile
    fields = ["kind", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


class DossierEventInline(_ReadOnlyInline):
    model = DossierEvent
    fields = [
        "at",
        "action",
        "from_status",
        "to_status",
        "actor_name",
        "agency",
        "timeliness",
        "note",
    ]
    readonly_fields = fields


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "procedure_name",
        "receiving_agency",
        "status",
        "received_at",
        "due_at",
        "finished_at",
    ]
    list_filter = ["status", "channel", "outcome", "rule_version", "is_imported"]
    list_select_related = ["receiving_agency"]
    search_fields = ["code", "applicant_name", "applicant_id_number", "procedure_name"]
    date_hierarchy = "received_at"
    inlines = [DossierStepInline, DossierDocumentInline, DossierFileInline, DossierEventInline]
    actions = None  # every change is a service call from the officers' pages

    def get_queryset(self, request: HttpRequest) -> QuerySet[Dossier]:
        return dossiers_visible_to(request.user).select_related(
            "procedure", "receiving_agency", "competent_agency", "rule_version"
        )

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [field.name for field in Dossier._meta.concrete_fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # The change page is shown read-only: the view permission is enough to open it.
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(DossierEvent)
class DossierEventAdmin(admin.ModelAdmin):
    list_display = ["at", "dossier", "action", "from_status", "to_status", "actor_name", "agency"]
    list_filter = ["action", "to_status"]
    list_select_related = ["dossier", "agency"]
    search_fields = ["dossier__code", "actor_name", "note"]
    date_hierarchy = "at"
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[DossierEvent]:
        return DossierEvent.objects.filter(dossier__in=dossiers_visible_to(request.user))

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [field.name for field in DossierEvent._meta.concrete_fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
