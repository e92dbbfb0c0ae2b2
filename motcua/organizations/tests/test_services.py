import pytest

from motcua.common.errors import InvalidInput
from motcua.organizations.models import Agency, AgencyKind
from motcua.organizations.services import agency_create, agency_move


@pytest.mark.django_db
def test_agency_paths_follow_the_tree_and_move_with_the_subtree():
    province = agency_create(code="H56", name="Tỉnh", kind=AgencyKind.PROVINCE)
    district = agency_create(code="H56.06", name="Huyện", kind=AgencyKind.DISTRICT, parent=province)
    commune = agency_create(code="H56.06.1", name="Xã", kind=AgencyKind.COMMUNE, parent=district)
    other = agency_create(
        code="H56.07", name="Huyện khác", kind=AgencyKind.DISTRICT, parent=province
    )

    assert commune.path == f"/{province.pk}/{district.pk}/{commune.pk}/"

    agency_move(agency=district, new_parent=other)

    commune.refresh_from_db()
    assert commune.path == f"/{province.pk}/{other.pk}/{district.pk}/{commune.pk}/"
    assert set(
        Agency.objects.filter(path__startswith=other.path).values_list("code", flat=True)
    ) == {
        "H56.07",
        "H56.06",
        "H56.06.1",
    }


@pytest.mark.django_db
def test_agency_cannot_move_under_itself():
    province = agency_create(code="H56", name="Tỉnh", kind=AgencyKind.PROVINCE)
    district = agency_create(code="H56.06", name="Huyện", kind=AgencyKind.DISTRICT, parent=province)

    with pytest.raises(InvalidInput):
        agency_move(agency=province, new_parent=district)

    province.refresh_from_db()
    assert province.path == f"/{province.pk}/"
