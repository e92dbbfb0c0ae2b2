from django.contrib import admin

from motcua.payments.models import Payment


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Read-only: payments and refunds are recorded through the services (with their events)."""

    list_display = ("receipt_number", "dossier", "amount", "method", "status", "paid_at")
    list_filter = ("method", "status")
    search_fields = ("receipt_number", "reference", "dossier__code")
    list_select_related = ("dossier",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
