import pytest

from motcua.organizations.models import AgencyKind, Role
from motcua.organizations.services import agency_create, officer_create


@pytest.fixture
def tree(db):
    """Two provinces; the first with a district, a commune under it, and a department."""
    province = agency_create(code="H56", name="UBND tỉnh Khánh Hòa", kind=AgencyKind.PROVINCE)
    district = agency_create(
        code="H56.06", name="UBND huyện Diên Khánh", kind=AgencyKind.DISTRICT, parent=province
    )
    commune = agency_create(
        code="H56.06.01", name="UBND xã Diên An", kind=AgencyKind.COMMUNE, parent=district
    )
    department = agency_create(
        code="H56.10", name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT, parent=province
    )
    other = agency_create(code="H40", name="UBND tỉnh Nghệ An", kind=AgencyKind.PROVINCE)
    return {
        "province": province,
        "district": district,
        "commune": commune,
        "department": department,
        "other": other,
    }


@pytest.fixture
def officers(tree):
    def make(username, agency, role, **extra):
        return officer_create(
            username=username,
            full_name=username,
            password="mật-khẩu-đủ-dài-2026",
            agency=agency,
            roles=[role],
            **extra,
        )

    return {
        "system_admin": make("quantri", tree["province"], Role.SYSTEM_ADMIN),
        "province_admin": make("qt.tinh", tree["province"], Role.AGENCY_ADMIN),
        "district_admin": make("qt.huyen", tree["district"], Role.AGENCY_ADMIN),
        "specialist": make("chuyenvien", tree["province"], Role.SPECIALIST),
    }
