"""The queue at a reception desk: service areas and the counters that serve them, tickets of the
day with their events, the daily numbering, and what the display board shows."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.common.models import TimeStampedModel
from motcua.organizations.models import Agency, AgencyKind, Counter
from motcua.queueing.statuses import TicketAction, TicketPriority, TicketStatus

DESK_CHOICES = {"kind": AgencyKind.SERVICE_CENTER}


class ServiceArea(TimeStampedModel):
    """A line at the desk (e.g. "A — Tư pháp – Hộ tịch"): the kiosk shows one button per area,
    grouped by field; its letter prefixes the ticket numbers."""

    desk = models.ForeignKey(
        Agency,
        verbose_name=_("bộ phận một cửa"),
        on_delete=models.CASCADE,
        related_name="service_areas",
        limit_choices_to=DESK_CHOICES,
    )
    code = models.CharField(
        _("ký hiệu"),
        max_length=3,
        validators=[
            RegexValidator(r"^[A-Z]{1,3}$", _("Ký hiệu gồm 1–3 chữ cái in hoa không dấu (A–Z)."))
        ],
        help_text=_("Chữ cái đứng trước số thứ tự, ví dụ A."),
    )
    name = models.CharField(_("tên khu vực dịch vụ"), max_length=200)
    field = models.ForeignKey(
        "catalog.Field",
        verbose_name=_("lĩnh vực"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    order = models.IntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    counters = models.ManyToManyField(
        Counter,
        verbose_name=_("các quầy phục vụ"),
        through="CounterService",
        related_name="service_areas",
        blank=True,
    )

    class Meta:
        verbose_name = _("khu vực dịch vụ")
        verbose_name_plural = _("khu vực dịch vụ")
        ordering = ["desk", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["desk", "code"], name="service_area_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class CounterService(models.Model):
    """A counter calls the tickets of this service area."""

    counter = models.ForeignKey(Counter, verbose_name=_("quầy"), on_delete=models.CASCADE)
    service_area = models.ForeignKey(
        ServiceArea, verbose_name=_("khu vực dịch vụ"), on_delete=models.CASCADE
    )

    class Meta:
        verbose_name = _("quầy phục vụ khu vực")
        verbose_name_plural = _("quầy phục vụ khu vực")
        constraints = [
            models.UniqueConstraint(
                fields=["counter", "service_area"], name="counter_service_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.counter} — {self.service_area}"


class Ticket(models.Model):
    """A queue ticket: its number is unique per desk and day and never reused."""

    desk = models.ForeignKey(
        Agency, verbose_name=_("bộ phận một cửa"), on_delete=models.PROTECT, related_name="+"
    )
    service_area = models.ForeignKey(
        ServiceArea,
        verbose_name=_("khu vực dịch vụ"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    day = models.DateField(_("ngày"))  # the office's local date of issue
    number = models.PositiveIntegerField(_("số thứ tự"))
    # The area's letter when issued: the number printed on the paper never changes, even after a
    # transfer to another area or a change of the area's letter.
    prefix = models.CharField(_("ký hiệu"), max_length=3)
    priority = models.CharField(
        _("ưu tiên"), max_length=10, choices=TicketPriority.choices, default=TicketPriority.NONE
    )
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    counter = models.ForeignKey(
        Counter,
        verbose_name=_("quầy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Quầy đã gọi số này (đang gọi, đang phục vụ, tạm dừng hoặc đã phục vụ)."),
    )
    target_counter = models.ForeignKey(
        Counter,
        verbose_name=_("chuyển đến quầy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Chỉ quầy này được gọi số đã chuyển."),
    )
    ahead_at_issue = models.PositiveIntegerField(_("số người chờ trước khi lấy số"), default=0)
    issued_at = models.DateTimeField(_("lấy số lúc"))
    first_called_at = models.DateTimeField(_("gọi lần đầu lúc"), null=True, blank=True)
    called_at = models.DateTimeField(_("gọi gần nhất lúc"), null=True, blank=True)
    served_at = models.DateTimeField(_("bắt đầu phục vụ lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    call_count = models.PositiveSmallIntegerField(_("số lần gọi"), default=0)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Opens the public position page (the QR on the ticket); unguessable, nothing personal.
    token = models.CharField(_("mã tra cứu"), max_length=32, unique=True, editable=False)
    # The kiosk's own key for one tap: a retried request (after a network drop or a server
    # restart) gets the same ticket instead of a second number.
    request_key = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("vé xếp hàng")
        verbose_name_plural = _("vé xếp hàng")
        ordering = ["desk", "-day", "number"]
        constraints = [
            models.UniqueConstraint(fields=["desk", "day", "number"], name="ticket_unique_number"),
            models.UniqueConstraint(
                fields=["desk", "request_key"],
                condition=~Q(request_key=""),
                name="ticket_unique_request_key",
            ),
        ]
        indexes = [
            models.Index(fields=["desk", "day", "status"], name="ticket_desk_day_status"),
            models.Index(fields=["service_area", "day", "status"], name="ticket_area_day_status"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.day:%d/%m/%Y})"

    @property
    def label(self) -> str:
        """The number as printed and shown: the area's letter and at least three digits."""
        return f"{self.prefix}{self.number:03d}"

    @property
    def spoken(self) -> str:
        """The number as the voice reads it: the letter, then the number as a number."""
        return f"{self.prefix} {self.number}"

    @property
    def is_priority(self) -> bool:
        return self.priority != TicketPriority.NONE


class TicketEvent(models.Model):
    """One change of a ticket: the desk's audit trail and the raw data of its statistics; the
    board reads the last calls from here. Append-only."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    desk = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("thao tác"), max_length=16, choices=TicketAction.choices)
    from_status = models.CharField(_("từ trạng thái"), max_length=12, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=12)
    at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("tên người thực hiện"), max_length=200, blank=True)
    counter = models.ForeignKey(
        Counter,
        verbose_name=_("quầy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)

    class Meta:
        verbose_name = _("nhật ký vé xếp hàng")
        verbose_name_plural = _("nhật ký vé xếp hàng")
        ordering = ["ticket", "at", "id"]
        indexes = [models.Index(fields=["desk", "at"], name="ticket_event_desk_at")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.action} {self.at:%Y-%m-%d %H:%M:%S}"


class TicketSequence(models.Model):
    """The last ticket number of a day at a desk."""

    desk = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("số thứ tự vé trong ngày")
        verbose_name_plural = _("số thứ tự vé trong ngày")
        constraints = [
            models.UniqueConstraint(fields=["desk", "day"], name="ticket_sequence_unique_day"),
        ]

    def __str__(self) -> str:
        return f"{self.desk_id} {self.day:%Y-%m-%d} #{self.last_value}"


class BoardState(models.Model):
    """One row per desk whose version goes up with every change the board shows: the board's
    event stream polls this one row, so any app process can serve any board."""

    desk = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("trạng thái màn hình")
        verbose_name_plural = _("trạng thái màn hình")

    def __str__(self) -> str:
        return f"{self.desk_id} v{self.version}"


class BoardNotice(TimeStampedModel):
    """A line of the notice that scrolls along the bottom of the display board."""

    desk = models.ForeignKey(
        Agency,
        verbose_name=_("bộ phận một cửa"),
        on_delete=models.CASCADE,
        related_name="board_notices",
        limit_choices_to=DESK_CHOICES,
    )
    text = models.CharField(_("nội dung"), max_length=500)
    is_active = models.BooleanField(_("đang hiển thị"), default=True)
    order = models.IntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thông báo trên màn hình")
        verbose_name_plural = _("thông báo trên màn hình")
        ordering = ["desk", "order", "id"]

    def __str__(self) -> str:
        return self.text
