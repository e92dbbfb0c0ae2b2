from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from motcua.audit.admin_support import AuditedAdminMixin
from motcua.audit.services import audit_record
from motcua.catalog.models import (
    Fee,
    Field,
    Procedure,
    ProcessingTime,
    RequiredDocument,
    WorkflowStep,
)
from motcua.catalog.services import (
    field_save,
    procedure_children_snapshot,
    procedure_save,
    procedures_refresh_search_keys,
)
from motcua.common.text import search_key


@admin.register(Field)
class FieldAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "order"]
    list_editable = ["order"]
    search_fields = ["code", "name"]
    ordering = ["order", "code"]

    def save_model(self, request, obj, form, change):
        field_save(field=obj)


class ProcessingTimeInline(admin.TabularInline):
    model = ProcessingTime
    extra = 0


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0


class FeeInline(admin.TabularInline):
    model = Fee
    extra = 0


class WorkflowStepInline(admin.TabularInline):
    model = WorkflowStep
    extra = 0


@admin.register(Procedure)
class ProcedureAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "field", "level", "online_level", "agency", "is_published"]
    list_filter = ["field", "level", "online_level", "is_lien_thong", "is_published"]
    search_fields = ["code", "name"]
    list_select_related = ["field", "agency"]
    autocomplete_fields = ["agency"]
    readonly_fields = ["is_imported", "created_at", "updated_at"]
    inlines = [ProcessingTimeInline, RequiredDocumentInline, FeeInline, WorkflowStepInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "field", "level", "agency", "is_published"]}),
        (
            _("Cách thức thực hiện"),
            {
                "fields": [
                    "accepts_direct",
                    "accepts_online",
                    "accepts_postal",
                    "online_level",
                    "is_lien_thong",
                    "cutoff",
                ]
            },
        ),
        (
            _("Nội dung công khai"),
            {
                "fields": [
                    "steps",
                    "applicants",
                    "implementing_agency",
                    "result",
                    "conditions",
                    "legal_basis",
                ]
            },
        ),
        (_("Theo dõi"), {"fields": ["is_imported", "created_at", "updated_at"]}),
    ]

    def get_search_results(self, request, queryset, search_term):
        # The admin's icontains does not fold Vietnamese; the stored key does.
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        key = search_key(search_term)
        if key:
            folded = queryset
            for token in key.split():
                folded = folded.filter(search_key__contains=token)
            results = results | folded
        return results, may_have_duplicates

    def save_model(self, request, obj, form, change):
        procedure_save(procedure=obj)

    def audit_agency(self, obj):
        return obj.agency

    def save_related(self, request, form, formsets, change):
        procedure = form.instance
        before = procedure_children_snapshot(procedure=procedure) if change else {}
        super().save_related(request, form, formsets, change)
        # Document names are part of the search key, and the inlines are saved after the row.
        procedures_refresh_search_keys(procedures=[procedure])
        # Times, documents, fees and workflow steps are edited inline, not through a service.
        after = procedure_children_snapshot(procedure=procedure)
        audit_record(
            action="update", instance=procedure, agency=procedure.agency, before=before, after=after
        )
