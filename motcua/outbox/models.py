"""The outbox to the national public service portal: one row per status change of a dossier, in
the national shape, written in the same transaction as the dossier's event and delivered later
by a task, with its attempts. Only the services write it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier, DossierEvent


class MessageState(models.TextChoices):
    PENDING = (
        "pending",
        _("Chờ gửi"),
    )  # written; waits for its turn (earlier messages) or the endpoint
    SENDING = "sending", _("Đang gửi")  # claimed by one worker; no other may send it
    DELIVERED = "delivered", _("Đã gửi")  # the endpoint answered 2xx; never sent again
    FAILED = (
        "failed",
        _("Gửi lỗi, sẽ thử lại"),
    )  # network error, 5xx, 408 or 429: retried, never dropped
    REJECTED = "rejected", _("Bị từ chối")  # another 4xx: waits for an administrator to resend it


class OutboxMessage(models.Model):
    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="outbox_messages"
    )
    event = models.OneToOneField(
        DossierEvent,
        verbose_name=_("sự kiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbox_message",
    )
    # Sent as the Idempotency-Key header: the receiving side stores a message once, however
    # often a retry after a lost answer sends it again.
    idempotency_key = models.CharField(_("khóa chống trùng"), max_length=100, unique=True)
    national_status = models.PositiveSmallIntegerField(_("trạng thái quốc gia"))
    payload = models.JSONField(_("nội dung gửi"))
    state = models.CharField(
        _("tình trạng gửi"),
        max_length=10,
        choices=MessageState.choices,
        default=MessageState.PENDING,
    )
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    created_at = models.DateTimeField(_("tạo lúc"))
    next_attempt_at = models.DateTimeField(_("gửi (lại) lúc"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("gửi lần cuối lúc"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("gửi thành công lúc"), null=True, blank=True)
    http_status = models.PositiveSmallIntegerField(_("mã HTTP"), null=True, blank=True)
    response_body = models.TextField(_("phản hồi của cổng"), blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    resent_at = models.DateTimeField(_("yêu cầu gửi lại lúc"), null=True, blank=True)
    resent_by = models.CharField(_("người yêu cầu gửi lại"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("tin đồng bộ")
        verbose_name_plural = _("nhật ký đồng bộ lên Cổng dịch vụ công")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["dossier", "id"]),
        ]

    def __str__(self) -> str:
        return self.idempotency_key
