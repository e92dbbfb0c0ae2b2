"""Satisfaction ratings of returned dossiers (DOMAIN §6) and the feedback an unsatisfied rating
opens. Written only by motcua.ratings.services."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier
from motcua.organizations.models import Agency


class SatisfactionLevel(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Rất hài lòng")  # counts as satisfied
    SATISFIED = "satisfied", _("Hài lòng")  # counts as satisfied
    NOT_SATISFIED = "not_satisfied", _("Không hài lòng")  # needs a reason; opens a feedback


class Criterion(models.TextChoices):
    TOTAL_TIME = "total_time", _("Tổng thời gian giải quyết hồ sơ")
    AGENCY_TIME = "agency_time", _("Thời gian giải quyết của từng cơ quan")
    CONTACT_TIMES = "contact_times", _("Số lần phải liên hệ để hoàn thiện hồ sơ")
    AGENCIES_CONTACTED = "agencies_contacted", _("Số cơ quan phải liên hệ")
    RECEPTION = "reception", _("Việc tiếp nhận hồ sơ tại bộ phận một cửa")
    PUBLICITY = "publicity", _("Việc công khai thủ tục hành chính")
    ATTITUDE = "attitude", _("Thái độ của cán bộ, công chức")
    FEEDBACK_HANDLING = "feedback_handling", _("Việc tiếp nhận, xử lý ý kiến phản ánh, kiến nghị")
    ONLINE_QUALITY = "online_quality", _("Chất lượng dịch vụ công trực tuyến")


class RatingChannel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")  # the link sent with the result
    COUNTER = "counter", _("Tại quầy")  # the tablet at the desk


class Rating(models.Model):
    """One rating per dossier: the OneToOne is what makes the rating link single use."""

    dossier = models.OneToOneField(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="rating"
    )
    level = models.CharField(_("mức độ hài lòng"), max_length=16, choices=SatisfactionLevel.choices)
    criteria = models.JSONField(_("đánh giá theo tiêu chí"), default=dict, blank=True)
    comment = models.TextField(_("góp ý"), blank=True)
    reason = models.TextField(_("lý do không hài lòng"), blank=True)
    channel = models.CharField(
        _("hình thức đánh giá"), max_length=10, choices=RatingChannel.choices
    )
    # Snapshot of the dossier's receiving desk: reports count ratings per desk without a join.
    agency = models.ForeignKey(
        Agency, verbose_name=_("nơi tiếp nhận"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("đánh giá lúc"), db_index=True)

    class Meta:
        verbose_name = _("đánh giá mức độ hài lòng")
        verbose_name_plural = _("đánh giá mức độ hài lòng")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["agency", "created_at"])]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.get_level_display()}"


class FeedbackStatus(models.TextChoices):
    OPEN = "open", _("Chưa trả lời")  # waits for an officer's answer
    ANSWERED = "answered", _("Đã trả lời")  # closed by the answer


class Feedback(models.Model):
    """The complaint of an unsatisfied rating, to be answered by the receiving desk."""

    rating = models.OneToOneField(
        Rating, verbose_name=_("đánh giá"), on_delete=models.CASCADE, related_name="feedback"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("nơi tiếp nhận"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.OPEN
    )
    created_at = models.DateTimeField(_("tạo lúc"))
    due_at = models.DateTimeField(_("hạn trả lời"), db_index=True)
    answer = models.TextField(_("nội dung trả lời"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người trả lời"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("phản ánh sau đánh giá")
        verbose_name_plural = _("phản ánh sau đánh giá")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["agency", "status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.rating.dossier_id} {self.get_status_display()}"
