"""Queue test data: a desk with three counters and two service areas, a second desk, officers.

    desk = build_desk()
    ticket = issue(desk, "A")                          # through ticket_issue, like the kiosk
    called = ticket_call_next(counter=desk.counters[1], actor=desk.officer)

Counter 1 serves A (Tư pháp – Hộ tịch), counter 2 serves A and B, counter 3 serves B (Đất đai).
"""

from dataclasses import dataclass, field
from datetime import datetime

from motcua.catalog.models import Field
from motcua.organizations.models import Agency, AgencyKind, Counter, Role, User
from motcua.organizations.services import agency_create, counter_create, membership_grant
from motcua.queueing.models import ServiceArea, Ticket
from motcua.queueing.services import service_area_create, ticket_issue
from motcua.queueing.statuses import TicketPriority
from motcua.workdays.engine import OFFICE_TZ

DESK_CODE = "000.01.51.H62"
OTHER_DESK_CODE = "000.01.52.H62"


def local(*args) -> datetime:
    return datetime(*args, tzinfo=OFFICE_TZ)


def make_officer(username: str, agency: Agency, *roles: str) -> User:
    user = User.objects.create_user(
        username=username, password="mật-khẩu-thử-2026", full_name=username.title()
    )
    for role in roles:
        membership_grant(user=user, agency=agency, role=role)
    return user


@dataclass
class Desk:
    desk: Agency
    commune: Agency
    areas: dict[str, ServiceArea]
    counters: dict[int, Counter]
    officer: User  # reception at this desk
    other_desk: Agency
    other_counter: Counter
    other_officer: User  # reception at the other desk
    extra: dict[str, User] = field(default_factory=dict)


def build_desk() -> Desk:
    province = agency_create(code="000.00.00.H62", name="UBND tỉnh Tuyên Quang", kind="province")
    commune = agency_create(
        code="000.00.51.H62", name="UBND xã Hàm Yên", kind=AgencyKind.COMMUNE, parent=province
    )
    desk = agency_create(
        code=DESK_CODE,
        name="Trung tâm phục vụ hành chính công xã Hàm Yên",
        kind=AgencyKind.SERVICE_CENTER,
        parent=commune,
    )
    other_commune = agency_create(
        code="000.00.52.H62", name="UBND phường Minh Xuân", kind=AgencyKind.COMMUNE,
        parent=province,
    )  # fmt: skip
    other_desk = agency_create(
        code=OTHER_DESK_CODE,
        name="Trung tâm phục vụ hành chính công phường Minh Xuân",
        kind=AgencyKind.SERVICE_CENTER,
        parent=other_commune,
    )
    counters = {
        1: counter_create(desk=desk, number=1, name="Quầy Tư pháp – Hộ tịch"),
        2: counter_create(desk=desk, number=2, name="Quầy tổng hợp"),
        3: counter_create(desk=desk, number=3, name="Quầy Đất đai"),
    }
    civil, _ = Field.objects.get_or_create(
        code="HT", defaults={"name": "Hộ tịch", "name_key": "ho tich", "order": 1}
    )
    land, _ = Field.objects.get_or_create(
        code="DD", defaults={"name": "Đất đai", "name_key": "dat dai", "order": 7}
    )
    areas = {
        "A": service_area_create(
            desk=desk,
            code="A",
            name="Tư pháp – Hộ tịch",
            field=civil,
            order=1,
            counters=[counters[1], counters[2]],
        ),
        "B": service_area_create(
            desk=desk,
            code="B",
            name="Đất đai",
            field=land,
            order=2,
            counters=[counters[2], counters[3]],
        ),
    }
    other_counter = counter_create(desk=other_desk, number=1, name="Quầy 1")
    service_area_create(desk=other_desk, code="A", name="Tổng hợp", counters=[other_counter])
    return Desk(
        desk=desk,
        commune=commune,
        areas=areas,
        counters=counters,
        officer=make_officer("tiepnhan.hamyen", desk, Role.RECEPTION),
        other_desk=other_desk,
        other_counter=other_counter,
        other_officer=make_officer("tiepnhan.minhxuan", other_desk, Role.RECEPTION),
    )


def issue(desk: Desk, area: str = "A", priority: str = TicketPriority.NONE) -> Ticket:
    return ticket_issue(desk=desk.desk, service_area=desk.areas[area], priority=priority)
