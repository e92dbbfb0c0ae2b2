"""The admin creates and moves agencies, counters and roles through the services."""

import pytest
from django.urls import reverse

from motcua.organizations.models import Agency, AgencyKind, Counter, Membership, Role, User
from motcua.organizations.services import agency_create


@pytest.fixture
def tree(db):
    province = agency_create(
        code="000.00.00.H62", name="Tỉnh Tuyên Quang", kind=AgencyKind.PROVINCE
    )
    district = agency_create(
        code="000.00.06.H62", name="UBND huyện Hàm Yên", kind=AgencyKind.DISTRICT, parent=province
    )
    commune = agency_create(
        code="000.21.06.H62", name="UBND xã Minh Dân", kind=AgencyKind.COMMUNE, parent=district
    )
    other = agency_create(
        code="000.00.07.H62", name="UBND huyện Yên Sơn", kind=AgencyKind.DISTRICT, parent=province
    )
    desk = agency_create(
        code="000.10.06.H62",
        name="Bộ phận tiếp nhận và trả kết quả huyện Hàm Yên",
        kind=AgencyKind.SERVICE_CENTER,
        parent=district,
    )
    return {
        "province": province,
        "district": district,
        "commune": commune,
        "other": other,
        "desk": desk,
    }


def _agency_form(agency, **changes):
    data = {
        "code": agency.code,
        "name": agency.name,
        "kind": agency.kind,
        "parent": agency.parent_id or "",
        "is_active": "on" if agency.is_active else "",
        "address": agency.address,
        "phone": agency.phone,
        "email": agency.email,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def _management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


@pytest.mark.parametrize(
    "model", ["agency", "counter", "user", "membership"], ids=lambda name: name
)
def test_changelists_and_add_pages_render(admin_client, tree, model):
    changelist = admin_client.get(reverse(f"admin:organizations_{model}_changelist"), {"q": "Hàm"})
    add = admin_client.get(reverse(f"admin:organizations_{model}_add"))

    assert (changelist.status_code, add.status_code) == (200, 200)


def test_agency_changelist_lists_code_name_kind_parent(admin_client, tree):
    response = admin_client.get(reverse("admin:organizations_agency_changelist"), {"q": "Minh Dân"})

    content = response.content.decode()
    assert "000.21.06.H62" in content
    assert "UBND xã Minh Dân" in content
    assert "Xã / phường / thị trấn" in content
    assert "UBND huyện Hàm Yên" in content
    assert "UBND huyện Yên Sơn" not in content


def test_adding_an_agency_sets_its_path(admin_client, tree):
    response = admin_client.post(
        reverse("admin:organizations_agency_add"),
        {
            "code": "000.22.06.H62",
            "name": "UBND xã Minh Khương",
            "kind": AgencyKind.COMMUNE,
            "parent": tree["district"].pk,
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    created = Agency.objects.get(code="000.22.06.H62")
    assert created.path == f"{tree['district'].path}{created.pk}/"
    assert created.is_active is True


def test_changing_the_parent_moves_the_subtree(admin_client, tree):
    district = tree["district"]
    response = admin_client.post(
        reverse("admin:organizations_agency_change", args=[district.pk]),
        _agency_form(district, parent=tree["other"].pk, name="Huyện Hàm Yên (đã chuyển)"),
    )

    assert response.status_code == 302
    district.refresh_from_db()
    tree["commune"].refresh_from_db()
    assert district.name == "Huyện Hàm Yên (đã chuyển)"
    assert district.parent == tree["other"]
    assert district.path == f"{tree['other'].path}{district.pk}/"
    assert tree["commune"].path == f"{district.path}{tree['commune'].pk}/"


def test_moving_an_agency_under_its_own_child_is_refused_in_the_form(admin_client, tree):
    district = tree["district"]
    response = admin_client.post(
        reverse("admin:organizations_agency_change", args=[district.pk]),
        _agency_form(district, parent=tree["commune"].pk),
    )

    assert response.status_code == 200
    assert "Không thể chuyển cơ quan vào chính nó" in response.content.decode()
    district.refresh_from_db()
    assert district.parent == tree["province"]
    assert district.path == f"{tree['province'].path}{district.pk}/"


def test_a_desk_gets_counters_inline(admin_client, tree):
    desk = tree["desk"]
    data = _agency_form(desk) | _management("counters", total=2)
    data |= {
        "counters-0-number": "1",
        "counters-0-name": "Quầy Tư pháp",
        "counters-0-is_active": "on",
    }
    data |= {"counters-1-number": "2", "counters-1-name": "Quầy Đất đai"}

    response = admin_client.post(reverse("admin:organizations_agency_change", args=[desk.pk]), data)

    assert response.status_code == 302
    assert list(Counter.objects.filter(desk=desk).values_list("number", "name", "is_active")) == [
        (1, "Quầy Tư pháp", True),
        (2, "Quầy Đất đai", False),
    ]


def test_only_a_desk_shows_the_counter_inline(admin_client, tree):
    desk_page = admin_client.get(
        reverse("admin:organizations_agency_change", args=[tree["desk"].pk])
    )
    district_page = admin_client.get(
        reverse("admin:organizations_agency_change", args=[tree["district"].pk])
    )

    assert "counters-TOTAL_FORMS" in desk_page.content.decode()
    assert "counters-TOTAL_FORMS" not in district_page.content.decode()


def test_counter_admin_refuses_a_taken_number(admin_client, tree):
    Counter.objects.create(desk=tree["desk"], number=1)

    response = admin_client.post(
        reverse("admin:organizations_counter_add"),
        {"desk": tree["desk"].pk, "number": "1", "name": "Trùng", "is_active": "on"},
    )

    assert response.status_code == 200
    assert Counter.objects.count() == 1


def test_adding_a_user_with_full_name(admin_client, tree):
    response = admin_client.post(
        reverse("admin:organizations_user_add"),
        {
            "username": "chuyenvien.moi",
            "full_name": "Trần Văn Bình",
            "email": "binh@hamyen.example",
            "phone": "0912345678",
            "usable_password": "true",
            "password1": "motcua2026",
            "password2": "motcua2026",
        }
        | _management("memberships"),
    )

    assert response.status_code == 302
    user = User.objects.get(username="chuyenvien.moi")
    assert (user.full_name, user.phone) == ("Trần Văn Bình", "0912345678")
    assert user.check_password("motcua2026")


def _user_form(user, **changes):
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "phone": user.phone,
        "is_active": "on",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "08:00:00",
    }
    data.update(changes)
    return data


def test_granting_and_revoking_roles_inline_on_the_user(admin_client, tree):
    user = User.objects.create_user(username="canbo", password="x", full_name="Cán bộ")
    kept = Membership.objects.create(user=user, agency=tree["province"], role=Role.REPORTER)
    dropped = Membership.objects.create(user=user, agency=tree["other"], role=Role.LEADER)
    data = _user_form(user) | _management("memberships", total=3, initial=2)
    data |= {
        "memberships-0-id": kept.pk,
        "memberships-0-user": user.pk,
        "memberships-0-agency": tree["province"].pk,
        "memberships-0-role": Role.REPORTER,
        "memberships-1-id": dropped.pk,
        "memberships-1-user": user.pk,
        "memberships-1-agency": tree["other"].pk,
        "memberships-1-role": Role.LEADER,
        "memberships-1-DELETE": "on",
        "memberships-2-user": user.pk,
        "memberships-2-agency": tree["district"].pk,
        "memberships-2-role": Role.DEPARTMENT_HEAD,
    }

    response = admin_client.post(reverse("admin:organizations_user_change", args=[user.pk]), data)

    assert response.status_code == 302
    assert set(Membership.objects.filter(user=user).values_list("agency__code", "role")) == {
        ("000.00.00.H62", Role.REPORTER),
        ("000.00.06.H62", Role.DEPARTMENT_HEAD),
    }


def test_a_role_on_an_inactive_agency_is_refused_with_a_message(admin_client, tree):
    user = User.objects.create_user(username="canbo", password="x")
    tree["commune"].is_active = False
    tree["commune"].save(update_fields=["is_active"])

    response = admin_client.post(
        reverse("admin:organizations_membership_add"),
        {"user": user.pk, "agency": tree["commune"].pk, "role": Role.RECEPTION},
    )

    assert response.status_code == 200
    assert "đã ngừng hoạt động" in response.content.decode()
    assert not Membership.objects.exists()


def test_membership_admin_grants_and_revokes(admin_client, tree):
    user = User.objects.create_user(username="canbo", password="x")

    added = admin_client.post(
        reverse("admin:organizations_membership_add"),
        {"user": user.pk, "agency": tree["district"].pk, "role": Role.LEADER},
    )
    membership = Membership.objects.get(user=user)
    deleted = admin_client.post(
        reverse("admin:organizations_membership_delete", args=[membership.pk]), {"post": "yes"}
    )

    assert (added.status_code, deleted.status_code) == (302, 302)
    assert (membership.agency, membership.role) == (tree["district"], Role.LEADER)
    assert not Membership.objects.exists()
