"""Admin for API tokens: list, create (the secret is shown once, in a message) and revoke.
A token is never edited or deleted: revoking keeps the record of who could call the API when."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from motcua.api.models import ApiToken
from motcua.api.services import api_token_check, api_token_create, api_token_revoke
from motcua.common.errors import DomainError


class ApiTokenAddForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["user", "name", "expires_at"]

    def clean(self):
        cleaned = super().clean()
        user = cleaned.get("user")
        if user is not None and "name" in cleaned:
            try:
                cleaned["name"] = api_token_check(
                    user=user, name=cleaned["name"], expires_at=cleaned.get("expires_at")
                )
            except DomainError as error:
                raise ValidationError(str(error.message), code=error.code) from error
        return cleaned


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "key_prefix",
        "user",
        "name",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["key_prefix", "name", "user__username", "user__full_name"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]
    readonly_fields = [
        "user",
        "name",
        "key_prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request: HttpRequest, obj=None):
        return self.readonly_fields if obj is not None else ["user", "name", "expires_at"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # the change page only shows the token; revoke it from the list

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ApiToken, form, change: bool) -> None:
        token, secret = api_token_create(
            user=form.cleaned_data["user"],
            name=form.cleaned_data["name"],
            expires_at=form.cleaned_data.get("expires_at"),
        )
        for field in ApiToken._meta.concrete_fields:
            setattr(obj, field.attname, getattr(token, field.attname))
        messages.warning(
            request,
            _(
                "Mã truy cập cho %(user)s: %(secret)s — hãy sao chép và lưu ngay, mã này sẽ "
                "không được hiển thị lại."
            )
            % {"user": token.user.get_username(), "secret": secret},
        )

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("api.change_apitoken")

    @admin.action(
        description=gettext_lazy("Thu hồi các mã truy cập đã chọn"), permissions=["revoke"]
    )
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(token=token)
            count += 1
        self.message_user(
            request,
            ngettext(
                "Đã thu hồi %(count)d mã truy cập.", "Đã thu hồi %(count)d mã truy cập.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )
