"""The second factor: officers holding a role listed in MOTCUA_OTP_REQUIRED_ROLES enrol an
authenticator app with a QR code, then give its six-digit code after their password."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.common.tests.test_security_pages import PageScan
from motcua.dossiers.tests.factories import local
from motcua.organizations.models import AgencyKind, Role, User
from motcua.organizations.services import agency_create, membership_grant

pytestmark = pytest.mark.django_db

PASSWORD = "mật-khẩu-đúng-2026"
START = local(2026, 3, 2, 8, 0)
VERIFY = "/xac-thuc-hai-buoc/"


@pytest.fixture(autouse=True)
def _required(settings):
    settings.MOTCUA_OTP_REQUIRED_ROLES = [Role.LEADER, Role.SYSTEM_ADMIN, "superuser"]


@pytest.fixture
def agency():
    return agency_create(code="HAMYEN", name="UBND xã Hàm Yên", kind=AgencyKind.COMMUNE)


def officer(agency, username: str, role: str) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD)
    membership_grant(user=user, agency=agency, role=role)
    return user


def sign_in(client: Client, username: str, url: str = "/dang-nhap/"):
    return client.post(url, {"username": username, "password": PASSWORD})


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():06d}"


def test_a_leader_enrols_with_the_qr_code_then_reaches_the_pages(agency):
    officer(agency, "lanhdao", Role.LEADER)
    client = Client()
    with time_machine.travel(START, tick=False):
        signed = sign_in(client, "lanhdao")
        home = client.get(signed["Location"])
        enrol = client.get(home["Location"])
        device = TOTPDevice.objects.get(user__username="lanhdao")
        wrong = client.post(VERIFY, {"token": "000000", "next": "/can-bo/"})
        assert not TOTPDevice.objects.get().confirmed
    with time_machine.travel(START + timedelta(seconds=5), tick=False):
        done = client.post(VERIFY, {"token": code_for(device), "next": "/can-bo/"})
        after = client.get("/can-bo/")

    assert signed.status_code == 302
    assert home.status_code == 302
    assert home["Location"] == f"{VERIFY}?next=/can-bo/"
    page = enrol.content.decode()
    assert enrol.status_code == 200
    assert "quét mã QR" in page
    assert re.search(r'<svg[^>]*class="qr-code"', page)
    scan = PageScan()
    scan.feed(page)
    assert scan.problems == []
    assert wrong.status_code == 400
    assert "Mã xác thực không đúng" in wrong.content.decode()
    assert done.status_code == 302
    assert done["Location"] == "/can-bo/"
    assert after.status_code == 200
    assert TOTPDevice.objects.get().confirmed


def test_next_time_the_code_is_asked_without_the_qr_code(agency):
    user = officer(agency, "quantri", Role.SYSTEM_ADMIN)
    device = TOTPDevice.objects.create(user=user, name="điện thoại", confirmed=True)
    client = Client()
    with time_machine.travel(START, tick=False):
        sign_in(client, "quantri")
        blocked = client.get("/can-bo/tiep-nhan/")
        ask = client.get(blocked["Location"])
        done = client.post(VERIFY, {"token": code_for(device), "next": "/can-bo/tiep-nhan/"})

    assert blocked["Location"] == f"{VERIFY}?next=/can-bo/tiep-nhan/"
    assert "quét mã QR" not in ask.content.decode()
    assert "Nhập mã 6 số" in ask.content.decode()
    assert done["Location"] == "/can-bo/tiep-nhan/"
    assert TOTPDevice.objects.count() == 1


def test_the_admin_asks_a_superuser_for_the_code(agency):
    User.objects.create_superuser(username="root", password=PASSWORD, email="")
    client = Client()
    with time_machine.travel(START, tick=False):
        signed = sign_in(client, "root", url="/admin/login/?next=/admin/")
        admin = client.get("/admin/")
        client.get(admin["Location"])  # the enrolment page
        device = TOTPDevice.objects.get(user__username="root")
        client.post(VERIFY, {"token": code_for(device), "next": "/admin/"})
        verified = client.get("/admin/")

    assert signed["Location"] == "/admin/"
    assert admin.status_code == 302
    assert admin["Location"] == f"{VERIFY}?next=/admin/"
    assert verified.status_code == 200


def test_an_old_code_or_a_replayed_one_is_refused(agency):
    user = officer(agency, "lanhdao", Role.LEADER)
    device = TOTPDevice.objects.create(user=user, name="điện thoại", confirmed=True)
    with time_machine.travel(START, tick=False):
        first = Client()
        sign_in(first, "lanhdao")
        old = first.post(VERIFY, {"token": code_for(device, offset=-10)})
        device.refresh_from_db()
        device.throttling_failure_count = 0
        device.save()
        code = code_for(device)
        first.post(VERIFY, {"token": code})
        second = Client()
        sign_in(second, "lanhdao")
        replayed = second.post(VERIFY, {"token": code})

    assert old.status_code == 400
    assert replayed.status_code == 400


def test_roles_not_listed_are_not_asked(agency):
    officer(agency, "tiepnhan", Role.RECEPTION)
    client = Client()
    with time_machine.travel(START, tick=False):
        sign_in(client, "tiepnhan")
        home = client.get("/can-bo/")

    assert home.status_code == 200
    assert not TOTPDevice.objects.exists()


def test_nobody_is_asked_when_no_role_is_listed(agency, settings):
    settings.MOTCUA_OTP_REQUIRED_ROLES = []
    officer(agency, "lanhdao", Role.LEADER)
    client = Client()
    with time_machine.travel(START, tick=False):
        sign_in(client, "lanhdao")
        home = client.get("/can-bo/")

    assert home.status_code == 200


def test_the_code_page_is_for_signed_in_users_only():
    response = Client().get(VERIFY)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
