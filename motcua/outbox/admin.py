"""The delivery log in the admin: read-only (the services and the delivery task write it)."""

from django.contrib import admin

from motcua.outbox.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "idempotency_key",
        "national_status",
        "state",
        "attempts",
        "http_status",
        "delivered_at",
        "next_attempt_at",
    ]
    list_filter = ["state", "national_status"]
    search_fields = ["dossier__code", "idempotency_key"]
    list_select_related = ["dossier"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
