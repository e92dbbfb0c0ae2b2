"""Admin for the queue: service areas (with their counters) and the board's notice are set-up
data, edited here; tickets and their events are the desk's record and are read-only (their
changes go through motcua.queueing.services, from the counter's page)."""

from django.contrib import admin
from django.http import HttpRequest

from motcua.queueing.models import BoardNotice, CounterService, ServiceArea, Ticket, TicketEvent
from motcua.queueing.services import board_notice_delete, board_notice_save, board_refresh


class CounterServiceInline(admin.TabularInline):
    model = CounterService
    extra = 1
    autocomplete_fields = ["counter"]


@admin.register(ServiceArea)
class ServiceAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "desk", "field", "order", "is_active"]
    list_filter = ["is_active", "desk"]
    search_fields = ["code", "name", "desk__name", "desk__code"]
    autocomplete_fields = ["desk"]
    inlines = [CounterServiceInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The boards show the areas and their counters: let them re-read now.
        board_refresh(desk=form.instance.desk)


@admin.register(BoardNotice)
class BoardNoticeAdmin(admin.ModelAdmin):
    list_display = ["text", "desk", "order", "is_active"]
    list_filter = ["is_active", "desk"]
    search_fields = ["text", "desk__name", "desk__code"]
    autocomplete_fields = ["desk"]

    def save_model(self, request: HttpRequest, obj: BoardNotice, form, change) -> None:
        board_notice_save(notice=obj)

    def delete_model(self, request: HttpRequest, obj: BoardNotice) -> None:
        board_notice_delete(notice=obj)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for notice in queryset:
            board_notice_delete(notice=notice)


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class TicketEventInline(_ReadOnly, admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "from_status", "to_status", "counter", "actor_name", "data"]
    readonly_fields = fields


@admin.register(Ticket)
class TicketAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["label", "day", "desk", "service_area", "priority", "status", "counter"]
    list_filter = ["status", "priority", "day", "desk"]
    search_fields = ["=number", "desk__code"]
    date_hierarchy = "day"
    list_select_related = ["desk", "service_area", "counter"]
    inlines = [TicketEventInline]
    exclude = ["request_key"]

    @admin.display(description=Ticket._meta.get_field("number").verbose_name)
    def label(self, obj: Ticket) -> str:
        return obj.label


@admin.register(TicketEvent)
class TicketEventAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["ticket", "action", "from_status", "to_status", "at", "counter", "actor_name"]
    list_filter = ["action", "desk"]
    list_select_related = ["ticket", "counter"]
    date_hierarchy = "at"
