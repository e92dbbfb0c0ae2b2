"""Who sees a dossier, and what each role may do with it at the desk."""

import pytest
from django.contrib.auth.models import AnonymousUser

from motcua.common.errors import NotFound
from motcua.dossiers.access import access_dossier, allowed_actions, dossiers_visible_to
from motcua.dossiers.tests.factories import (
    BIRTH_LIEN_THONG,
    HKD,
    build_office,
    demo_procedure,
    local,
    make_officer,
    receive,
    submit,
)
from motcua.organizations.models import Role, User


@pytest.fixture
def office(db):
    return build_office()


@pytest.fixture
def dossiers(office):
    """A household-business dossier and a birth liên thông dossier at xã Hàm Yên, one at Minh
    Xuân."""
    hkd = demo_procedure(HKD)
    return {
        "hkd": receive(office, hkd, at=local(2026, 3, 2, 8, 0)),
        "birth": receive(office, demo_procedure(BIRTH_LIEN_THONG), at=local(2026, 3, 2, 8, 5)),
        "other": receive(
            office,
            hkd,
            at=local(2026, 3, 2, 8, 10),
            actor=office.other[Role.RECEPTION],
            desk=office.other_desk,
        ),
    }


def _who(office, name):
    if name in office.officers:
        return office.officers[name]
    if name.startswith("other_"):
        return office.other[name.removeprefix("other_")]
    if name == "police":
        return make_officer("congan", office.police, Role.SPECIALIST)
    if name == "citizen":
        return User.objects.create_user(username="congdan")
    if name == "superuser":
        return User.objects.create_superuser(username="root", password="x")
    if name == "anonymous":
        return AnonymousUser()
    raise KeyError(name)


VISIBLE = {
    # own commune: the desk sees what it received, the department what its steps hold (all
    # dossiers of xã Hàm Yên name it in their route or as the competent agency's child).
    Role.RECEPTION: {"hkd", "birth"},
    Role.SPECIALIST: {"hkd"},  # Phòng Kinh tế is on the household-business route only
    Role.DEPARTMENT_HEAD: {"hkd"},
    Role.LEADER: {"hkd", "birth"},
    Role.AGENCY_ADMIN: {"hkd", "birth"},
    Role.REPORTER: {"hkd", "birth"},
    Role.SYSTEM_ADMIN: {"hkd", "birth", "other"},
    "other_reception": {"other"},
    "other_specialist": {"other"},
    "other_leader": {"other"},
    "police": {"birth"},  # a partner on the birth liên thông route
    "citizen": set(),
    "anonymous": set(),
    "superuser": {"hkd", "birth", "other"},
}


@pytest.mark.parametrize(("who", "expected"), list(VISIBLE.items()))
def test_visibility_by_role_and_agency(office, dossiers, who, expected):
    user = _who(office, who)
    visible = set(dossiers_visible_to(user).values_list("code", flat=True))

    assert visible == {dossiers[name].code for name in expected}


@pytest.mark.parametrize(("who", "expected"), list(VISIBLE.items()))
def test_access_dossier_answers_not_found_for_invisible_and_unknown_alike(
    office, dossiers, who, expected
):
    user = _who(office, who)
    for name, dossier in dossiers.items():
        if name in expected:
            assert access_dossier(user=user, code=dossier.code) == dossier
        else:
            with pytest.raises(NotFound) as error:
                access_dossier(user=user, code=dossier.code)
            assert error.value.code == "dossier_not_found"
    with pytest.raises(NotFound) as unknown:
        access_dossier(user=user, code="000.01.51.H62-260302-9999")
    assert unknown.value.code == "dossier_not_found"


def test_visibility_is_one_query_for_an_officer(office, dossiers, django_assert_num_queries):
    user = office.specialist
    with django_assert_num_queries(2):  # is the user a system admin?; the dossiers
        list(dossiers_visible_to(user))


ALLOWED_AT_THE_DESK = {
    # A dossier just received: the desk's step is active.
    Role.RECEPTION: {"forward", "request_supplement", "apologize", "withdraw"},
    Role.SPECIALIST: set(),
    Role.DEPARTMENT_HEAD: {"assign"},  # may assign the department's coming step
    Role.LEADER: {"assign", "request_supplement", "apologize", "withdraw", "stop"},
    Role.AGENCY_ADMIN: set(),
    Role.REPORTER: set(),
    Role.SYSTEM_ADMIN: set(),
    "other_reception": set(),
    "other_leader": set(),
    "citizen": set(),
    "anonymous": set(),
}


@pytest.mark.parametrize(("who", "expected"), list(ALLOWED_AT_THE_DESK.items()))
def test_allowed_actions_on_a_received_dossier(office, dossiers, who, expected):
    assert allowed_actions(user=_who(office, who), dossier=dossiers["hkd"]) == expected


def test_allowed_actions_on_an_online_submission(office):
    citizen = User.objects.create_user(username="congdan")
    dossier = submit(office, demo_procedure(HKD), at=local(2026, 3, 2, 20, 0), citizen=citizen)

    assert allowed_actions(user=office.reception, dossier=dossier) == {
        "receive",
        "refuse_intake",
        "request_supplement",
        "withdraw",
    }
    assert allowed_actions(user=office.other[Role.RECEPTION], dossier=dossier) == set()
    # The applicant may withdraw their own submission, nothing else
    assert allowed_actions(user=citizen, dossier=dossier) == {"withdraw"}


def test_allowed_actions_costs_two_queries(office, dossiers, django_assert_num_queries):
    dossier = dossiers["hkd"]
    with django_assert_num_queries(2):
        allowed_actions(user=office.reception, dossier=dossier)
