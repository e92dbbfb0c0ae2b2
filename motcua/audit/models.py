"""Append-only logs: who changed the configuration (catalog, calendar, agencies, users and roles)
and which officer opened which dossier's personal data. Decree 13/2023/NĐ-CP expects both to be
traceable; rows are written by services and never changed or deleted by the application."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("Thêm mới")  # the object did not exist before
    UPDATE = "update", _("Sửa đổi")  # before and after hold the changed fields
    DELETE = "delete", _("Xoá")  # after is empty
    IMPORT = "import", _("Nhập danh mục")  # one summary row per catalog import, counts in after


class AuditEntry(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept apart from the foreign key so the name survives a deleted account.
    actor_name = models.CharField(_("tên người thực hiện"), max_length=200, blank=True)
    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    action = models.CharField(_("thao tác"), max_length=10, choices=AuditAction.choices)
    object_type = models.CharField(_("loại đối tượng"), max_length=100, db_index=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    object_label = models.CharField(_("đối tượng"), max_length=300, blank=True)
    # For scoping: an agency admin sees the entries of their subtree; None is nationwide data.
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    before = models.JSONField(_("trước"), null=True, blank=True)
    after = models.JSONField(_("sau"), null=True, blank=True)
    client_ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_label}"


class AccessWhat(models.TextChoices):
    PAGE = "page", _("Trang hồ sơ")  # the officers' dossier page
    FILE = "file", _("Tệp đính kèm")  # a file downloaded from the dossier
    FORM = "form", _("Mẫu in / phiếu")  # a slip or form PDF with the applicant's data
    BOOK = "book", _("Sổ theo dõi")  # the tracking book export listing the dossier


class PersonalDataAccess(models.Model):
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    what = models.CharField(_("nội dung"), max_length=10, choices=AccessWhat.choices)
    detail = models.CharField(_("chi tiết"), max_length=200, blank=True)
    client_ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("truy cập dữ liệu cá nhân")
        verbose_name_plural = _("truy cập dữ liệu cá nhân")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.officer_id} {self.dossier_id} {self.what}"
