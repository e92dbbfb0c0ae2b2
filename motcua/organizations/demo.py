"""The demo: tỉnh Tuyên Quang with the legacy huyện Hàm Yên of the seed story (2017) and the
two-level shape in force since 1 July 2025, plus one officer per role and the officers of xã Hàm
Yên's liên thông partners (Công an xã, Bảo hiểm xã hội cơ sở).

Codes follow the e-ID scheme of QCVN 102:2016 ("G4.G3.G2.H62"): the province is 000.00.00.H62,
its direct units 000.00.NN.H62, their units 000.MM.NN.H62, one level further PPP.MM.NN.H62.
Seeding is idempotent: an agency, counter or officer that exists (by code, desk and number,
username) is left exactly as it is.
"""

from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.db import transaction

from motcua.organizations.models import Agency, AgencyKind, Counter, Role, User
from motcua.organizations.services import (
    agency_create,
    counter_create,
    membership_grant,
    officer_create,
)

DEMO_PASSWORD = "motcua2026"  # noqa: S105 — printed to the operator on purpose; demo data only
DEMO_CATALOG = Path(settings.BASE_DIR) / "motcua" / "catalog" / "data" / "demo_catalog.json"

PROVINCE_CODE = "000.00.00.H62"
PROVINCE_CENTER_CODE = "000.00.20.H62"
DISTRICT_CODE = "000.00.06.H62"
DISTRICT_DESK_CODE = "000.10.06.H62"
DISTRICT_JUSTICE_CODE = "000.01.06.H62"
# xã Hàm Yên of the two-level government: household business registration is a commune matter
# since 1/7/2025, handled by its Phòng Kinh tế and signed by the commune's leader.
COMMUNE_CODE = "000.00.51.H62"
COMMUNE_CENTER_CODE = "000.01.51.H62"
COMMUNE_ECONOMY_CODE = "000.03.51.H62"
# The liên thông partners of xã Hàm Yên: birth registration goes on to the commune police
# (thường trú) and the social insurance office (thẻ BHYT) in parallel (DOMAIN §7).
COMMUNE_POLICE_CODE = "000.01.31.H62"
COMMUNE_INSURANCE_CODE = "000.01.32.H62"


@dataclass(frozen=True)
class AgencySpec:
    code: str
    name: str
    kind: str
    counters: tuple[str, ...] = ()  # names of counters 1, 2, … of a reception desk
    children: tuple["AgencySpec", ...] = ()
    address: str = ""
    phone: str = ""


def _dept(code: str, name: str) -> AgencySpec:
    return AgencySpec(code, name, AgencyKind.DEPARTMENT)


def _legacy_commune(number: int, kind_word: str, name: str) -> AgencySpec:
    """A commune of huyện Hàm Yên (before 1/7/2025) with its reception desk."""
    return AgencySpec(
        f"000.{number:02d}.06.H62",
        f"UBND {kind_word} {name}",
        AgencyKind.COMMUNE,
        children=(
            AgencySpec(
                f"001.{number:02d}.06.H62",
                f"Bộ phận tiếp nhận và trả kết quả {kind_word} {name}",
                AgencyKind.SERVICE_CENTER,
                counters=("Quầy tiếp nhận và trả kết quả",),
            ),
        ),
    )


def _new_commune(number: int, kind_word: str, name: str, economy: str) -> AgencySpec:
    """A commune-level unit of the two-level local government (from 1/7/2025)."""
    place = f"{kind_word} {name}"
    return AgencySpec(
        f"000.00.{number:02d}.H62",
        f"UBND {place}",
        AgencyKind.COMMUNE,
        children=(
            AgencySpec(
                f"000.01.{number:02d}.H62",
                f"Trung tâm phục vụ hành chính công {place}",
                AgencyKind.SERVICE_CENTER,
                counters=("Quầy Tư pháp – Hộ tịch", "Quầy Đất đai – Xây dựng – Kinh doanh"),
            ),
            _dept(f"000.02.{number:02d}.H62", f"Văn phòng HĐND và UBND {place}"),
            _dept(f"000.03.{number:02d}.H62", f"{economy} {place}"),
            _dept(f"000.04.{number:02d}.H62", f"Phòng Văn hóa – Xã hội {place}"),
        ),
    )


HAM_YEN = AgencySpec(
    DISTRICT_CODE,
    "UBND huyện Hàm Yên",
    AgencyKind.DISTRICT,
    address="Tổ dân phố Tân Bình, thị trấn Tân Yên, huyện Hàm Yên, tỉnh Tuyên Quang",
    children=(
        _dept(DISTRICT_JUSTICE_CODE, "Phòng Tư pháp huyện Hàm Yên"),
        _dept("000.02.06.H62", "Phòng Tài nguyên và Môi trường huyện Hàm Yên"),
        _dept("000.03.06.H62", "Phòng Tài chính – Kế hoạch huyện Hàm Yên"),
        _dept("000.04.06.H62", "Phòng Lao động – Thương binh và Xã hội huyện Hàm Yên"),
        _dept("000.05.06.H62", "Phòng Kinh tế và Hạ tầng huyện Hàm Yên"),
        _dept("000.06.06.H62", "Phòng Văn hóa – Thông tin huyện Hàm Yên"),
        AgencySpec(
            DISTRICT_DESK_CODE,
            "Bộ phận tiếp nhận và trả kết quả huyện Hàm Yên",
            AgencyKind.SERVICE_CENTER,
            counters=(
                "Quầy Tư pháp – Hộ tịch – Chứng thực",
                "Quầy Đất đai – Tài nguyên và Môi trường",
                "Quầy Đăng ký kinh doanh – Tài chính",
                "Quầy Lao động, Văn hóa, Xây dựng",
            ),
        ),
        _legacy_commune(21, "xã", "Minh Dân"),
        _legacy_commune(22, "xã", "Minh Khương"),
        _legacy_commune(23, "xã", "Phù Lưu"),
        _legacy_commune(24, "xã", "Bình Xa"),
        _legacy_commune(25, "xã", "Đức Ninh"),
        _legacy_commune(26, "xã", "Yên Phú"),
        _legacy_commune(27, "thị trấn", "Tân Yên"),
    ),
)

TUYEN_QUANG = AgencySpec(
    PROVINCE_CODE,
    "UBND tỉnh Tuyên Quang",
    AgencyKind.PROVINCE,
    address="Số 160 đường Trần Hưng Đạo, phường Minh Xuân, tỉnh Tuyên Quang",
    children=(
        AgencySpec(
            PROVINCE_CENTER_CODE,
            "Trung tâm Phục vụ hành chính công tỉnh Tuyên Quang",
            AgencyKind.SERVICE_CENTER,
            counters=(
                "Quầy Tư pháp",
                "Quầy Nông nghiệp và Môi trường",
                "Quầy Tài chính – Đăng ký kinh doanh",
                "Quầy Xây dựng",
                "Quầy Văn hóa, Thể thao và Du lịch",
                "Quầy Nội vụ",
            ),
        ),
        _dept("000.00.11.H62", "Sở Tư pháp tỉnh Tuyên Quang"),
        _dept("000.00.12.H62", "Sở Nông nghiệp và Môi trường tỉnh Tuyên Quang"),
        _dept("000.00.13.H62", "Sở Tài chính tỉnh Tuyên Quang"),
        _dept("000.00.14.H62", "Sở Xây dựng tỉnh Tuyên Quang"),
        _dept("000.00.15.H62", "Sở Văn hóa, Thể thao và Du lịch tỉnh Tuyên Quang"),
        _dept("000.00.16.H62", "Sở Nội vụ tỉnh Tuyên Quang"),
        AgencySpec(
            "000.00.31.H62",
            "Công an tỉnh Tuyên Quang",
            AgencyKind.EXTERNAL,
            children=(AgencySpec(COMMUNE_POLICE_CODE, "Công an xã Hàm Yên", AgencyKind.EXTERNAL),),
        ),
        AgencySpec(
            "000.00.32.H62",
            "Bảo hiểm xã hội tỉnh Tuyên Quang",
            AgencyKind.EXTERNAL,
            children=(
                AgencySpec(
                    COMMUNE_INSURANCE_CODE, "Bảo hiểm xã hội cơ sở Hàm Yên", AgencyKind.EXTERNAL
                ),
            ),
        ),
        AgencySpec("000.00.33.H62", "Thuế tỉnh Tuyên Quang", AgencyKind.EXTERNAL),
        HAM_YEN,
        _new_commune(51, "xã", "Hàm Yên", "Phòng Kinh tế"),
        _new_commune(52, "phường", "Minh Xuân", "Phòng Kinh tế, Hạ tầng và Đô thị"),
    ),
)


@dataclass(frozen=True)
class OfficerSpec:
    username: str
    full_name: str
    role: str
    agency_code: str
    is_superuser: bool = False


OFFICERS = (
    OfficerSpec("tiepnhan.hamyen", "Nguyễn Thị Lan", Role.RECEPTION, DISTRICT_DESK_CODE),
    OfficerSpec("chuyenvien.tuphap", "Trần Văn Nam", Role.SPECIALIST, DISTRICT_JUSTICE_CODE),
    OfficerSpec("truongphong.tuphap", "Hoàng Thị Thu", Role.DEPARTMENT_HEAD, DISTRICT_JUSTICE_CODE),
    OfficerSpec("lanhdao.hamyen", "Lê Văn Hùng", Role.LEADER, DISTRICT_CODE),
    OfficerSpec("quantri.hamyen", "Phạm Minh Tuấn", Role.AGENCY_ADMIN, DISTRICT_CODE),
    OfficerSpec("admin", "Quản trị hệ thống", Role.SYSTEM_ADMIN, PROVINCE_CODE, is_superuser=True),
    OfficerSpec("baocao.tuyenquang", "Đỗ Thị Mai", Role.REPORTER, PROVINCE_CODE),
    OfficerSpec("tiepnhan.xahamyen", "Vũ Thị Hà", Role.RECEPTION, COMMUNE_CENTER_CODE),
    OfficerSpec("chuyenvien.kinhte", "Bùi Văn Đức", Role.SPECIALIST, COMMUNE_ECONOMY_CODE),
    OfficerSpec("truongphong.kinhte", "Ngô Thị Hạnh", Role.DEPARTMENT_HEAD, COMMUNE_ECONOMY_CODE),
    OfficerSpec("lanhdao.xahamyen", "Đặng Quốc Khánh", Role.LEADER, COMMUNE_CODE),
    # Công chức Tư pháp – Hộ tịch is a civil servant of the commune itself, not of a department.
    OfficerSpec("tuphap.xahamyen", "Lý Thị Phương", Role.SPECIALIST, COMMUNE_CODE),
    OfficerSpec("congan.xahamyen", "Hà Văn Sơn", Role.SPECIALIST, COMMUNE_POLICE_CODE),
    OfficerSpec("bhxh.hamyen", "Mai Thị Yến", Role.SPECIALIST, COMMUNE_INSURANCE_CODE),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    agency: Agency
    # The account was there before with another password, which seeding leaves alone.
    password_changed: bool = False

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


@dataclass
class SeedResult:
    agencies_created: int = 0
    counters_created: int = 0
    officers_created: int = 0
    logins: list[DemoLogin] = field(default_factory=list)


def _ensure_agency(spec: AgencySpec, parent: Agency | None, result: SeedResult) -> None:
    agency = Agency.objects.filter(code=spec.code).first()
    if agency is None:
        agency = agency_create(
            code=spec.code,
            name=spec.name,
            kind=spec.kind,
            parent=parent,
            address=spec.address,
            phone=spec.phone,
        )
        result.agencies_created += 1
    for number, name in enumerate(spec.counters, start=1):
        if not Counter.objects.filter(desk=agency, number=number).exists():
            counter_create(desk=agency, number=number, name=name)
            result.counters_created += 1
    for child in spec.children:
        _ensure_agency(child, agency, result)


def _ensure_officer(spec: OfficerSpec, result: SeedResult) -> DemoLogin:
    agency = Agency.objects.get(code=spec.agency_code)
    user = User.objects.filter(username=spec.username).first()
    if user is None:
        officer_create(
            username=spec.username,
            full_name=spec.full_name,
            password=DEMO_PASSWORD,
            agency=agency,
            roles=[spec.role],
            is_superuser=spec.is_superuser,
        )
        result.officers_created += 1
        return DemoLogin(spec.username, DEMO_PASSWORD, spec.role, agency)
    membership_grant(user=user, agency=agency, role=spec.role)
    # The plain hasher check: User.check_password would re-hash and save an old-format hash.
    changed = not check_password(DEMO_PASSWORD, user.password)
    return DemoLogin(spec.username, DEMO_PASSWORD, spec.role, agency, password_changed=changed)


@transaction.atomic
def demo_organizations_seed() -> SeedResult:
    """Create whatever of the demo tree and officers is missing; touch nothing that exists."""
    result = SeedResult()
    _ensure_agency(TUYEN_QUANG, None, result)
    result.logins = [_ensure_officer(spec, result) for spec in OFFICERS]
    if apps.is_installed("motcua.queueing"):  # the demo desk's service areas and board notice
        import_module("motcua.queueing.demo").queue_demo_seed()
    return result
