"""Dossier test data: an office tree with one officer per role, procedures from the demo catalog,
and dossiers made through the services (so every row is what production would write).

Deterministic: fixed codes, names and times; `receive(...)` at a given instant (time-machine).

    office = build_office()
    procedure = demo_procedure("2.000720")        # Đăng ký thành lập hộ kinh doanh
    dossier = receive(office, procedure, at=datetime(2026, 3, 2, 8, 0, tzinfo=OFFICE_TZ))
"""

import copy
import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cache

import time_machine

from motcua.catalog.models import (
    OnlineLevel,
    ProcedureLevel,
    ProcessingTime,
    TimeUnit,
    UnitKind,
    WorkflowStep,
)
from motcua.catalog.services import catalog_import
from motcua.catalog.tests.factories import ProcedureFactory
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_receive, dossier_submit
from motcua.organizations.demo import DEMO_CATALOG
from motcua.organizations.models import Agency, AgencyKind, Role, User
from motcua.organizations.services import agency_create, membership_grant
from motcua.workdays.engine import OFFICE_TZ

HKD = "2.000720"  # Đăng ký thành lập hộ kinh doanh: 3 working days
BIRTH_LIEN_THONG = "MC.LT.01"  # khai sinh + thường trú + thẻ BHYT, police and BHXH in parallel
KARAOKE_LIEN_THONG = "MC.LT.02"  # hộ kinh doanh → an ninh trật tự → karaoke, 16 days
LAND_TRANSFER = "MC.DD.01"  # land registry → tax authority (clock paused) → land registry
TEMPORARY_RESIDENCE = "1.004222"  # Đăng ký tạm trú: the police does all the work

APPLICANT = {
    "name": "Nguyễn Văn An",
    "id_number": "008090001234",
    "birth_date": "1990-05-17",
    "address": "Thôn Tân Yên, xã Hàm Yên, tỉnh Tuyên Quang",
    "phone": "0912345678",
    "email": "an.nguyen@example.vn",
    "representative": "",
}
DOCUMENTS = [
    {"name": "Giấy đề nghị đăng ký hộ kinh doanh", "originals": 1, "copies": 0},
    {"name": "Bản sao giấy tờ pháp lý của cá nhân", "originals": 0, "copies": 1},
]


def local(*args) -> datetime:
    """An instant in the office's zone: local(2026, 2, 13, 16, 0)."""
    return datetime(*args, tzinfo=OFFICE_TZ)


def make_agency(code: str, name: str, kind: str, parent: Agency | None = None) -> Agency:
    return agency_create(code=code, name=name, kind=kind, parent=parent)


def make_officer(username: str, agency: Agency, *roles: str, full_name: str = "") -> User:
    user = User.objects.create_user(
        username=username, password="mật-khẩu-thử-2026", full_name=full_name or username
    )
    for role in roles:
        membership_grant(user=user, agency=agency, role=role)
    return user


@dataclass
class Office:
    """Tỉnh Tuyên Quang with xã Hàm Yên (own) and phường Minh Xuân (other), partner agencies,
    and one officer per role. `officers[role]` work at xã Hàm Yên; `other[role]` at Minh Xuân."""

    province: Agency
    commune: Agency
    desk: Agency
    office: Agency
    economy: Agency
    culture: Agency
    police: Agency
    insurance: Agency
    tax: Agency
    other_commune: Agency
    other_desk: Agency
    other_economy: Agency
    officers: dict[str, User] = field(default_factory=dict)
    other: dict[str, User] = field(default_factory=dict)

    @property
    def reception(self) -> User:
        return self.officers[Role.RECEPTION]

    @property
    def specialist(self) -> User:
        return self.officers[Role.SPECIALIST]

    @property
    def head(self) -> User:
        return self.officers[Role.DEPARTMENT_HEAD]

    @property
    def leader(self) -> User:
        return self.officers[Role.LEADER]


def build_office() -> Office:
    province = make_agency("000.00.00.H62", "UBND tỉnh Tuyên Quang", AgencyKind.PROVINCE)
    commune = make_agency("000.00.51.H62", "UBND xã Hàm Yên", AgencyKind.COMMUNE, province)
    other_commune = make_agency(
        "000.00.52.H62", "UBND phường Minh Xuân", AgencyKind.COMMUNE, province
    )
    office = Office(
        province=province,
        commune=commune,
        desk=make_agency(
            "000.01.51.H62",
            "Trung tâm phục vụ hành chính công xã Hàm Yên",
            AgencyKind.SERVICE_CENTER,
            commune,
        ),
        office=make_agency(
            "000.02.51.H62", "Văn phòng HĐND và UBND xã Hàm Yên", AgencyKind.DEPARTMENT, commune
        ),
        economy=make_agency(
            "000.03.51.H62", "Phòng Kinh tế xã Hàm Yên", AgencyKind.DEPARTMENT, commune
        ),
        culture=make_agency(
            "000.04.51.H62", "Phòng Văn hóa – Xã hội xã Hàm Yên", AgencyKind.DEPARTMENT, commune
        ),
        police=make_agency("000.00.31.H62", "Công an xã Hàm Yên", AgencyKind.EXTERNAL, province),
        insurance=make_agency(
            "000.00.32.H62", "Bảo hiểm xã hội cơ sở Hàm Yên", AgencyKind.EXTERNAL, province
        ),
        tax=make_agency(
            "000.00.33.H62", "Cơ quan thuế tỉnh Tuyên Quang", AgencyKind.EXTERNAL, province
        ),
        other_commune=other_commune,
        other_desk=make_agency(
            "000.01.52.H62",
            "Trung tâm phục vụ hành chính công phường Minh Xuân",
            AgencyKind.SERVICE_CENTER,
            other_commune,
        ),
        other_economy=make_agency(
            "000.03.52.H62",
            "Phòng Kinh tế, Hạ tầng và Đô thị phường Minh Xuân",
            AgencyKind.DEPARTMENT,
            other_commune,
        ),
    )
    office.officers = {
        Role.RECEPTION: make_officer("tiepnhan", office.desk, Role.RECEPTION, full_name="Nguyễn Thị Lan"),
        Role.SPECIALIST: make_officer("chuyenvien", office.economy, Role.SPECIALIST, full_name="Trần Văn Nam"),
        Role.DEPARTMENT_HEAD: make_officer("truongphong", office.economy, Role.DEPARTMENT_HEAD, full_name="Hoàng Thị Thu"),
        Role.LEADER: make_officer("lanhdao", commune, Role.LEADER, full_name="Lê Văn Hùng"),
        Role.AGENCY_ADMIN: make_officer("quantri", commune, Role.AGENCY_ADMIN),
        Role.REPORTER: make_officer("baocao", commune, Role.REPORTER),
        Role.SYSTEM_ADMIN: make_officer("hethong", province, Role.SYSTEM_ADMIN),
    }  # fmt: skip
    office.other = {
        Role.RECEPTION: make_officer("tiepnhan.mx", office.other_desk, Role.RECEPTION),
        Role.SPECIALIST: make_officer("chuyenvien.mx", office.other_economy, Role.SPECIALIST),
        Role.DEPARTMENT_HEAD: make_officer(
            "truongphong.mx", office.other_economy, Role.DEPARTMENT_HEAD
        ),
        Role.LEADER: make_officer("lanhdao.mx", other_commune, Role.LEADER),
        Role.AGENCY_ADMIN: make_officer("quantri.mx", other_commune, Role.AGENCY_ADMIN),
        Role.REPORTER: make_officer("baocao.mx", other_commune, Role.REPORTER),
    }
    return office


@cache
def _demo_document() -> dict:
    return json.loads(DEMO_CATALOG.read_text(encoding="utf-8"))


def demo_record(code: str) -> dict:
    """A procedure record of the demo catalog (a deep copy, safe to change)."""
    document = _demo_document()
    for record in document["procedures"]:
        if record["code"] == code:
            return copy.deepcopy(record)
    raise KeyError(code)


def demo_procedure(code: str, **changes):
    """Import one procedure of the demo catalog (with its field), `changes` applied to the
    record first (e.g. cutoff="16:30")."""
    from motcua.catalog.models import Procedure

    record = {**demo_record(code), **changes}
    fields = [f for f in _demo_document()["fields"] if f["code"] == record["field"]]
    catalog_import(data={"format": "motcua-catalog/1", "fields": fields, "procedures": [record]})
    return Procedure.objects.get(code=code, agency=None)


def make_procedure(
    *,
    name: str = "Thủ tục thử nghiệm",
    amount: str = "3",
    unit: str = TimeUnit.DAYS,
    workflow: list[dict] | None = None,
    cutoff=None,
    channels=("direct", "online", "postal"),
):
    """A procedure with one processing time for every channel and the given workflow: dicts of
    name, unit_kind, unit_name, role, amount (and time_unit, parallel_group,
    counts_toward_deadline)."""
    procedure = ProcedureFactory(
        name=name,
        level=ProcedureLevel.COMMUNE,
        accepts_direct="direct" in channels,
        accepts_online="online" in channels,
        accepts_postal="postal" in channels,
        online_level=OnlineLevel.FULL if "online" in channels else OnlineLevel.NONE,
        cutoff=cutoff,
    )
    for channel in channels:
        ProcessingTime.objects.create(
            procedure=procedure, channel=channel, amount=Decimal(amount), unit=unit
        )
    for position, step in enumerate(workflow or (), start=1):
        WorkflowStep.objects.create(
            procedure=procedure,
            order=position,
            name=step["name"],
            unit_kind=step["unit_kind"],
            unit_name=step.get("unit_name", ""),
            role=step["role"],
            amount=Decimal(str(step.get("amount", "0"))),
            time_unit=step.get("time_unit", TimeUnit.DAYS),
            parallel_group=step.get("parallel_group"),
            counts_toward_deadline=step.get("counts_toward_deadline", True),
        )
    return procedure


SIMPLE_WORKFLOW = [
    {"name": "Tiếp nhận hồ sơ", "unit_kind": UnitKind.SERVICE_CENTER, "role": Role.RECEPTION, "amount": "0.5"},
    {"name": "Thẩm định hồ sơ", "unit_kind": UnitKind.DEPARTMENT, "unit_name": "Phòng Kinh tế", "role": Role.SPECIALIST, "amount": "1.5"},
    {"name": "Xem xét, trình ký", "unit_kind": UnitKind.DEPARTMENT, "unit_name": "Phòng Kinh tế", "role": Role.DEPARTMENT_HEAD, "amount": "0.5"},
    {"name": "Ký duyệt", "unit_kind": UnitKind.DEPARTMENT, "unit_name": "Lãnh đạo UBND xã", "role": Role.LEADER, "amount": "0.25"},
    {"name": "Trả kết quả", "unit_kind": UnitKind.SERVICE_CENTER, "role": Role.RECEPTION, "amount": "0.25"},
]  # fmt: skip


def receive(
    office: Office,
    procedure,
    *,
    at: datetime | None = None,
    actor: User | None = None,
    desk: Agency | None = None,
    channel: str = "direct",
    applicant: dict | None = None,
    documents: list[dict] | None = None,
    **kwargs,
) -> Dossier:
    """A dossier received at the desk of xã Hàm Yên (by its reception officer) at `at`."""

    def call() -> Dossier:
        return dossier_receive(
            actor=actor or office.reception,
            receiving_agency=desk or office.desk,
            procedure=procedure,
            channel=channel,
            applicant=dict(applicant or APPLICANT),
            documents=list(documents if documents is not None else DOCUMENTS),
            **kwargs,
        )

    if at is None:
        return call()
    with time_machine.travel(at, tick=False):
        return call()


def submit(
    office: Office,
    procedure,
    *,
    at: datetime | None = None,
    citizen: User | None = None,
    desk: Agency | None = None,
    **kwargs,
) -> Dossier:
    """An online submission to the desk of xã Hàm Yên."""

    def call() -> Dossier:
        return dossier_submit(
            actor=citizen,
            receiving_agency=desk or office.desk,
            procedure=procedure,
            applicant=dict(APPLICANT),
            documents=list(DOCUMENTS),
            **kwargs,
        )

    if at is None:
        return call()
    with time_machine.travel(at, tick=False):
        return call()
