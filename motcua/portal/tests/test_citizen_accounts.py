"""Citizen accounts: registration by email or phone, the email link, sign-in throttling, profile."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from motcua.organizations.models import User
from motcua.portal.citizen_services import citizen_email_token, citizen_may_submit
from motcua.portal.models import CitizenProfile
from motcua.portal.tests.citizen_helpers import PASSWORD, make_citizen

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def register(client, identifier, password=PASSWORD, password2=None, name="Trần Thị Bình"):
    return client.post(
        reverse("portal:citizen_register"),
        {
            "identifier": identifier,
            "full_name": name,
            "password1": password,
            "password2": password if password2 is None else password2,
        },
    )


def test_email_registration_creates_an_unverified_account_and_mails_the_link(
    django_capture_on_commit_callbacks,
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, "  Binh.Tran@Example.VN ")

    assert response.status_code == 200
    user = User.objects.get()
    assert user.username == "binh.tran@example.vn"
    assert user.email == "binh.tran@example.vn"
    assert user.check_password(PASSWORD)
    assert CitizenProfile.objects.get(user=user).email_verified_at is None
    assert citizen_may_submit(user=user) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["binh.tran@example.vn"]
    link = re.search(r"http://testserver(/xac-minh-email/\S+/)", mail.outbox[0].body).group(1)

    verified = client.get(link)

    assert verified.status_code == 200
    assert "Đã xác minh địa chỉ binh.tran@example.vn" in verified.content.decode()
    assert CitizenProfile.objects.get(user=user).email_verified_at is not None
    assert citizen_may_submit(user=user) is True


def test_phone_registration_normalizes_the_number_and_may_submit_without_a_mail(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(Client(), "+84 912 345 678")

    assert response.status_code == 200
    user = User.objects.get()
    assert (user.username, user.phone, user.email) == ("0912345678", "0912345678", "")
    assert mail.outbox == []
    assert citizen_may_submit(user=user) is True


@pytest.mark.parametrize(
    ("identifier", "password", "password2", "message"),
    [
        ("abc", PASSWORD, None, "Nhập thư điện tử hoặc số điện thoại di động 10 chữ số"),
        ("binh@example.vn", PASSWORD, "khac-hoan-toan-99", "Hai mật khẩu không khớp."),
        ("binh@example.vn", "12345678", None, "Mật khẩu không được chỉ gồm chữ số."),
        ("binh@example.vn", "ab1", None, "Mật khẩu phải có ít nhất 8 ký tự."),
    ],
)
def test_bad_registration_is_a_400_with_its_message_and_no_account(
    identifier, password, password2, message
):
    response = register(Client(), identifier, password, password2)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.count() == 0


def test_a_second_account_with_the_same_email_is_refused():
    make_citizen("binh@example.vn")

    response = register(Client(), "BINH@example.vn")

    assert response.status_code == 400
    assert "Đã có tài khoản với thư điện tử hoặc số điện thoại này." in response.content.decode()
    assert User.objects.count() == 1


def test_registration_is_rate_limited_per_client(settings):
    settings.MOTCUA_REGISTER_RATE = 2
    client = Client()
    register(client, "a1@example.vn")
    register(client, "a2@example.vn")

    response = register(client, "a3@example.vn")

    assert response.status_code == 429
    assert "Bạn thao tác quá nhiều lần" in response.content.decode()
    assert sorted(User.objects.values_list("username", flat=True)) == [
        "a1@example.vn",
        "a2@example.vn",
    ]


def test_a_verification_link_older_than_three_days_is_refused():
    user = make_citizen("binh@example.vn", verified=False)
    with time_machine.travel(timezone.now() - timedelta(days=3, minutes=1)):
        token = citizen_email_token(user=user)

    response = Client().get(reverse("portal:citizen_verify_email", args=[token]))

    assert response.status_code == 400
    assert "Đường dẫn xác minh đã hết hạn" in response.content.decode()
    assert CitizenProfile.objects.get(user=user).email_verified_at is None


def test_a_forged_verification_link_is_refused():
    user = make_citizen("binh@example.vn", verified=False)
    token = citizen_email_token(user=user)
    forged = token.replace(f"{user.pk}:", f"{user.pk + 1}:", 1)

    response = Client().get(reverse("portal:citizen_verify_email", args=[forged]))

    assert response.status_code == 400
    assert "Đường dẫn xác minh không hợp lệ." in response.content.decode()


def login(client, identifier, password, next_url=""):
    return client.post(
        reverse("portal:citizen_login"),
        {"identifier": identifier, "password": password, "next": next_url},
    )


def test_login_with_email_or_phone_goes_to_my_dossiers():
    make_citizen("binh@example.vn")
    make_citizen("0987654321")

    by_email = login(Client(), "Binh@Example.vn", PASSWORD)
    by_phone = login(Client(), "0987 654 321", PASSWORD, next_url="/tai-khoan/")

    assert by_email.status_code == 302
    assert by_email["Location"] == reverse("portal:my_dossiers")
    assert by_phone.status_code == 302
    assert by_phone["Location"] == "/tai-khoan/"


def test_login_never_redirects_off_site():
    make_citizen("binh@example.vn")

    response = login(Client(), "binh@example.vn", PASSWORD, next_url="https://evil.example/")

    assert response["Location"] == reverse("portal:my_dossiers")


def test_five_failures_lock_the_account_for_fifteen_minutes_even_with_the_right_password():
    make_citizen("binh@example.vn")
    for _attempt in range(5):
        failed = login(Client(REMOTE_ADDR="10.0.0.1"), "binh@example.vn", "sai-mat-khau")
        assert failed.status_code == 400
        assert "mật khẩu không đúng" in failed.content.decode()

    # Another client, the right password: the account is locked.
    locked = login(Client(REMOTE_ADDR="10.0.0.2"), "binh@example.vn", PASSWORD)

    assert locked.status_code == 429
    assert (
        "Bạn đã đăng nhập sai quá 5 lần. Vui lòng thử lại sau 15 phút." in locked.content.decode()
    )
    assert "_auth_user_id" not in locked.wsgi_request.session

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        cache.clear()  # the local-memory cache expires by the wall clock; the window is over
        assert login(Client(REMOTE_ADDR="10.0.0.2"), "binh@example.vn", PASSWORD).status_code == 302


def test_five_failures_from_one_client_lock_that_client_for_every_account():
    make_citizen("binh@example.vn")
    client = Client(REMOTE_ADDR="10.0.0.9")
    for number in range(5):
        login(client, f"khong-co-{number}@example.vn", "sai-mat-khau")

    response = login(client, "binh@example.vn", PASSWORD)

    assert response.status_code == 429
    assert login(Client(REMOTE_ADDR="10.0.0.10"), "binh@example.vn", PASSWORD).status_code == 302


def test_four_failures_still_let_the_right_password_in():
    make_citizen("binh@example.vn")
    client = Client()
    for _attempt in range(4):
        login(client, "binh@example.vn", "sai-mat-khau")

    assert login(client, "binh@example.vn", PASSWORD).status_code == 302


def test_citizen_pages_send_an_anonymous_visitor_to_the_citizen_login():
    response = Client().get(reverse("portal:my_dossiers"))

    assert response.status_code == 302
    assert response["Location"] == "/dang-nhap-cong-dan/?next=/ho-so-cua-toi/"


def test_profile_is_saved_and_bad_identity_number_refused():
    user = make_citizen("binh@example.vn")
    client = Client()
    client.force_login(user)
    data = {
        "full_name": "Trần Thị Bình",
        "id_number": "001190000111",
        "birth_date": "1991-02-03",
        "address": "Tổ 5, phường Minh Xuân",
        "phone": "0988000111",
    }

    saved = client.post(reverse("portal:citizen_profile"), data)
    refused = client.post(reverse("portal:citizen_profile"), {**data, "id_number": "12AB"})

    assert saved.status_code == 200
    assert refused.status_code == 400
    assert "Số định danh/CCCD chỉ gồm chữ số." in refused.content.decode()
    profile = CitizenProfile.objects.get(user=user)
    assert (profile.full_name, profile.id_number, str(profile.birth_date)) == (
        "Trần Thị Bình",
        "001190000111",
        "1991-02-03",
    )


def test_forms_refuse_a_post_without_csrf_token():
    user = make_citizen("binh@example.vn")
    client = Client(enforce_csrf_checks=True)

    assert login(client, "binh@example.vn", PASSWORD).status_code == 403
    assert register(client, "moi@example.vn").status_code == 403
    client.force_login(user)
    assert client.post(reverse("portal:citizen_profile"), {"full_name": "X"}).status_code == 403
    assert User.objects.count() == 1
