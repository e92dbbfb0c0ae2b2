"""Citizens' side of the portal: the profile that pre-fills forms, and drafts of submissions.

A citizen is a User without memberships; these rows hang off that account. Every write goes
through motcua.portal.citizen_services.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure
from motcua.common.models import TimeStampedModel


class CitizenProfile(TimeStampedModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="citizen_profile",
    )
    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    id_number = models.CharField(_("số định danh/CCCD"), max_length=20, blank=True)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    email_verified_at = models.DateTimeField(_("xác minh thư điện tử lúc"), null=True, blank=True)
    # TODO(sms): phone accounts are not verified until an SMS gateway exists; they may log in.
    phone_verified_at = models.DateTimeField(_("xác minh số điện thoại lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("hồ sơ công dân")
        verbose_name_plural = _("hồ sơ công dân")

    def __str__(self) -> str:
        return self.full_name or self.user.get_username()


class DossierDraft(TimeStampedModel):
    """A submission the citizen saved to finish later: the form's values and the files uploaded
    so far (stored under drafts/, reachable only through the owner's draft)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="dossier_drafts",
    )
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="+"
    )
    data = models.JSONField(_("dữ liệu đã nhập"), default=dict, blank=True)
    # {required document pk (str): {"name": storage name, "original_name", "size", "content_type"}}
    files = models.JSONField(_("tệp đã tải lên"), default=dict, blank=True)

    class Meta:
        verbose_name = _("hồ sơ nháp")
        verbose_name_plural = _("hồ sơ nháp")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "procedure"], name="draft_one_per_procedure"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.procedure_id}"
