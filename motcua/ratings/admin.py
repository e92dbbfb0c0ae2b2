from django.contrib import admin

from motcua.ratings.models import Feedback, Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """Read-only: ratings come from the applicant through the services."""

    list_display = ["dossier", "level", "channel", "agency", "created_at"]
    list_filter = ["level", "channel"]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier", "agency"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    """Read-only: answers go through the officers' page (ratings.services.feedback_answer)."""

    list_display = ["rating", "agency", "status", "due_at", "answered_at"]
    list_filter = ["status"]
    search_fields = ["rating__dossier__code"]
    list_select_related = ["rating", "agency"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
