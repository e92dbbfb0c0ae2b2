"""Dossiers (hồ sơ), their steps, pauses, files and the immutable event log.

Every write goes through motcua.dossiers.services: it checks the ACTIONS table, changes the rows
and appends one DossierEvent in the same transaction. Nothing updates or deletes an event.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Channel, Procedure, TimeUnit
from motcua.common.models import TimeStampedModel
from motcua.dossiers.statuses import NATIONAL_STATUS, DossierStatus
from motcua.organizations.models import Agency, Role


class SupplementMode(models.TextChoices):
    RESTART = "restart", _("Tính lại từ đầu")  # full time again from the complete dossier
    PAUSE = "pause", _("Tạm dừng đồng hồ")  # the due time moves by the time spent waiting


class FormSet(models.TextChoices):
    TT03_2025 = "tt03_2025", _("Thông tư 03/2025/TT-VPCP")
    TT01_2018 = "tt01_2018", _("Thông tư 01/2018/TT-VPCP")


class RuleVersion(models.Model):
    """One-stop rules in force from a date (DOMAIN §0): a dossier keeps the version in force
    when it was received, whatever changes later."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    effective_from = models.DateField(_("hiệu lực từ ngày"), unique=True)
    cutoff = models.TimeField(
        _("giờ chốt nhận hồ sơ"),
        null=True,
        blank=True,
        help_text=_(
            "Hồ sơ nhận sau giờ này tính từ ngày làm việc tiếp theo; để trống: theo giờ làm việc của cơ quan."
        ),
    )
    supplement_mode = models.CharField(
        _("cách tính thời hạn khi bổ sung"),
        max_length=10,
        choices=SupplementMode.choices,
        default=SupplementMode.RESTART,
    )
    online_intake_hours = models.PositiveSmallIntegerField(
        _("thời hạn xử lý hồ sơ trực tuyến tại bộ phận một cửa (giờ làm việc)"), default=8
    )
    supplement_timeout_days = models.PositiveSmallIntegerField(
        _("hạn bổ sung hồ sơ (ngày làm việc)"), default=15
    )
    forms = models.CharField(_("bộ biểu mẫu"), max_length=20, choices=FormSet.choices)
    legal_reference = models.TextField(_("căn cứ pháp lý"), blank=True)

    class Meta:
        verbose_name = _("phiên bản quy định")
        verbose_name_plural = _("các phiên bản quy định")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return self.name


class ReturnMethod(models.TextChoices):
    AT_DESK = "at_desk", _("Nhận trực tiếp tại bộ phận một cửa")
    POST = "post", _("Qua dịch vụ bưu chính công ích")
    ELECTRONIC = "electronic", _("Bản điện tử")


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Giải quyết")  # the requested result was issued
    REFUSED = "refused", _("Từ chối giải quyết")  # a refusal letter is the result


class Dossier(TimeStampedModel):
    code = models.CharField(_("mã hồ sơ"), max_length=64, unique=True)
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="dossiers"
    )
    # Snapshot: the procedure's name when received (the catalog may be renamed later).
    procedure_name = models.CharField(_("tên thủ tục"), max_length=500)
    receiving_agency = models.ForeignKey(
        Agency,
        verbose_name=_("nơi tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="received_dossiers",
    )
    competent_agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan có thẩm quyền"),
        on_delete=models.PROTECT,
        related_name="competent_dossiers",
    )
    channel = models.CharField(_("hình thức nộp"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("trạng thái"), max_length=24, choices=DossierStatus.choices, db_index=True
    )
    outcome = models.CharField(
        _("kết quả giải quyết"), max_length=10, choices=Outcome.choices, blank=True
    )
    rule_version = models.ForeignKey(
        RuleVersion, verbose_name=_("quy định áp dụng"), on_delete=models.PROTECT
    )

    # Applicant (personal data: never on public pages or the lookup API).
    applicant_name = models.CharField(_("họ tên người nộp"), max_length=200)
    applicant_id_number = models.CharField(_("số định danh/CCCD"), max_length=20, blank=True)
    applicant_birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    applicant_phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    representative = models.CharField(
        _("người được ủy quyền / đại diện"), max_length=300, blank=True
    )
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản công dân"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dossiers",
    )
    request_summary = models.TextField(_("nội dung yêu cầu"), blank=True)
    set_count = models.PositiveSmallIntegerField(_("số bộ hồ sơ"), default=1)
    return_method = models.CharField(
        _("hình thức nhận kết quả"),
        max_length=12,
        choices=ReturnMethod.choices,
        default=ReturnMethod.AT_DESK,
    )

    # Time. received_at: the receipt; clock_started_at: where counting starts (opening hours,
    # cut-off; restarted after a supplement); due_at: current appointment, recomputed from the
    # calendar and pauses; original_due_at: the first appointment, kept after an apology.
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True, db_index=True)
    clock_started_at = models.DateTimeField(_("bắt đầu tính thời hạn"), null=True, blank=True)
    processing_amount = models.DecimalField(
        _("thời hạn giải quyết"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    processing_unit = models.CharField(
        _("đơn vị thời hạn"), max_length=10, choices=TimeUnit.choices, blank=True
    )
    due_at = models.DateTimeField(_("hẹn trả kết quả"), null=True, blank=True, db_index=True)
    original_due_at = models.DateTimeField(_("ngày hẹn ban đầu"), null=True, blank=True)
    extended_at = models.DateTimeField(_("xin lỗi, hẹn lại lúc"), null=True, blank=True)
    extension_reason = models.TextField(_("lý do hẹn lại"), blank=True)
    finished_at = models.DateTimeField(_("kết thúc xử lý lúc"), null=True, blank=True)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    returned_to = models.CharField(_("người nhận kết quả"), max_length=200, blank=True)
    status_reason = models.TextField(_("lý do (trạng thái hiện tại)"), blank=True)

    supplement_count = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    is_digitized = models.BooleanField(_("đã số hóa"), default=False)
    is_imported = models.BooleanField(_("nhập từ hệ thống cũ"), default=False)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("danh sách hồ sơ")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["receiving_agency", "received_at"]),
            models.Index(fields=["competent_agency", "status"]),
            models.Index(
                fields=["due_at"],
                name="dossier_open_due_idx",
                condition=Q(finished_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def national_status(self) -> int:
        return NATIONAL_STATUS[self.status]


class DailySequence(models.Model):
    """The last dossier number of a day at a receiving agency (the code's last part)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE)
    day = models.DateField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("số thứ tự hồ sơ trong ngày")
        verbose_name_plural = _("số thứ tự hồ sơ trong ngày")
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="daily_sequence_unique_day"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day:%Y-%m-%d} #{self.last_value}"


class StepStatus(models.TextChoices):
    PENDING = "pending", _("Chưa đến lượt")  # later in the workflow
    ACTIVE = "active", _("Đang xử lý")  # the dossier is here now
    DONE = "done", _("Đã xong")  # handed over
    RETURNED = "returned", _("Bị trả lại")  # sent back to an earlier step
    SKIPPED = "skipped", _("Bỏ qua")  # not needed for this dossier


class Timeliness(models.TextChoices):
    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


class DossierStep(models.Model):
    """One step of a dossier's route, instantiated from the procedure's workflow template."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("bước"), max_length=255)
    agency = models.ForeignKey(
        Agency, verbose_name=_("đơn vị xử lý"), on_delete=models.PROTECT, related_name="steps"
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    is_partner = models.BooleanField(_("liên thông"), default=False)
    parallel_group = models.PositiveSmallIntegerField(_("nhóm song song"), null=True, blank=True)
    counts_toward_deadline = models.BooleanField(_("tính vào thời hạn"), default=True)
    amount = models.DecimalField(_("thời gian"), max_digits=6, decimal_places=2)
    time_unit = models.CharField(_("đơn vị"), max_length=10, choices=TimeUnit.choices)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=StepStatus.choices, default=StepStatus.PENDING
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_steps",
    )
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    due_at = models.DateTimeField(_("hạn của bước"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    timeliness = models.CharField(
        _("tiến độ"), max_length=10, choices=Timeliness.choices, blank=True
    )

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("các bước xử lý")
        ordering = ["dossier", "order", "id"]
        indexes = [
            models.Index(fields=["agency", "status"]),
            models.Index(fields=["assignee", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.dossier.code} #{self.order} {self.name}"


class PauseKind(models.TextChoices):
    SUPPLEMENT = "supplement", _("Chờ bổ sung hồ sơ")
    PAYMENT = "payment", _("Chờ thực hiện nghĩa vụ tài chính")


class DossierPause(models.Model):
    """An interval when the clock stood still (DOMAIN §3)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(_("loại"), max_length=12, choices=PauseKind.choices)
    started_at = models.DateTimeField(_("từ"))
    ended_at = models.DateTimeField(_("đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("thời gian tạm dừng")
        verbose_name_plural = _("thời gian tạm dừng")
        ordering = ["dossier", "started_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"


class SupplementRequest(models.Model):
    """Form 02: everything missing, listed in one go."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="supplement_requests"
    )
    items = models.JSONField(_("giấy tờ cần bổ sung"), default=list)
    reason = models.TextField(_("lý do"))
    requested_at = models.DateTimeField(_("yêu cầu lúc"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    deadline_at = models.DateTimeField(_("hạn bổ sung"), null=True, blank=True)
    answered_at = models.DateTimeField(_("bổ sung lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu bổ sung")
        verbose_name_plural = _("yêu cầu bổ sung")
        ordering = ["dossier", "requested_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.requested_at:%Y-%m-%d %H:%M}"


class DossierDocument(models.Model):
    """A document of the dossier as received at the desk (thành phần hồ sơ)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    originals = models.PositiveSmallIntegerField(_("bản chính"), default=0)
    copies = models.PositiveSmallIntegerField(_("bản sao"), default=0)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["dossier", "order", "id"]

    def __str__(self) -> str:
        return self.name


class FileKind(models.TextChoices):
    ATTACHMENT = "attachment", _("Tệp hồ sơ")  # scanned or uploaded document
    RESULT = "result", _("Kết quả điện tử")  # the electronic result


class DossierFile(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="files")
    document = models.ForeignKey(
        DossierDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="files"
    )
    kind = models.CharField(_("loại"), max_length=12, choices=FileKind.choices)
    file = models.FileField(_("tệp"), upload_to="dossiers/%Y/%m/")
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("kiểu tệp"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"))

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["dossier", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class DossierEvent(models.Model):
    """One change of a dossier: the audit trail, the process control slip (form 06), the
    citizen's timeline and the raw data of reports. Append-only."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("thao tác"), max_length=24)
    from_status = models.CharField(_("từ trạng thái"), max_length=24, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=24)
    at = models.DateTimeField(_("thời điểm"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("tên người thực hiện"), max_length=200, blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    step = models.ForeignKey(
        DossierStep, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    to_step = models.ForeignKey(
        DossierStep, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    timeliness = models.CharField(
        _("tiến độ bước"), max_length=10, choices=Timeliness.choices, blank=True
    )
    note = models.TextField(_("ghi chú"), blank=True)
    # Public: may be shown on the lookup page (a reason given to the applicant); notes are internal.
    public_note = models.TextField(_("thông báo cho công dân"), blank=True)
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)

    class Meta:
        verbose_name = _("nhật ký hồ sơ")
        verbose_name_plural = _("nhật ký hồ sơ")
        ordering = ["dossier", "at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action} {self.at:%Y-%m-%d %H:%M}"
