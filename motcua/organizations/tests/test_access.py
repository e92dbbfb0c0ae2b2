"""The role × agency matrix: who sees and acts where in the tree."""

import pytest
from django.contrib.auth.models import AnonymousUser

from motcua.common.errors import NotFound
from motcua.organizations import access
from motcua.organizations.access import (
    AgencyScope,
    access_agency,
    agencies_where,
    is_system_admin,
    officer_roles,
    user_has_role,
    visible_agencies,
)
from motcua.organizations.models import Agency, AgencyKind, Membership, Role, User
from motcua.organizations.services import agency_create, agency_move

POSITIONS = ["own", "child", "parent", "sibling", "other_province"]


@pytest.fixture
def tree(db):
    """Province P with districts D (own) and S (sibling); commune C under D; another province Q."""
    province = agency_create(
        code="000.00.00.H62", name="Tỉnh Tuyên Quang", kind=AgencyKind.PROVINCE
    )
    own = agency_create(
        code="000.00.06.H62", name="UBND huyện Hàm Yên", kind=AgencyKind.DISTRICT, parent=province
    )
    child = agency_create(
        code="000.21.06.H62", name="UBND xã Minh Dân", kind=AgencyKind.COMMUNE, parent=own
    )
    sibling = agency_create(
        code="000.00.07.H62", name="UBND huyện Yên Sơn", kind=AgencyKind.DISTRICT, parent=province
    )
    other = agency_create(code="000.00.00.H10", name="Tỉnh Lào Cai", kind=AgencyKind.PROVINCE)
    return {
        "own": own,
        "child": child,
        "parent": province,
        "sibling": sibling,
        "other_province": other,
    }


def _officer(username, *pairs):
    user = User.objects.create_user(username=username, password="x")
    for agency, role in pairs:
        Membership.objects.create(user=user, agency=agency, role=role)
    return user


# role held on "own" → positions where the user sees / acts in that role.
SUBTREE = {"own", "child"}
EVERYWHERE = set(POSITIONS)
MATRIX = {
    Role.RECEPTION: SUBTREE,
    Role.SPECIALIST: SUBTREE,
    Role.DEPARTMENT_HEAD: SUBTREE,
    Role.LEADER: SUBTREE,
    Role.AGENCY_ADMIN: SUBTREE,
    Role.REPORTER: SUBTREE,
    Role.SYSTEM_ADMIN: EVERYWHERE,
}


@pytest.mark.parametrize("role", list(MATRIX))
@pytest.mark.parametrize("position", POSITIONS)
def test_role_matrix(tree, role, position):
    # given an officer holding `role` on the district "own"
    user = _officer("canbo", (tree["own"], role))
    agency = tree[position]
    expected = position in MATRIX[role]

    # then seeing, fetching by code and holding the role there agree with the matrix
    assert visible_agencies(user).filter(pk=agency.pk).exists() is expected
    if expected:
        assert access_agency(user=user, code=agency.code) == agency
    else:
        with pytest.raises(NotFound) as error:
            access_agency(user=user, code=agency.code)
        assert error.value.code == "agency_not_found"
    assert user_has_role(user=user, agency=agency, role=role) is expected
    assert agencies_where(user, role).filter(pk=agency.pk).exists() is expected
    # and no other role comes with it
    for other_role in set(Role) - {role}:
        assert user_has_role(user=user, agency=agency, role=other_role) is False


@pytest.mark.parametrize("role", list(MATRIX))
def test_visible_agencies_are_exactly_the_subtree(tree, role):
    user = _officer("canbo", (tree["own"], role))

    codes = set(visible_agencies(user).values_list("code", flat=True))
    where = set(agencies_where(user, role).values_list("code", flat=True))

    expected = {tree[p].code for p in MATRIX[role]}
    assert codes == expected
    assert where == expected


def test_unknown_code_answers_like_a_hidden_one(tree):
    user = _officer("canbo", (tree["own"], Role.LEADER))

    with pytest.raises(NotFound) as unknown:
        access_agency(user=user, code="khong-ton-tai")
    with pytest.raises(NotFound) as hidden:
        access_agency(user=user, code=tree["sibling"].code)

    assert unknown.value.as_dict() == hidden.value.as_dict()


def test_citizen_anonymous_and_inactive_officer_see_nothing(tree):
    citizen = User.objects.create_user(username="congdan", password="x")
    inactive = _officer("nghiviec", (tree["parent"], Role.LEADER))
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])

    for user in (citizen, AnonymousUser(), inactive):
        assert list(visible_agencies(user)) == []
        assert list(agencies_where(user, Role.LEADER)) == []
        assert officer_roles(user) == set()
        assert user_has_role(user=user, agency=tree["own"], role=Role.LEADER) is False
        assert is_system_admin(user) is False
        with pytest.raises(NotFound):
            access_agency(user=user, code=tree["own"].code)


def test_superuser_sees_everything_but_holds_no_working_role(tree):
    root = User.objects.create_superuser(username="root", password="x")

    assert set(visible_agencies(root)) == set(tree.values())
    assert set(agencies_where(root, Role.SYSTEM_ADMIN)) == set(tree.values())
    assert list(agencies_where(root, Role.LEADER)) == []
    assert user_has_role(user=root, agency=tree["other_province"], role=Role.SYSTEM_ADMIN) is True
    assert user_has_role(user=root, agency=tree["own"], role=Role.LEADER) is False
    assert is_system_admin(root) is True


def test_several_memberships_add_up(tree):
    user = _officer("canbo", (tree["child"], Role.RECEPTION), (tree["sibling"], Role.SPECIALIST))

    assert officer_roles(user) == {
        (tree["child"], Role.RECEPTION),
        (tree["sibling"], Role.SPECIALIST),
    }
    assert set(visible_agencies(user)) == {tree["child"], tree["sibling"]}
    assert set(agencies_where(user, Role.RECEPTION)) == {tree["child"]}
    assert user_has_role(user=user, agency=tree["own"], role=Role.RECEPTION) is False


def test_reach_follows_a_move_of_the_subtree(tree):
    user = _officer("canbo", (tree["sibling"], Role.LEADER))
    assert user_has_role(user=user, agency=tree["child"], role=Role.LEADER) is False

    agency_move(agency=tree["child"], new_parent=tree["sibling"])
    tree["child"].refresh_from_db()

    assert user_has_role(user=user, agency=tree["child"], role=Role.LEADER) is True
    assert access_agency(user=user, code=tree["child"].code) == tree["child"]


def test_prefix_does_not_leak_to_agencies_with_a_longer_id(tree):
    # "/1/" must not reach "/12/": the path keeps its trailing slash for exactly this.
    user = _officer("canbo", (tree["parent"], Role.REPORTER))
    lookalike = agency_create(code="X", name="Tỉnh khác", kind=AgencyKind.PROVINCE)
    lookalike_path = tree["parent"].path.rstrip("/") + "9/"  # e.g. "/1/" → "/19/"
    Agency.objects.filter(pk=lookalike.pk).update(path=lookalike_path)

    visible = set(visible_agencies(user))

    assert lookalike not in visible
    assert visible == {tree["parent"], tree["own"], tree["child"], tree["sibling"]}


def _ids(agencies):
    return sorted(agency.pk for agency in agencies)


@pytest.mark.parametrize("limit", [access.SCOPE_ID_LIMIT, 1])
def test_a_scope_reads_the_same_agencies_as_the_subqueries(
    tree, limit, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(access, "SCOPE_ID_LIMIT", limit)  # 1: the reach is "large"
    user = _officer(
        "canbo",
        (tree["own"], Role.LEADER),
        (tree["child"], Role.RECEPTION),
        (tree["sibling"], Role.SPECIALIST),
    )

    with django_assert_num_queries(2):
        scope = AgencyScope.of(user)

    assert scope.as_subqueries is (limit == 1)
    for roles in [
        (Role.LEADER,),
        (Role.RECEPTION,),
        (Role.SPECIALIST, Role.LEADER),
        (Role.REPORTER,),
    ]:
        expected = set().union(*(set(agencies_where(user, role)) for role in roles))
        assert _ids(Agency.objects.filter(pk__in=scope.where(*roles))) == _ids(expected)
    assert _ids(Agency.objects.filter(pk__in=scope.visible())) == _ids(visible_agencies(user))
    assert _ids(Agency.objects.filter(pk__in=scope.visible())) == _ids(
        [tree["own"], tree["child"], tree["sibling"]]
    )


def test_a_scope_of_a_system_admin_sees_everything_and_holds_no_working_role(tree):
    admin = _officer("quantri", (tree["other_province"], Role.SYSTEM_ADMIN))
    root = User.objects.create_superuser(username="root", password="x")

    for user in (admin, root):
        scope = AgencyScope.of(user)
        assert scope.visible() is None
        assert list(scope.where(Role.LEADER, Role.RECEPTION)) == []


def test_a_scope_of_a_citizen_or_anonymous_user_is_empty(tree, django_assert_num_queries):
    citizen = User.objects.create_user(username="dan", password="x")

    with django_assert_num_queries(1):
        scope = AgencyScope.of(citizen)
    assert scope.visible() == []
    assert scope.where(Role.RECEPTION) == []
    with django_assert_num_queries(0):
        scope = AgencyScope.of(AnonymousUser())
    assert scope.visible() == []


class TestQueryCounts:
    def test_each_check_is_one_query(self, tree, django_assert_num_queries):
        user = _officer(
            "canbo",
            (tree["own"], Role.LEADER),
            (tree["sibling"], Role.RECEPTION),
            (tree["child"], Role.SPECIALIST),
        )

        with django_assert_num_queries(1):
            assert len(list(visible_agencies(user))) == 3
        with django_assert_num_queries(1):
            assert access_agency(user=user, code=tree["child"].code) == tree["child"]
        with django_assert_num_queries(1):
            assert user_has_role(user=user, agency=tree["child"], role=Role.LEADER)
        with django_assert_num_queries(1):
            assert len(list(agencies_where(user, Role.LEADER))) == 2
        with django_assert_num_queries(1):
            assert len(officer_roles(user)) == 3

    def test_visible_agencies_stays_one_query_as_the_tree_grows(
        self, tree, django_assert_num_queries
    ):
        user = _officer("canbo", (tree["parent"], Role.REPORTER))
        for i in range(30):
            agency_create(code=f"C{i}", name=f"Xã {i}", kind=AgencyKind.COMMUNE, parent=tree["own"])

        with django_assert_num_queries(1):
            assert len(list(visible_agencies(user))) == 34

    def test_anonymous_costs_no_query(self, tree, django_assert_num_queries):
        with django_assert_num_queries(0):
            assert list(visible_agencies(AnonymousUser())) == []
            assert (
                user_has_role(user=AnonymousUser(), agency=tree["own"], role=Role.LEADER) is False
            )
            assert officer_roles(AnonymousUser()) == set()
