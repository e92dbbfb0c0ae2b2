"""The delivery log in the admin: officers read what was sent to whom and why a message failed;
nobody edits it (the delivery task writes it)."""

from django.contrib import admin

from motcua.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "dossier",
        "kind",
        "channel",
        "recipient",
        "status",
        "attempts",
        "sent_at",
        "next_attempt_at",
    ]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["dossier__code", "recipient"]
    list_select_related = ["dossier"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
