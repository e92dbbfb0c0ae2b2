"""Admin for agencies, counters, officers and their roles.

Creating an agency, moving it, opening a counter and granting a role go through the services, so
the tree's paths stay right whichever door the change comes in by.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.audit.admin_support import (
    AuditedAdminMixin,
    delete_audited,
    password_changed,
    save_audited,
)
from motcua.audit.context import acting_as
from motcua.common.errors import DomainError
from motcua.organizations.models import Agency, AgencyKind, Counter, Membership, User
from motcua.organizations.services import (
    agency_check_parent,
    agency_create,
    agency_move,
    counter_create,
    membership_check,
    membership_grant,
    membership_revoke,
)


class AgencyAdminForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["code", "name", "kind", "parent", "is_active", "address", "phone", "email"]

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        try:
            agency_check_parent(agency=self.instance, new_parent=parent)
        except DomainError as error:
            raise ValidationError(str(error.message), code=error.code) from error
        return parent


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "agency", "role"]

    def clean(self):
        cleaned = super().clean()
        agency, role = cleaned.get("agency"), cleaned.get("role")
        if agency is not None and role:
            try:
                membership_check(agency=agency, role=role)
            except DomainError as error:
                raise ValidationError(str(error.message), code=error.code) from error
        return cleaned


def _save_memberships(formset) -> None:
    instances = formset.save(commit=False)
    for membership in formset.deleted_objects:
        membership_revoke(user=membership.user, agency=membership.agency, role=membership.role)
    for membership in instances:
        if membership.pk is None:
            membership_grant(user=membership.user, agency=membership.agency, role=membership.role)
        else:
            save_audited(membership, agency=membership.agency)


class CounterInline(admin.TabularInline):
    model = Counter
    fields = ["number", "name", "is_active"]
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipAdminForm
    fields = ["agency", "role"]
    autocomplete_fields = ["agency"]
    extra = 0
    verbose_name = _("vai trò")
    verbose_name_plural = _("vai trò của cán bộ")


@admin.register(Agency)
class AgencyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = AgencyAdminForm
    list_display = ["code", "name", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "is_imported", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["code", "name", "kind", "parent", "is_active"]}),
        (_("Liên hệ"), {"fields": ["address", "phone", "email"]}),
        (_("Thông tin hệ thống"), {"fields": ["path", "is_imported", "created_at", "updated_at"]}),
    ]

    def get_inlines(self, request, obj):
        # Only a reception desk has counters; a new agency gets them once it is saved as one.
        if obj is not None and obj.kind == AgencyKind.SERVICE_CENTER:
            return [CounterInline]
        return []

    def save_model(self, request, obj, form, change):
        if not change:
            extra = {
                name: form.cleaned_data[name]
                for name in ("address", "phone", "email", "is_active")
                if name in form.cleaned_data
            }
            created = agency_create(
                code=obj.code, name=obj.name, kind=obj.kind, parent=obj.parent, **extra
            )
            # The inline formsets already hold `obj`: make it the saved row.
            obj.pk, obj.path = created.pk, created.path
            obj.created_at, obj.updated_at = created.created_at, created.updated_at
            obj._state.adding, obj._state.db = False, created._state.db
            return
        if "parent" in form.changed_data:
            agency_move(agency=obj, new_parent=obj.parent)
        save_audited(obj, agency=obj)

    def audit_agency(self, obj):
        return obj.parent

    def save_formset(self, request, form, formset, change):
        if formset.model is not Counter:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for counter in formset.deleted_objects:
            delete_audited(counter, agency=form.instance)
        for counter in instances:
            if counter.pk is None:
                counter_create(
                    desk=form.instance,
                    number=counter.number,
                    name=counter.name,
                    is_active=counter.is_active,
                )
            else:
                save_audited(counter, agency=form.instance)
        return None


@admin.register(Counter)
class CounterAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["desk", "number", "name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "desk__name", "desk__code"]
    list_select_related = ["desk"]
    autocomplete_fields = ["desk"]

    def audit_agency(self, obj):
        return obj.desk

    def save_model(self, request, obj, form, change):
        if change:
            save_audited(obj, agency=obj.desk)
            return
        created = counter_create(
            desk=obj.desk, number=obj.number, name=obj.name, is_active=obj.is_active
        )
        obj.pk, obj.created_at, obj.updated_at = created.pk, created.created_at, created.updated_at
        obj._state.adding, obj._state.db = False, created._state.db


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    list_display = ["username", "full_name", "email", "phone", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "memberships__role"]
    search_fields = ["username", "full_name", "email", "phone"]
    ordering = ["username"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Thông tin cá nhân"), {"fields": ["full_name", "email", "phone"]}),
        (
            _("Quyền trong trang quản trị"),
            {
                "fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"],
                "classes": ["collapse"],
            },
        ),
        (_("Thời điểm quan trọng"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "full_name", "email", "phone", "password1", "password2"],
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        # Accounts made here or edited (activated, deactivated, admin rights) leave a row; the
        # password hash never enters it.
        save_audited(obj)

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic(), acting_as(request=request):
            before = User.objects.filter(pk=id).values_list("password", flat=True).first()
            response = super().user_change_password(request, id, form_url)
            user = User.objects.filter(pk=id).first()
            if user is not None and before is not None and user.password != before:
                password_changed(user)
        return response

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            _save_memberships(formset)
            return None
        return super().save_formset(request, form, formset, change)


@admin.register(Membership)
class MembershipAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ["user", "role", "agency"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__full_name", "agency__code", "agency__name"]
    list_select_related = ["user", "agency"]
    autocomplete_fields = ["user", "agency"]

    def save_model(self, request, obj, form, change):
        if change:
            save_audited(obj, agency=obj.agency)
            return
        granted = membership_grant(user=obj.user, agency=obj.agency, role=obj.role)
        obj.pk, obj.created_at, obj.updated_at = granted.pk, granted.created_at, granted.updated_at
        obj._state.adding, obj._state.db = False, granted._state.db

    def delete_model(self, request, obj):
        membership_revoke(user=obj.user, agency=obj.agency, role=obj.role)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            self.delete_model(request, membership)
