"""API tokens: how officers' scripts and other systems call the JSON API.

Only a SHA-256 digest of the secret is stored; the secret is shown once, when the token is made.
The first characters (the prefix) are kept in clear so an operator can tell tokens apart and
revoke one without ever seeing its secret again.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PREFIX_LENGTH = 8


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("tên gợi nhớ"),
        max_length=100,
        help_text=_("Dùng cho việc gì, ví dụ: đồng bộ với cổng dịch vụ công tỉnh."),
    )
    key_prefix = models.CharField(_("tiền tố"), max_length=PREFIX_LENGTH, db_index=True)
    key_hash = models.CharField(_("mã băm SHA-256"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    expires_at = models.DateTimeField(
        _("hết hạn lúc"), null=True, blank=True, help_text=_("Để trống: không hết hạn.")
    )
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.key_prefix}… ({self.name})"
