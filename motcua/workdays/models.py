"""The working calendar as data: exceptions to the statutory holidays, office hours per agency,
and a revision counter that tells every app process when its cached calendars are stale.

Rows are written only through motcua.workdays.services (which validates, bumps the revision and
notifies dependants); the admin goes through the same functions.
"""

import uuid
from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from motcua.common.models import TimeStampedModel
from motcua.organizations.models import Agency


class CalendarEntryKind(models.TextChoices):
    HOLIDAY = "holiday", _("Ngày lễ, Tết")  # a holiday of Labor Code art. 112 (or its extension)
    DAY_OFF = "day_off", _("Ngày nghỉ (hoán đổi, nghỉ bù)")  # a weekday off by swap/compensation
    MAKEUP_WORKDAY = (
        "makeup_workday",
        _("Ngày làm bù"),
    )  # worked (usually a Saturday) to repay a swap


NON_WORKING_KINDS = frozenset({CalendarEntryKind.HOLIDAY, CalendarEntryKind.DAY_OFF})


class CalendarEntry(TimeStampedModel):
    """A decided exception to the ordinary week: a day off or a make-up working day.

    Without agencies it applies nationwide; with agencies, to each of them and its whole subtree.
    It overrides the statutory holidays the `holidays` package computes.
    """

    date = models.DateField(_("ngày"), db_index=True)
    kind = models.CharField(_("loại"), max_length=20, choices=CalendarEntryKind.choices)
    name = models.CharField(_("tên"), max_length=200)
    legal_reference = models.CharField(
        _("văn bản công bố"),
        max_length=300,
        blank=True,
        help_text=_("Số, ngày của văn bản quyết định, ví dụ: Văn bản số 12729/VPCP-KGVX."),
    )
    agencies = models.ManyToManyField(
        Agency,
        verbose_name=_("áp dụng cho cơ quan"),
        blank=True,
        related_name="calendar_entries",
        help_text=_(
            "Để trống: áp dụng toàn quốc. Chọn cơ quan: áp dụng cho cơ quan đó và mọi cơ quan "
            "cấp dưới."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ngày nghỉ / ngày làm bù")
        verbose_name_plural = _("ngày nghỉ / ngày làm bù")
        ordering = ["date", "kind"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.name}"

    @property
    def is_working(self) -> bool:
        return self.kind == CalendarEntryKind.MAKEUP_WORKDAY


class OfficeHours(TimeStampedModel):
    """Office hours of an agency (and its subtree) for one season of the year.

    A row applies from its season start every year until the next row's start, so one row from
    1/1 covers the whole year. An agency without rows inherits from its nearest ancestor with
    rows, then from the national rows (no agency), then the built-in 7:30–11:30, 13:30–17:00.
    """

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="office_hours",
        help_text=_("Để trống: giờ làm việc mặc định toàn quốc."),
    )
    name = models.CharField(_("tên"), max_length=100, blank=True, help_text=_("Ví dụ: Giờ mùa hè."))
    season_start_month = models.PositiveSmallIntegerField(
        _("áp dụng từ tháng"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    season_start_day = models.PositiveSmallIntegerField(
        _("áp dụng từ ngày"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    morning_open = models.TimeField(_("sáng bắt đầu"), default=time(7, 30))
    morning_close = models.TimeField(_("sáng kết thúc"), default=time(11, 30))
    afternoon_open = models.TimeField(_("chiều bắt đầu"), default=time(13, 30))
    afternoon_close = models.TimeField(_("chiều kết thúc"), default=time(17, 0))
    cutoff = models.TimeField(
        _("giờ chốt tiếp nhận"),
        default=time(15, 0),
        help_text=_("Hồ sơ nhận sau giờ này được tính từ ngày làm việc tiếp theo."),
    )

    class Meta:
        verbose_name = _("giờ làm việc")
        verbose_name_plural = _("giờ làm việc")
        ordering = ["agency__path", "season_start_month", "season_start_day"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "season_start_month", "season_start_day"],
                name="office_hours_unique_season",
                violation_error_message=_(
                    "Cơ quan này đã có giờ làm việc áp dụng từ cùng ngày trong năm."
                ),
            ),
            # NULLs are distinct in a unique index: the national rows need their own.
            models.UniqueConstraint(
                fields=["season_start_month", "season_start_day"],
                condition=Q(agency__isnull=True),
                name="office_hours_unique_national_season",
                violation_error_message=_(
                    "Đã có giờ làm việc toàn quốc áp dụng từ cùng ngày trong năm."
                ),
            ),
            models.CheckConstraint(
                condition=Q(morning_open__lt=F("morning_close"))
                & Q(morning_close__lte=F("afternoon_open"))
                & Q(afternoon_open__lt=F("afternoon_close")),
                name="office_hours_sessions_in_order",
                violation_error_message=_(
                    "Giờ làm việc phải theo thứ tự: sáng bắt đầu < sáng kết thúc ≤ chiều bắt đầu "
                    "< chiều kết thúc."
                ),
            ),
        ]

    def __str__(self) -> str:
        scope = self.agency.name if self.agency_id else _("Toàn quốc")
        return (
            f"{scope} — {_('từ')} {self.season_start_day:02d}/{self.season_start_month:02d}: "
            f"{self.morning_open:%H:%M}–{self.morning_close:%H:%M}, "
            f"{self.afternoon_open:%H:%M}–{self.afternoon_close:%H:%M}"
        )


class CalendarRevision(models.Model):
    """One row (pk=1) that changes with every write to calendar entries or office hours.

    App processes cache built calendars per (scope, revision) in memory and read this row (one
    indexed query) to know when to rebuild. `value` counts changes; `token` is new at every change
    so a rolled-back change or a restored backup can never make a stale cache look current.
    """

    value = models.PositiveBigIntegerField(_("số lần thay đổi"), default=0)
    token = models.UUIDField(_("mã phiên bản"), default=uuid.uuid4)
    changed_at = models.DateTimeField(_("thay đổi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("phiên bản lịch làm việc")
        verbose_name_plural = _("phiên bản lịch làm việc")

    def __str__(self) -> str:
        return str(self.value)
