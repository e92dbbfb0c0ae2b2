"""Officers' sign-in throttling (django-axes) and officers' session timeout."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from motcua.dossiers.tests.factories import local
from motcua.organizations.models import Agency, AgencyKind, Role, User
from motcua.organizations.services import agency_create, membership_grant

pytestmark = pytest.mark.django_db

PASSWORD = "mật-khẩu-đúng-2026"
LOGIN = "/dang-nhap/"
ADMIN_LOGIN = "/admin/login/"
LOCKED = "Tài khoản tạm bị khóa đăng nhập từ máy này"
START = local(2026, 3, 2, 8, 0)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The citizens' own sign-in limit counts in the cache, which outlives a test.
    cache.clear()


@pytest.fixture
def agency() -> Agency:
    return agency_create(code="HAMYEN", name="UBND xã Hàm Yên", kind=AgencyKind.COMMUNE)


@pytest.fixture
def officer(agency) -> User:
    user = User.objects.create_user(username="tiepnhan", password=PASSWORD, full_name="Lê Thị Hoa")
    membership_grant(user=user, agency=agency, role=Role.RECEPTION)
    return user


@pytest.fixture
def other_officer(agency) -> User:
    user = User.objects.create_user(username="chuyenvien", password=PASSWORD)
    membership_grant(user=user, agency=agency, role=Role.SPECIALIST)
    return user


def sign_in(client: Client, username: str, password: str, *, url: str = LOGIN, ip="203.0.113.7"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail(client: Client, username: str, times: int, **kwargs) -> list[int]:
    return [sign_in(client, username, "sai-mật-khẩu", **kwargs).status_code for _ in range(times)]


def test_five_failures_lock_the_officer_even_with_the_right_password(officer):
    client = Client()
    with time_machine.travel(START, tick=False):
        statuses = fail(client, "tiepnhan", 5)
        response = sign_in(client, "tiepnhan", PASSWORD)
        signed_in = "_auth_user_id" in client.session

    assert statuses == [200, 200, 200, 200, 429]
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED in page
    assert "15 phút" in page
    assert not signed_in


def test_the_lock_lifts_after_the_cool_off(officer):
    client = Client()
    with time_machine.travel(START, tick=False):
        fail(client, "tiepnhan", 5)
    with time_machine.travel(START + timedelta(minutes=14), tick=False):
        assert sign_in(client, "tiepnhan", PASSWORD).status_code == 429
    with time_machine.travel(START + timedelta(minutes=15, seconds=1), tick=False):
        response = sign_in(client, "tiepnhan", PASSWORD)
        signed_in_as = client.session.get("_auth_user_id")

    assert response.status_code == 302
    assert response["Location"] == reverse("dossiers:home")
    assert signed_in_as == str(officer.pk)


def test_other_officers_and_other_addresses_are_not_locked(officer, other_officer):
    with time_machine.travel(START, tick=False):
        fail(Client(), "tiepnhan", 5)
        colleague = sign_in(Client(), "chuyenvien", PASSWORD)
        elsewhere = sign_in(Client(), "tiepnhan", PASSWORD, ip="198.51.100.20")

    assert colleague.status_code == 302
    assert elsewhere.status_code == 302


def test_a_successful_sign_in_clears_the_failures(officer):
    client = Client()
    with time_machine.travel(START, tick=False):
        fail(client, "tiepnhan", 4)
        assert sign_in(client, "tiepnhan", PASSWORD).status_code == 302
        client.post(reverse("logout"))
        statuses = fail(client, "tiepnhan", 4)
        response = sign_in(client, "tiepnhan", PASSWORD)

    assert statuses == [200, 200, 200, 200]
    assert response.status_code == 302


def test_the_address_behind_a_trusted_proxy_is_the_forwarded_one(officer, settings):
    settings.MOTCUA_TRUSTED_PROXIES = ["10.0.0.1"]
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            Client().post(
                LOGIN,
                {"username": "tiepnhan", "password": "sai"},
                HTTP_X_FORWARDED_FOR="203.0.113.7",
                **proxy,
            )
        same = Client().post(
            LOGIN,
            {"username": "tiepnhan", "password": PASSWORD},
            HTTP_X_FORWARDED_FOR="203.0.113.7",
            **proxy,
        )
        another = Client().post(
            LOGIN,
            {"username": "tiepnhan", "password": PASSWORD},
            HTTP_X_FORWARDED_FOR="203.0.113.99",
            **proxy,
        )

    assert same.status_code == 429
    assert another.status_code == 302


def test_the_admin_sign_in_is_throttled_too(agency):
    User.objects.create_superuser(username="quantri", password=PASSWORD, email="")
    client = Client()
    with time_machine.travel(START, tick=False):
        statuses = fail(client, "quantri", 5, url=ADMIN_LOGIN)
        response = sign_in(client, "quantri", PASSWORD, url=ADMIN_LOGIN)

    assert statuses[:4] == [200, 200, 200, 200]
    assert statuses[4] == 429
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_citizens_sign_in_is_not_counted_by_the_officers_lock(agency):
    # Citizens have their own limit (motcua.portal); axes records nothing for their page.
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            Client().post(
                reverse("portal:citizen_login"),
                {"identifier": "0912345678", "password": "sai"},
                REMOTE_ADDR="203.0.113.7",
            )
        officer_page = fail(Client(), "0912345678", 1)

    assert AccessAttempt.objects.get().failures_since_start == 1
    assert AccessAttempt.objects.get().path_info == LOGIN
    assert officer_page == [200]


# Session timeout ------------------------------------------------------------------------------


def test_an_officers_session_ends_after_30_idle_minutes(officer):
    client = Client()
    home = reverse("dossiers:home")
    with time_machine.travel(START, tick=False):
        assert sign_in(client, "tiepnhan", PASSWORD).status_code == 302
    # Activity keeps the session alive: 29 minutes, then 29 more.
    with time_machine.travel(START + timedelta(minutes=29), tick=False):
        assert client.get(home).status_code == 200
    with time_machine.travel(START + timedelta(minutes=58), tick=False):
        assert client.get(home).status_code == 200
    with time_machine.travel(START + timedelta(minutes=88, seconds=30), tick=False):
        response = client.get(home)
        signed_in = "_auth_user_id" in client.session
        login_page = client.get(response["Location"])

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert not signed_in
    assert "Phiên làm việc đã kết thúc sau 30 phút không thao tác" in login_page.content.decode()


def test_the_timeout_follows_the_setting(officer, settings):
    settings.MOTCUA_OFFICER_SESSION_MINUTES = 5
    client = Client()
    with time_machine.travel(START, tick=False):
        sign_in(client, "tiepnhan", PASSWORD)
    with time_machine.travel(START + timedelta(minutes=6), tick=False):
        response = client.get(reverse("dossiers:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_citizens_session_is_not_cut_after_30_minutes(agency):
    User.objects.create_user(username="0912345678", password=PASSWORD)
    client = Client()
    with time_machine.travel(START, tick=False):
        response = client.post(
            reverse("portal:citizen_login"), {"identifier": "0912345678", "password": PASSWORD}
        )
        assert response.status_code == 302
    with time_machine.travel(START + timedelta(hours=5), tick=False):
        page = client.get(reverse("portal:my_dossiers"))
        signed_in = "_auth_user_id" in client.session

    assert page.status_code == 200
    assert signed_in


def test_sign_in_without_a_client_address_works(officer):
    # A Unix socket behind a proxy that is not trusted gives no address; the attempt log stores
    # none rather than failing (an IP column refuses "unknown" on PostgreSQL).
    client = Client()
    with time_machine.travel(START, tick=False):
        failed = sign_in(client, "tiepnhan", "sai", ip="")
        response = sign_in(client, "tiepnhan", PASSWORD, ip="")
    forced = Client()
    forced.force_login(officer)

    assert failed.status_code == 200
    assert response.status_code == 302
    assert forced.get(reverse("dossiers:home")).status_code == 200
