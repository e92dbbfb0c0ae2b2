"""The catalog of administrative procedures (Decree 63/2010 art. 8 minimum content).

name_key and search_key are folded copies kept up to date by motcua.catalog.services, never by
save(): whoever writes a procedure or its documents calls the service.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.common.models import TimeStampedModel
from motcua.organizations.models import Role


class ProcedureLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")  # UBND tỉnh and its departments (sở)
    DISTRICT = "district", _("Cấp huyện (trước 1/7/2025)")  # legacy, kept for old dossiers
    COMMUNE = "commune", _("Cấp xã")  # UBND xã / phường / đặc khu


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Toàn trình")  # submitted, paid and returned online (legacy level 4)
    PARTIAL = "partial", _("Một phần")  # some steps need the citizen at the desk (legacy level 3)
    NONE = "none", _("Không trực tuyến")  # information only (legacy levels 1–2)


class Channel(models.TextChoices):
    DIRECT = "direct", _("Trực tiếp")  # at the desk
    ONLINE = "online", _("Trực tuyến")  # through the public service portal
    POSTAL = "postal", _("Bưu chính công ích")  # by public post


class TimeUnit(models.TextChoices):
    DAYS = "days", _("ngày làm việc")  # working days of the office calendar
    HOURS = "hours", _("giờ làm việc")  # office hours


class UnitKind(models.TextChoices):
    SERVICE_CENTER = "service_center", _("Bộ phận một cửa")  # the desk of the receiving agency
    DEPARTMENT = "department", _("Phòng/ban chuyên môn")  # of the competent agency (unit_name)
    EXTERNAL = "external", _("Cơ quan phối hợp")  # another agency: police, social insurance, tax


class Field(models.Model):
    """A field (lĩnh vực) the catalog is grouped by, e.g. Hộ tịch, Đất đai."""

    code = models.CharField(_("mã lĩnh vực"), max_length=32, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=255)
    name_key = models.CharField(_("khóa tìm kiếm tên"), max_length=255, editable=False)
    order = models.IntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Procedure(TimeStampedModel):
    """A thủ tục hành chính as published by an agency, or in the common catalog (agency null)."""

    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan công bố"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procedures",
        help_text=_("Để trống: thủ tục dùng chung, mọi cơ quan đều áp dụng."),
    )
    code = models.CharField(
        _("mã thủ tục"),
        max_length=64,
        help_text=_("Mã trên Cơ sở dữ liệu quốc gia, ví dụ 1.001193 hoặc 1.009832.000.00.00.H48."),
    )
    name = models.CharField(_("tên thủ tục"), max_length=500)
    field = models.ForeignKey(
        Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="procedures"
    )
    level = models.CharField(_("cấp thực hiện"), max_length=16, choices=ProcedureLevel.choices)
    accepts_direct = models.BooleanField(_("nộp trực tiếp"), default=True)
    accepts_online = models.BooleanField(_("nộp trực tuyến"), default=False)
    accepts_postal = models.BooleanField(_("nộp qua bưu chính"), default=False)
    online_level = models.CharField(
        _("mức độ dịch vụ công trực tuyến"),
        max_length=16,
        choices=OnlineLevel.choices,
        default=OnlineLevel.NONE,
    )
    is_lien_thong = models.BooleanField(_("thủ tục liên thông"), default=False)
    cutoff = models.TimeField(
        _("giờ chốt nhận hồ sơ trong ngày"),
        null=True,
        blank=True,
        help_text=_("Để trống: 15:00. Hồ sơ nhận sau giờ này tính từ ngày làm việc tiếp theo."),
    )
    steps = models.TextField(_("trình tự thực hiện"), blank=True)
    applicants = models.TextField(_("đối tượng thực hiện"), blank=True)
    implementing_agency = models.TextField(_("cơ quan thực hiện"), blank=True)
    result = models.TextField(_("kết quả thực hiện"), blank=True)
    conditions = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    legal_basis = models.TextField(
        _("căn cứ pháp lý"), blank=True, help_text=_("Mỗi văn bản một dòng.")
    )
    is_published = models.BooleanField(_("đang công khai"), default=True)
    is_imported = models.BooleanField(_("nhập từ tệp"), default=False)
    name_key = models.CharField(_("khóa tìm kiếm tên"), max_length=500, editable=False)
    search_key = models.TextField(_("khóa tìm kiếm"), editable=False)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "agency"], name="procedure_unique_code_agency"),
            # NULLs are distinct in a unique index, so the common catalog needs its own constraint.
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(agency__isnull=True),
                name="procedure_unique_common_code",
            ),
        ]
        indexes = [models.Index(fields=["field", "level"], name="procedure_field_level")]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def legal_basis_list(self) -> list[str]:
        return [line.strip() for line in self.legal_basis.splitlines() if line.strip()]

    @property
    def methods(self) -> list[str]:
        flags = (
            (Channel.DIRECT, self.accepts_direct),
            (Channel.ONLINE, self.accepts_online),
            (Channel.POSTAL, self.accepts_postal),
        )
        return [channel.value for channel, accepted in flags if accepted]


class ProcessingTime(models.Model):
    """The statutory processing time of a procedure for one submission channel."""

    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("thủ tục"),
        on_delete=models.CASCADE,
        related_name="processing_times",
    )
    channel = models.CharField(_("cách thức nộp"), max_length=16, choices=Channel.choices)
    amount = models.DecimalField(
        _("thời hạn"), max_digits=6, decimal_places=2, help_text=_("0 = trong ngày.")
    )
    unit = models.CharField(
        _("đơn vị"), max_length=8, choices=TimeUnit.choices, default=TimeUnit.DAYS
    )
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("thời hạn giải quyết")
        verbose_name_plural = _("thời hạn giải quyết")
        ordering = ["procedure", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "channel"], name="processing_time_unique_channel"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="processing_time_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.amount} {self.get_unit_display()}"


class RequiredDocument(models.Model):
    """One item of the thành phần hồ sơ."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="documents"
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    name = models.CharField(_("tên giấy tờ"), max_length=1000)
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=1)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    is_required = models.BooleanField(_("bắt buộc"), default=True)
    template = models.CharField(_("mẫu đơn, tờ khai"), max_length=255, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["procedure", "order", "id"]

    def __str__(self) -> str:
        return self.name


class Fee(models.Model):
    """A fee or charge (phí, lệ phí) in đồng."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="fees"
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    name = models.CharField(_("tên phí, lệ phí"), max_length=500)
    amount = models.PositiveBigIntegerField(_("mức thu (đồng)"), default=0)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        ordering = ["procedure", "order", "id"]

    def __str__(self) -> str:
        return self.name


class WorkflowStep(models.Model):
    """One step of the workflow template: who acts and its share of the processing time."""

    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("thủ tục"),
        on_delete=models.CASCADE,
        related_name="workflow_steps",
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    name = models.CharField(_("tên bước"), max_length=255)
    unit_kind = models.CharField(_("loại đơn vị"), max_length=16, choices=UnitKind.choices)
    unit_name = models.CharField(_("tên đơn vị"), max_length=255, blank=True)
    role = models.CharField(_("vai trò thực hiện"), max_length=20, choices=Role.choices)
    amount = models.DecimalField(_("thời gian"), max_digits=6, decimal_places=2, default=0)
    time_unit = models.CharField(
        _("đơn vị thời gian"), max_length=8, choices=TimeUnit.choices, default=TimeUnit.DAYS
    )
    parallel_group = models.PositiveSmallIntegerField(
        _("nhóm song song"),
        null=True,
        blank=True,
        help_text=_("Các bước cùng nhóm được thực hiện đồng thời."),
    )
    counts_toward_deadline = models.BooleanField(
        _("tính vào thời hạn"),
        default=True,
        help_text=_(
            "Bỏ chọn khi thời gian của bước không tính vào thời hạn (ví dụ: cơ quan thuế)."
        ),
    )

    class Meta:
        verbose_name = _("bước quy trình")
        verbose_name_plural = _("quy trình xử lý")
        ordering = ["procedure", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="workflow_step_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name
