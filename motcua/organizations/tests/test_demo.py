"""`motcua seed_demo`: the demo tree, officers who can log in, and idempotency."""

import io
import re

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from motcua.organizations import demo
from motcua.organizations.access import user_has_role, visible_agencies
from motcua.organizations.models import Agency, AgencyKind, Counter, Membership, Role, User

SEED_COMMAND = "motcua.organizations.management.commands.seed_demo"


def _seed(*args, force=True) -> str:
    # The test runner runs with DEBUG off, which the command refuses without --force.
    out = io.StringIO()
    call_command("seed_demo", *args, *(["--force"] if force else []), stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    models = [Agency, Counter, User, Membership]
    if apps.is_installed("motcua.catalog"):
        models += list(apps.get_app_config("catalog").get_models())
    return {model._meta.label: model.objects.count() for model in models}


def _printed_logins(output: str) -> list[tuple[str, str, str]]:
    """(username, password, role label) rows of the printed table."""
    rows = []
    table = output.split("Tài khoản trình diễn:")[1]
    for line in table.splitlines()[3:]:
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) == 4:
            rows.append((cells[0], cells[1], cells[2]))
    return rows


@pytest.mark.django_db
def test_seeding_twice_changes_nothing():
    first_output = _seed()
    after_first = _counts()
    passwords = dict(User.objects.values_list("username", "password"))

    second_output = _seed()

    assert _counts() == after_first
    assert dict(User.objects.values_list("username", "password")) == passwords
    assert after_first["organizations.Agency"] == 45
    assert after_first["organizations.Counter"] == 21
    assert after_first["organizations.User"] == 14
    assert after_first["organizations.Membership"] == 14
    assert "Cơ quan mới: 45; quầy mới: 21; cán bộ mới: 14." in first_output
    assert "Cơ quan mới: 0; quầy mới: 0; cán bộ mới: 0." in second_output


@pytest.mark.django_db
def test_the_printed_logins_work(client):
    output = _seed("--skip-catalog")
    logins = _printed_logins(output)

    assert [(username, role) for username, _password, role in logins] == [
        ("tiepnhan.hamyen", "Cán bộ tiếp nhận"),
        ("chuyenvien.tuphap", "Chuyên viên xử lý"),
        ("truongphong.tuphap", "Lãnh đạo phòng"),
        ("lanhdao.hamyen", "Lãnh đạo cơ quan (ký duyệt)"),
        ("quantri.hamyen", "Quản trị cơ quan"),
        ("admin", "Quản trị hệ thống"),
        ("baocao.tuyenquang", "Cán bộ báo cáo thống kê"),
        ("tiepnhan.xahamyen", "Cán bộ tiếp nhận"),
        ("chuyenvien.kinhte", "Chuyên viên xử lý"),
        ("truongphong.kinhte", "Lãnh đạo phòng"),
        ("lanhdao.xahamyen", "Lãnh đạo cơ quan (ký duyệt)"),
        ("tuphap.xahamyen", "Chuyên viên xử lý"),
        ("congan.xahamyen", "Chuyên viên xử lý"),
        ("bhxh.hamyen", "Chuyên viên xử lý"),
    ]
    for username, password, _role in logins:
        assert client.login(username=username, password=password), username
        client.logout()


@pytest.mark.django_db
def test_the_system_admin_gets_into_the_admin_and_others_do_not(client):
    _seed("--skip-catalog")

    client.login(username="admin", password=demo.DEMO_PASSWORD)
    admin_index = client.get("/admin/")
    client.logout()
    client.login(username="lanhdao.hamyen", password=demo.DEMO_PASSWORD)
    leader_index = client.get("/admin/")

    assert admin_index.status_code == 200
    assert leader_index.status_code == 302  # to the admin login page


@pytest.mark.django_db
def test_the_seed_story_tree():
    _seed("--skip-catalog")
    province = Agency.objects.get(code="000.00.00.H62")
    district = Agency.objects.get(name="UBND huyện Hàm Yên")
    district_desk = Agency.objects.get(code=demo.DISTRICT_DESK_CODE)

    assert (province.kind, province.parent) == (AgencyKind.PROVINCE, None)
    assert (district.kind, district.parent) == (AgencyKind.DISTRICT, province)
    assert sorted(
        district.children.filter(kind=AgencyKind.DEPARTMENT).values_list("name", flat=True)
    ) == [
        "Phòng Kinh tế và Hạ tầng huyện Hàm Yên",
        "Phòng Lao động – Thương binh và Xã hội huyện Hàm Yên",
        "Phòng Tài chính – Kế hoạch huyện Hàm Yên",
        "Phòng Tài nguyên và Môi trường huyện Hàm Yên",
        "Phòng Tư pháp huyện Hàm Yên",
        "Phòng Văn hóa – Thông tin huyện Hàm Yên",
    ]
    assert (district_desk.kind, district_desk.parent) == (AgencyKind.SERVICE_CENTER, district)
    assert list(district_desk.counters.values_list("number", flat=True)) == [1, 2, 3, 4]
    communes = district.children.filter(kind=AgencyKind.COMMUNE).order_by("code")
    assert [c.name for c in communes] == [
        "UBND xã Minh Dân",
        "UBND xã Minh Khương",
        "UBND xã Phù Lưu",
        "UBND xã Bình Xa",
        "UBND xã Đức Ninh",
        "UBND xã Yên Phú",
        "UBND thị trấn Tân Yên",
    ]
    for commune in communes:
        desk = commune.children.get(kind=AgencyKind.SERVICE_CENTER)
        assert desk.name.startswith("Bộ phận tiếp nhận và trả kết quả ")
        assert desk.counters.count() == 1


@pytest.mark.django_db
def test_the_two_level_shape():
    _seed("--skip-catalog")
    province = Agency.objects.get(code="000.00.00.H62")

    center = Agency.objects.get(code=demo.PROVINCE_CENTER_CODE)
    assert (center.kind, center.parent) == (AgencyKind.SERVICE_CENTER, province)
    assert center.counters.count() == 6
    assert set(
        province.children.filter(kind=AgencyKind.DEPARTMENT).values_list("name", flat=True)
    ) == {
        "Sở Tư pháp tỉnh Tuyên Quang",
        "Sở Nông nghiệp và Môi trường tỉnh Tuyên Quang",
        "Sở Tài chính tỉnh Tuyên Quang",
        "Sở Xây dựng tỉnh Tuyên Quang",
        "Sở Văn hóa, Thể thao và Du lịch tỉnh Tuyên Quang",
        "Sở Nội vụ tỉnh Tuyên Quang",
    }
    assert set(
        province.children.filter(kind=AgencyKind.EXTERNAL).values_list("name", flat=True)
    ) == {"Công an tỉnh Tuyên Quang", "Bảo hiểm xã hội tỉnh Tuyên Quang", "Thuế tỉnh Tuyên Quang"}
    new_communes = province.children.filter(kind=AgencyKind.COMMUNE)
    assert set(new_communes.values_list("name", flat=True)) == {
        "UBND xã Hàm Yên",
        "UBND phường Minh Xuân",
    }
    for commune in new_communes:
        center = commune.children.get(kind=AgencyKind.SERVICE_CENTER)
        assert center.name.startswith("Trung tâm phục vụ hành chính công ")
        assert center.counters.count() == 2
    assert all(
        re.fullmatch(r"\d{3}\.\d{2}\.\d{2}\.H62", c)
        for c in Agency.objects.values_list("code", flat=True)
    )


@pytest.mark.django_db
def test_the_demo_officers_reach_where_their_role_says():
    _seed("--skip-catalog")
    users = {user.username: user for user in User.objects.all()}
    minh_dan = Agency.objects.get(name="UBND xã Minh Dân")
    justice = Agency.objects.get(code=demo.DISTRICT_JUSTICE_CODE)
    desk = Agency.objects.get(code=demo.DISTRICT_DESK_CODE)
    police = Agency.objects.get(name="Công an tỉnh Tuyên Quang")

    assert user_has_role(user=users["tiepnhan.hamyen"], agency=desk, role=Role.RECEPTION)
    assert user_has_role(user=users["chuyenvien.tuphap"], agency=justice, role=Role.SPECIALIST)
    assert user_has_role(
        user=users["truongphong.tuphap"], agency=justice, role=Role.DEPARTMENT_HEAD
    )
    assert user_has_role(user=users["lanhdao.hamyen"], agency=minh_dan, role=Role.LEADER)
    assert user_has_role(user=users["quantri.hamyen"], agency=minh_dan, role=Role.AGENCY_ADMIN)
    assert not visible_agencies(users["lanhdao.hamyen"]).filter(pk=police.pk).exists()
    commune_center = Agency.objects.get(code=demo.COMMUNE_CENTER_CODE)
    economy = Agency.objects.get(code=demo.COMMUNE_ECONOMY_CODE)
    assert economy.name == "Phòng Kinh tế xã Hàm Yên"
    assert user_has_role(
        user=users["tiepnhan.xahamyen"], agency=commune_center, role=Role.RECEPTION
    )
    assert user_has_role(user=users["chuyenvien.kinhte"], agency=economy, role=Role.SPECIALIST)
    assert user_has_role(
        user=users["truongphong.kinhte"], agency=economy, role=Role.DEPARTMENT_HEAD
    )
    assert user_has_role(user=users["lanhdao.xahamyen"], agency=economy, role=Role.LEADER)
    assert not user_has_role(user=users["lanhdao.xahamyen"], agency=desk, role=Role.LEADER)
    assert visible_agencies(users["baocao.tuyenquang"]).count() == 45
    assert visible_agencies(users["admin"]).count() == 45
    assert (users["admin"].is_staff, users["admin"].is_superuser) == (True, True)
    assert not any(u.is_staff for name, u in users.items() if name != "admin")


@pytest.mark.django_db
def test_the_lien_thong_partners_of_xa_ham_yen_and_their_officers():
    _seed("--skip-catalog")
    users = {user.username: user for user in User.objects.all()}
    commune = Agency.objects.get(code=demo.COMMUNE_CODE)
    police = Agency.objects.get(code=demo.COMMUNE_POLICE_CODE)
    insurance = Agency.objects.get(code=demo.COMMUNE_INSURANCE_CODE)

    assert (police.name, police.kind, police.parent.name) == (
        "Công an xã Hàm Yên",
        AgencyKind.EXTERNAL,
        "Công an tỉnh Tuyên Quang",
    )
    assert (insurance.name, insurance.kind, insurance.parent.name) == (
        "Bảo hiểm xã hội cơ sở Hàm Yên",
        AgencyKind.EXTERNAL,
        "Bảo hiểm xã hội tỉnh Tuyên Quang",
    )
    assert user_has_role(user=users["tuphap.xahamyen"], agency=commune, role=Role.SPECIALIST)
    assert user_has_role(user=users["congan.xahamyen"], agency=police, role=Role.SPECIALIST)
    assert user_has_role(user=users["bhxh.hamyen"], agency=insurance, role=Role.SPECIALIST)
    # Each partner's officer works in their own agency only.
    assert list(visible_agencies(users["congan.xahamyen"])) == [police]
    assert list(visible_agencies(users["bhxh.hamyen"])) == [insurance]
    assert not user_has_role(user=users["lanhdao.xahamyen"], agency=police, role=Role.LEADER)


@pytest.mark.django_db
def test_an_existing_account_keeps_its_password_and_is_flagged():
    _seed("--skip-catalog")
    leader = User.objects.get(username="lanhdao.hamyen")
    leader.set_password("mat-khau-rieng-2026")
    leader.save(update_fields=["password"])

    output = _seed("--skip-catalog")

    leader.refresh_from_db()
    assert leader.check_password("mat-khau-rieng-2026")
    assert re.search(r"^lanhdao\.hamyen +\| motcua2026 \* ", output, re.MULTILINE)
    assert re.search(r"^admin +\| motcua2026 +\| ", output, re.MULTILINE)
    assert "* Tài khoản đã có từ trước với mật khẩu khác" in output


@pytest.mark.django_db
def test_refuses_to_run_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError) as error:
        _seed(force=False)

    assert error.value.returncode == 2
    assert "DJANGO_DEBUG=false" in str(error.value)
    assert not Agency.objects.exists()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_without_the_catalog_command_it_says_so(monkeypatch):
    monkeypatch.setattr(f"{SEED_COMMAND}.get_commands", lambda: {"seed_demo": "organizations"})

    output = _seed()

    assert "Chưa có lệnh import_catalog" in output
    assert Agency.objects.count() == 45


@pytest.mark.django_db
def test_loads_the_demo_catalog_through_import_catalog(monkeypatch, tmp_path):
    calls = []
    catalog = tmp_path / "demo_catalog.json"
    catalog.write_text("{}", encoding="utf-8")
    monkeypatch.setattr(f"{SEED_COMMAND}.DEMO_CATALOG", catalog)
    monkeypatch.setattr(f"{SEED_COMMAND}.get_commands", lambda: {"import_catalog": "catalog"})
    monkeypatch.setattr(
        f"{SEED_COMMAND}.call_command", lambda name, *args, **kwargs: calls.append((name, args))
    )

    _seed()

    assert calls == [("import_catalog", (str(catalog),))]


@pytest.mark.django_db
def test_skip_catalog_does_not_import(monkeypatch):
    calls = []
    monkeypatch.setattr(f"{SEED_COMMAND}.get_commands", lambda: {"import_catalog": "catalog"})
    monkeypatch.setattr(f"{SEED_COMMAND}.call_command", lambda *a, **k: calls.append(a))

    output = _seed("--skip-catalog")

    assert calls == []
    assert "import_catalog" not in output
