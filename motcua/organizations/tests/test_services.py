import pytest

from motcua.common.errors import Conflict, InvalidInput
from motcua.organizations.models import Agency, AgencyKind, Counter, Membership, Role, User
from motcua.organizations.services import (
    agency_create,
    agency_move,
    counter_create,
    membership_grant,
    membership_revoke,
    officer_create,
)


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


@pytest.fixture
def district(db):
    province = agency_create(code="000.00.00.H62", name="Tỉnh", kind=AgencyKind.PROVINCE)
    return agency_create(
        code="000.00.06.H62", name="UBND huyện Hàm Yên", kind=AgencyKind.DISTRICT, parent=province
    )


@pytest.fixture
def desk(district):
    return agency_create(
        code="000.10.06.H62",
        name="Bộ phận tiếp nhận và trả kết quả huyện Hàm Yên",
        kind=AgencyKind.SERVICE_CENTER,
        parent=district,
    )


def test_agency_create_refuses_a_duplicate_code_with_a_domain_error(district):
    with pytest.raises(InvalidInput) as error:
        agency_create(code="000.00.06.H62", name="Trùng mã", kind=AgencyKind.DISTRICT)

    assert error.value.code == "agency_invalid"
    assert "code" in error.value.details["errors"]
    assert Agency.objects.filter(code="000.00.06.H62").count() == 1


def test_counter_create_numbers_counters_of_a_desk(desk):
    counter = counter_create(desk=desk, number=1, name="Quầy Tư pháp – Hộ tịch")

    assert (counter.desk, counter.number, counter.name, counter.is_active) == (
        desk,
        1,
        "Quầy Tư pháp – Hộ tịch",
        True,
    )


def test_counter_create_refuses_a_taken_number(desk):
    counter_create(desk=desk, number=1)

    with pytest.raises(Conflict) as error:
        counter_create(desk=desk, number=1, name="Khác")

    assert error.value.code == "counter_exists"
    assert Counter.objects.filter(desk=desk).count() == 1


@pytest.mark.parametrize("number", [0, -1])
def test_counter_create_refuses_a_non_positive_number(desk, number):
    with pytest.raises(InvalidInput) as error:
        counter_create(desk=desk, number=number)

    assert error.value.code == "counter_number"
    assert not Counter.objects.exists()


def test_counter_create_needs_a_reception_desk(district):
    with pytest.raises(InvalidInput) as error:
        counter_create(desk=district, number=1)

    assert error.value.code == "counter_desk_kind"
    assert not Counter.objects.exists()


def test_officer_create_makes_the_user_and_all_roles(district):
    user = officer_create(
        username="truongphong.tuphap",
        full_name="Nguyễn Thị Hoa",
        password="motcua2026",
        agency=district,
        roles=[Role.SPECIALIST, Role.DEPARTMENT_HEAD, Role.SPECIALIST],
        email="hoa@hamyen.example",
    )

    user.refresh_from_db()
    assert (user.username, user.full_name, user.email, user.is_staff, user.is_superuser) == (
        "truongphong.tuphap",
        "Nguyễn Thị Hoa",
        "hoa@hamyen.example",
        False,
        False,
    )
    assert user.check_password("motcua2026")
    assert set(Membership.objects.filter(user=user).values_list("agency", "role")) == {
        (district.pk, Role.SPECIALIST),
        (district.pk, Role.DEPARTMENT_HEAD),
    }


def test_officer_create_superuser_is_staff(district):
    user = officer_create(
        username="quantri",
        full_name="Quản trị",
        password="motcua2026",
        agency=district,
        roles=[Role.SYSTEM_ADMIN],
        is_superuser=True,
    )

    assert (user.is_staff, user.is_superuser) == (True, True)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"roles": []}, "roles_empty"),
        ({"roles": ["chu_tich"]}, "role_invalid"),
        ({"password": "123"}, "officer_invalid"),
        ({"password": "password"}, "officer_invalid"),
        ({"email": "khong-phai-email"}, "officer_invalid"),
        ({"username": "có dấu cách"}, "officer_invalid"),
    ],
)
def test_officer_create_refuses_bad_input_and_leaves_nothing(district, changes, code):
    arguments = {
        "username": "canbo",
        "full_name": "Cán bộ",
        "password": "motcua2026",
        "agency": district,
        "roles": [Role.RECEPTION],
    } | changes

    with pytest.raises(InvalidInput) as error:
        officer_create(**arguments)

    assert error.value.code == code
    assert str(error.value.message)
    assert not User.objects.exists()
    assert not Membership.objects.exists()


def test_officer_create_refuses_a_taken_username_whatever_the_case(district):
    officer_create(
        username="canbo",
        full_name="Một",
        password="motcua2026",
        agency=district,
        roles=[Role.RECEPTION],
    )

    with pytest.raises(Conflict) as error:
        officer_create(
            username="CanBo",
            full_name="Hai",
            password="motcua2026",
            agency=district,
            roles=[Role.LEADER],
        )

    assert error.value.code == "username_taken"
    assert User.objects.count() == 1
    assert Membership.objects.count() == 1


def test_membership_grant_is_idempotent_and_revoke_reports_what_it_did(district):
    user = User.objects.create_user(username="canbo", password="x")

    first = membership_grant(user=user, agency=district, role=Role.LEADER)
    again = membership_grant(user=user, agency=district, role=Role.LEADER)

    assert first.pk == again.pk
    assert Membership.objects.count() == 1
    assert membership_revoke(user=user, agency=district, role=Role.LEADER) is True
    assert membership_revoke(user=user, agency=district, role=Role.LEADER) is False
    assert not Membership.objects.exists()


def test_membership_grant_refuses_an_unknown_role_and_an_inactive_agency(district):
    user = User.objects.create_user(username="canbo", password="x")
    with pytest.raises(InvalidInput) as bad_role:
        membership_grant(user=user, agency=district, role="chu_tich")
    district.is_active = False
    district.save(update_fields=["is_active"])
    with pytest.raises(InvalidInput) as inactive:
        membership_grant(user=user, agency=district, role=Role.LEADER)

    assert (bad_role.value.code, inactive.value.code) == ("role_invalid", "agency_inactive")
    assert not Membership.objects.exists()
