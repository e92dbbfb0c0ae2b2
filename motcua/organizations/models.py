from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.common.models import TimeStampedModel


class User(AbstractUser):
    """Anyone who logs in: officers (with memberships), citizens (without), integrations."""

    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username


class AgencyKind(models.TextChoices):
    PROVINCE = "province", _("Tỉnh / thành phố")  # UBND cấp tỉnh
    DISTRICT = "district", _("Huyện (trước 1/7/2025)")  # legacy level, kept for old dossiers
    COMMUNE = "commune", _("Xã / phường / thị trấn")  # UBND cấp xã
    DEPARTMENT = "department", _("Phòng / sở / ban chuyên môn")  # acts on dossiers
    SERVICE_CENTER = "service_center", _("Bộ phận một cửa / Trung tâm phục vụ hành chính công")
    EXTERNAL = "external", _("Cơ quan phối hợp (công an, BHXH, thuế…)")  # liên thông partner


class Agency(TimeStampedModel):
    """A node of the administrative tree. The hierarchy is data: province → (district) → commune,
    each with departments and a reception desk."""

    code = models.CharField(
        _("mã định danh điện tử"),
        max_length=64,
        unique=True,
        help_text=_("Mã định danh của cơ quan, ví dụ 000.00.06.H56."),
    )
    name = models.CharField(_("tên cơ quan"), max_length=255)
    kind = models.CharField(_("loại"), max_length=20, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialized path "/1/5/12/": a subtree is one indexed prefix filter, at any depth.
    path = models.CharField(_("đường dẫn cây"), max_length=255, db_index=True, editable=False)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=50, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    is_imported = models.BooleanField(
        _("tạo khi nhập dữ liệu"),
        default=False,
        help_text=_("Cơ quan được tạo tự động khi nhập hồ sơ từ hệ thống cũ."),
    )

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def ancestors_path_ids(self) -> list[int]:
        """Ids from the root down to this agency, read off the path."""
        return [int(part) for part in self.path.strip("/").split("/") if part]


class Counter(TimeStampedModel):
    """A counter (quầy) of a reception desk."""

    desk = models.ForeignKey(
        Agency,
        verbose_name=_("bộ phận một cửa"),
        on_delete=models.CASCADE,
        related_name="counters",
        limit_choices_to={"kind": AgencyKind.SERVICE_CENTER},
    )
    number = models.PositiveSmallIntegerField(_("số quầy"))
    name = models.CharField(_("tên quầy"), max_length=200, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("quầy tiếp nhận")
        verbose_name_plural = _("quầy tiếp nhận")
        ordering = ["desk", "number"]
        constraints = [
            models.UniqueConstraint(fields=["desk", "number"], name="counter_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.desk.name} — {_('Quầy')} {self.number}"


class Role(models.TextChoices):
    RECEPTION = "reception", _("Cán bộ tiếp nhận")  # at the desk: receives and returns dossiers
    SPECIALIST = "specialist", _("Chuyên viên xử lý")  # processes dossiers of a department
    DEPARTMENT_HEAD = "department_head", _("Lãnh đạo phòng")  # assigns and reviews
    LEADER = "leader", _("Lãnh đạo cơ quan (ký duyệt)")  # signs results
    AGENCY_ADMIN = "agency_admin", _("Quản trị cơ quan")  # manages its own subtree's data
    SYSTEM_ADMIN = "system_admin", _("Quản trị hệ thống")  # everything, everywhere
    REPORTER = "reporter", _("Cán bộ báo cáo thống kê")  # reads statistics of its subtree


class Membership(TimeStampedModel):
    """An officer holds a role in an agency; the role reaches the agency's whole subtree."""

    user = models.ForeignKey(
        User, verbose_name=_("cán bộ"), on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("vai trò cán bộ")
        verbose_name_plural = _("vai trò cán bộ")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="membership_unique_role"
            ),
        ]
        indexes = [models.Index(fields=["agency", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"


def subtree_q(agency: Agency, prefix: str = "") -> Q:
    """Q for the agency and everything below it; prefix reaches the agency through a relation."""
    return Q(**{f"{prefix}path__startswith": agency.path})
