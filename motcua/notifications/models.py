"""The delivery log: one row per message to one applicant address, kept as sent (subject and body
rendered once), with its attempts. Officers read it in the admin; only the services write it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier, DossierEvent


class Channel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")  # Django's email API (EMAIL_BACKEND)
    SMS = "sms", _("Tin nhắn SMS")  # motcua.notifications.sms (MOTCUA_SMS_BACKEND)


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", _("Chờ gửi")  # created, its delivery task enqueued
    SENDING = "sending", _("Đang gửi")  # claimed by one worker; no other may send it
    SENT = "sent", _("Đã gửi")  # the backend accepted it; never sent again
    FAILED = (
        "failed",
        _("Gửi lỗi, sẽ thử lại"),
    )  # the last attempt failed; retried at next_attempt_at
    GAVE_UP = "gave_up", _("Ngừng gửi")  # every allowed attempt failed


class Notification(models.Model):
    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    event = models.ForeignKey(
        DossierEvent,
        verbose_name=_("sự kiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    # Which message: the template name (receive, result_ready, ...).
    kind = models.CharField(_("loại thông báo"), max_length=32)
    channel = models.CharField(_("kênh"), max_length=8, choices=Channel.choices)
    recipient = models.CharField(_("người nhận"), max_length=254)
    language = models.CharField(_("ngôn ngữ"), max_length=8, default="vi")
    subject = models.CharField(_("tiêu đề"), max_length=300, blank=True)
    body = models.TextField(_("nội dung"))
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=NotificationStatus.choices,
        default=NotificationStatus.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"))
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("thử lại lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("nhật ký gửi thông báo")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One message per event and channel, however often the event's task runs.
            models.UniqueConstraint(
                fields=["event", "channel"],
                condition=Q(event__isnull=False),
                name="notification_once_per_event_channel",
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind} {self.channel} → {self.recipient}"


class ApplicantPreference(models.Model):
    """How the applicant of a dossier wants to be told: the language of the messages (the portal
    records the language the applicant submitted in)."""

    dossier = models.OneToOneField(
        Dossier,
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    language = models.CharField(
        _("ngôn ngữ"), max_length=8, choices=settings.LANGUAGES, default="vi"
    )

    class Meta:
        verbose_name = _("ngôn ngữ thông báo")
        verbose_name_plural = _("ngôn ngữ thông báo")

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.language}"
