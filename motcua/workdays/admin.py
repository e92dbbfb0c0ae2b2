"""Admin for the working calendar. Every save and delete goes through motcua.workdays.services,
so the admin validates, bumps the calendar revision and notifies dependants like any other
interface; the forms run the services' checks first so a refusal is a form error, not a 500."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.common.errors import DomainError
from motcua.workdays.models import CalendarEntry, OfficeHours
from motcua.workdays.services import (
    calendar_entry_check,
    calendar_entry_create,
    calendar_entry_delete,
    calendar_entry_update,
    office_hours_check,
    office_hours_delete,
    office_hours_set,
)

WEEKDAYS = [
    _("Thứ Hai"),
    _("Thứ Ba"),
    _("Thứ Tư"),
    _("Thứ Năm"),
    _("Thứ Sáu"),
    _("Thứ Bảy"),
    _("Chủ nhật"),
]


class _ActorForm(forms.ModelForm):
    actor = None  # set per request by the admin's get_form

    def _domain_check(self, check, **kwargs) -> None:
        try:
            check(actor=self.actor, **kwargs)
        except DomainError as exc:
            raise ValidationError(str(exc.message), code=exc.code) from None


class CalendarEntryForm(_ActorForm):
    class Meta:
        model = CalendarEntry
        fields = ["date", "kind", "name", "legal_reference", "agencies"]

    def clean(self):
        data = super().clean()
        if not self.errors:
            self._domain_check(
                calendar_entry_check,
                date=data["date"],
                kind=data["kind"],
                agencies=list(data.get("agencies") or []),
                entry=self.instance if self.instance.pk else None,
            )
        return data


class ScopeFilter(admin.SimpleListFilter):
    title = _("phạm vi áp dụng")
    parameter_name = "scope"

    def lookups(self, request, model_admin):
        return [("national", _("Toàn quốc")), ("agency", _("Theo cơ quan"))]

    def queryset(self, request, queryset):
        if self.value() == "national":
            return queryset.filter(agencies__isnull=True)
        if self.value() == "agency":
            return queryset.filter(agencies__isnull=False).distinct()
        return queryset


class _ThroughServicesAdmin(admin.ModelAdmin):
    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user  # the class is built for this request only
        return form

    def save_related(self, request, form, formsets, change):
        # The service has stored the many-to-many fields already; saving them again here would
        # change the calendar behind its back.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(CalendarEntry)
class CalendarEntryAdmin(_ThroughServicesAdmin):
    form = CalendarEntryForm
    list_display = ["date", "weekday", "kind", "name", "scope", "legal_reference"]
    list_filter = ["kind", ScopeFilter]
    date_hierarchy = "date"
    search_fields = ["name", "legal_reference", "agencies__name", "agencies__code"]
    autocomplete_fields = ["agencies"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    fields = [
        "date",
        "kind",
        "name",
        "legal_reference",
        "agencies",
        "created_by",
        "created_at",
        "updated_at",
    ]
    list_per_page = 100

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("agencies")

    @admin.display(description=_("thứ"), ordering="date")
    def weekday(self, entry: CalendarEntry) -> str:
        return str(WEEKDAYS[entry.date.weekday()])

    @admin.display(description=_("phạm vi áp dụng"))
    def scope(self, entry: CalendarEntry) -> str:
        names = [agency.name for agency in entry.agencies.all()]
        return ", ".join(names) if names else str(_("Toàn quốc"))

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        values = {
            "date": data["date"],
            "kind": data["kind"],
            "name": data["name"],
            "legal_reference": data.get("legal_reference", ""),
            "agencies": list(data.get("agencies") or []),
        }
        if change:
            saved = calendar_entry_update(entry=obj, actor=request.user, **values)
        else:
            saved = calendar_entry_create(actor=request.user, **values)
        obj.pk = saved.pk
        obj.created_by = saved.created_by
        obj.created_at, obj.updated_at = saved.created_at, saved.updated_at

    def delete_model(self, request: HttpRequest, obj: CalendarEntry) -> None:
        calendar_entry_delete(entry=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarEntry]) -> None:
        for entry in queryset:
            calendar_entry_delete(entry=entry, actor=request.user)


class OfficeHoursForm(_ActorForm):
    class Meta:
        model = OfficeHours
        fields = [
            "agency",
            "name",
            "season_start_day",
            "season_start_month",
            "morning_open",
            "morning_close",
            "afternoon_open",
            "afternoon_close",
            "cutoff",
        ]

    def clean(self):
        data = super().clean()
        if not self.errors:
            self._domain_check(
                office_hours_check,
                agency=data.get("agency"),
                season_start_month=data["season_start_month"],
                season_start_day=data["season_start_day"],
                morning_open=data["morning_open"],
                morning_close=data["morning_close"],
                afternoon_open=data["afternoon_open"],
                afternoon_close=data["afternoon_close"],
                cutoff=data["cutoff"],
                office_hours=self.instance if self.instance.pk else None,
            )
        return data


@admin.register(OfficeHours)
class OfficeHoursAdmin(_ThroughServicesAdmin):
    form = OfficeHoursForm
    list_display = ["scope", "name", "season_start", "morning", "afternoon", "cutoff"]
    list_filter = [("agency", admin.EmptyFieldListFilter)]
    search_fields = ["name", "agency__name", "agency__code"]
    list_select_related = ["agency"]
    autocomplete_fields = ["agency"]
    readonly_fields = ["created_at", "updated_at"]

    @admin.display(description=_("phạm vi áp dụng"), ordering="agency__path")
    def scope(self, row: OfficeHours) -> str:
        return row.agency.name if row.agency_id else str(_("Toàn quốc"))

    @admin.display(description=_("áp dụng từ"))
    def season_start(self, row: OfficeHours) -> str:
        return f"{row.season_start_day:02d}/{row.season_start_month:02d}"

    @admin.display(description=_("buổi sáng"))
    def morning(self, row: OfficeHours) -> str:
        return f"{row.morning_open:%H:%M}–{row.morning_close:%H:%M}"

    @admin.display(description=_("buổi chiều"))
    def afternoon(self, row: OfficeHours) -> str:
        return f"{row.afternoon_open:%H:%M}–{row.afternoon_close:%H:%M}"

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = office_hours_set(
            agency=data.get("agency"),
            season_start_month=data["season_start_month"],
            season_start_day=data["season_start_day"],
            morning_open=data["morning_open"],
            morning_close=data["morning_close"],
            afternoon_open=data["afternoon_open"],
            afternoon_close=data["afternoon_close"],
            cutoff=data["cutoff"],
            name=data.get("name", ""),
            actor=request.user,
            office_hours=obj if change else None,
        )
        obj.pk = saved.pk
        obj.created_at, obj.updated_at = saved.created_at, saved.updated_at

    def delete_model(self, request: HttpRequest, obj: OfficeHours) -> None:
        office_hours_delete(office_hours=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[OfficeHours]) -> None:
        for row in queryset:
            office_hours_delete(office_hours=row, actor=request.user)
