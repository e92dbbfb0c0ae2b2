"""Who sees a dossier, and what each role may do with it at the desk."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from motcua.common.errors import NotFound
from motcua.dossiers.access import access_dossier, allowed_actions, dossiers_visible_to
from motcua.dossiers.models import DossierEvent, RuleVersion
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


def test_visibility_is_the_scope_and_one_query_for_an_officer(
    office, dossiers, django_assert_num_queries
):
    user = office.specialist
    # the officer's memberships, the agencies under them; the dossiers
    with django_assert_num_queries(3):
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


# -- the admin: read-mostly dossiers, a read-only event log ----------------------------------------


@pytest.fixture
def admin_client(client, dossiers):
    user = User.objects.create_superuser(username="root", password="mật-khẩu-2026")
    client.force_login(user)
    return client


def test_admin_shows_dossiers_and_their_log_read_only(admin_client, dossiers):
    dossier = dossiers["hkd"]
    event = dossier.events.get()

    changelist = admin_client.get(reverse("admin:dossiers_dossier_changelist"))
    page = admin_client.get(reverse("admin:dossiers_dossier_change", args=[dossier.pk]))
    log = admin_client.get(reverse("admin:dossiers_dossierevent_change", args=[event.pk]))

    assert (changelist.status_code, page.status_code, log.status_code) == (200, 200, 200)
    assert dossier.code in changelist.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert 'name="_save"' not in log.content.decode()


@pytest.mark.parametrize(
    ("url", "method"),
    [
        ("admin:dossiers_dossier_add", "get"),
        ("admin:dossiers_dossierevent_add", "get"),
        ("admin:dossiers_dossierevent_delete", "post"),
        ("admin:dossiers_dossierevent_change", "post"),
        ("admin:dossiers_dossier_delete", "post"),
    ],
)
def test_admin_cannot_add_change_or_delete_the_log(admin_client, dossiers, url, method):
    dossier = dossiers["hkd"]
    event = dossier.events.get()
    args = [] if url.endswith("_add") else [event.pk if "event" in url else dossier.pk]
    response = getattr(admin_client, method)(reverse(url, args=args), {"note": "sửa"})

    assert response.status_code == 403
    assert DossierEvent.objects.get(pk=event.pk).note == ""
    assert dossier.__class__.objects.filter(pk=dossier.pk).exists()


def test_admin_rule_version_in_use_cannot_be_deleted(admin_client, dossiers):
    used = RuleVersion.objects.get(code="nd118-2025")
    response = admin_client.post(
        reverse("admin:dossiers_ruleversion_delete", args=[used.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert RuleVersion.objects.filter(pk=used.pk).exists()
    assert (
        admin_client.get(reverse("admin:dossiers_ruleversion_change", args=[used.pk])).status_code
        == 200
    )
