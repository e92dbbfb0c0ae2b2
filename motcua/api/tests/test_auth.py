"""Who may call the officers' API: bearer tokens (made, used, revoked, expired), the browser
session with its CSRF check, the admin and the api_token command."""

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from motcua.api.admin import ApiTokenAdmin
from motcua.api.management.commands.api_token import Command
from motcua.api.models import ApiToken
from motcua.api.services import api_token_create, api_token_revoke, api_token_verify
from motcua.common.errors import Conflict, InvalidInput
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.tests.factories import HKD, build_office, demo_procedure, local, receive
from motcua.organizations.models import User

pytestmark = pytest.mark.django_db

MONDAY_MORNING = local(2026, 3, 2, 8, 0)
WORKLIST = "/api/v1/dossiers?kind=department"
UNAUTHORIZED = {"code": "unauthorized", "message": "Cần đăng nhập hoặc mã truy cập hợp lệ."}
CSRF_SECRET = "abcdefghijklmnopqrstuvwxyzABCDEF"  # 32 characters: a well-formed CSRF cookie


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def officer(db):
    return User.objects.create_user(username="chuyenvien", password="mật-khẩu-thử-2026")


def bearer(secret: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {secret}"})


# --- tokens -------------------------------------------------------------------------------------


def test_a_new_token_keeps_only_the_prefix_and_the_digest_of_its_secret(officer, clock):
    token, secret = api_token_create(user=officer, name="Đồng bộ cổng dịch vụ công tỉnh")

    token.refresh_from_db()
    assert len(secret) == 43
    assert token.key_prefix == secret[:8]
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert (token.name, token.user, token.created_at) == (
        "Đồng bộ cổng dịch vụ công tỉnh",
        officer,
        MONDAY_MORNING,
    )
    assert (token.last_used_at, token.expires_at, token.revoked_at) == (None, None, None)
    stored = [str(getattr(token, f.attname)) for f in ApiToken._meta.concrete_fields]
    assert not any(secret in value for value in stored)


def test_two_tokens_never_share_a_secret(officer):
    first = api_token_create(user=officer, name="a")[1]
    second = api_token_create(user=officer, name="b")[1]

    assert first != second


def test_a_valid_token_opens_the_api_and_records_its_use(officer, clock):
    token, secret = api_token_create(user=officer, name="tích hợp")

    response = bearer(secret).get(WORKLIST)

    assert response.status_code == 200
    assert response.json() == {"count": 0, "items": []}
    token.refresh_from_db()
    assert token.last_used_at == MONDAY_MORNING


def test_last_used_at_moves_at_most_once_a_minute(officer, clock):
    token, secret = api_token_create(user=officer, name="tích hợp")
    client = bearer(secret)

    client.get(WORKLIST)
    clock.shift(timedelta(seconds=59))
    client.get(WORKLIST)
    token.refresh_from_db()
    within_the_minute = token.last_used_at
    clock.shift(timedelta(seconds=1))
    client.get(WORKLIST)
    token.refresh_from_db()

    assert within_the_minute == MONDAY_MORNING
    assert token.last_used_at == MONDAY_MORNING + timedelta(minutes=1)


def test_no_credentials_is_a_401(client):
    response = client.get(WORKLIST)

    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


@pytest.mark.parametrize(
    "header",
    [
        "Bearer ",
        "Bearer không-phải-mã",
        "Bearer " + "x" * 500,
        "Bearer abcdefgh\x00",
        "Token abc",
    ],
)
def test_a_malformed_or_unknown_token_is_a_401(officer, header):
    api_token_create(user=officer, name="tích hợp")

    response = Client(headers={"Authorization": header}).get(WORKLIST)

    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_a_token_with_the_right_prefix_and_a_wrong_rest_is_a_401(officer):
    _token, secret = api_token_create(user=officer, name="tích hợp")
    forged = secret[:8] + ("A" if secret[8] != "A" else "B") + secret[9:]

    response = bearer(forged).get(WORKLIST)

    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_a_revoked_token_is_a_401_and_cannot_be_revoked_twice(officer, clock):
    token, secret = api_token_create(user=officer, name="tích hợp")

    api_token_revoke(token=token)
    response = bearer(secret).get(WORKLIST)

    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED
    token.refresh_from_db()
    assert token.revoked_at == MONDAY_MORNING
    with pytest.raises(Conflict) as again:
        api_token_revoke(token=token)
    assert again.value.code == "token_already_revoked"


def test_a_token_works_until_it_expires(officer, clock):
    _token, secret = api_token_create(
        user=officer, name="tích hợp", expires_at=MONDAY_MORNING + timedelta(hours=1)
    )
    client = bearer(secret)

    before = client.get(WORKLIST)
    clock.shift(timedelta(hours=1))
    at_expiry = client.get(WORKLIST)

    assert before.status_code == 200
    assert at_expiry.status_code == 401
    assert at_expiry.json() == UNAUTHORIZED


def test_the_token_of_a_deactivated_user_is_a_401(officer):
    _token, secret = api_token_create(user=officer, name="tích hợp")
    officer.is_active = False
    officer.save(update_fields=["is_active"])

    response = bearer(secret).get(WORKLIST)

    assert response.status_code == 401
    assert api_token_verify(secret=secret) is None


def test_an_invalid_token_is_refused_even_with_a_signed_in_session(officer):
    client = Client(headers={"Authorization": "Bearer sai-ma"})
    client.force_login(officer)

    response = client.get(WORKLIST)

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"name": "  "}, "name_required"),
        ({"name": "x" * 101}, "name_too_long"),
        ({"expires_at": MONDAY_MORNING}, "invalid_expires_at"),
        ({"expires_at": MONDAY_MORNING.replace(tzinfo=None) + timedelta(days=1)}, "invalid_expires_at"),
    ],
)  # fmt: skip
def test_a_token_needs_a_name_and_a_future_expiry(officer, clock, changes, code):
    with pytest.raises(InvalidInput) as error:
        api_token_create(**{"user": officer, "name": "tích hợp", **changes})

    assert error.value.code == code
    assert ApiToken.objects.count() == 0


def test_no_token_for_a_deactivated_user(officer):
    officer.is_active = False
    officer.save(update_fields=["is_active"])

    with pytest.raises(InvalidInput) as error:
        api_token_create(user=officer, name="tích hợp")

    assert error.value.code == "user_inactive"
    assert str(error.value.message) == "Tài khoản chuyenvien đã bị khóa."


# --- the browser session ------------------------------------------------------------------------


@pytest.fixture
def office_dossier(db, clock):
    office = build_office()
    return office, receive(office, demo_procedure(HKD))


def test_a_signed_in_officer_reads_with_the_session(office_dossier):
    office, dossier = office_dossier
    client = Client()
    client.force_login(office.reception)

    response = client.get(f"/api/v1/dossiers/{dossier.code}")

    assert response.status_code == 200
    assert response.json()["code"] == dossier.code


def test_a_session_post_needs_the_csrf_token(office_dossier):
    office, dossier = office_dossier
    client = Client(enforce_csrf_checks=True)
    client.force_login(office.reception)
    url = f"/api/v1/dossiers/{dossier.code}/actions/forward"

    refused = client.post(url, {"note": ""}, content_type="application/json")
    events_after_refusal = DossierEvent.objects.filter(dossier=dossier).count()
    client.cookies["csrftoken"] = CSRF_SECRET
    accepted = client.post(
        url, {"note": ""}, content_type="application/json", headers={"X-CSRFToken": CSRF_SECRET}
    )

    assert refused.status_code == 403
    assert refused.json() == {
        "code": "csrf_failed",
        "message": "Thiếu hoặc sai mã chống giả mạo yêu cầu (CSRF). Hãy tải lại trang.",
    }
    assert events_after_refusal == 1
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "processing"


def test_a_token_call_needs_no_csrf_token(office_dossier):
    office, dossier = office_dossier
    _token, secret = api_token_create(user=office.reception, name="tích hợp")
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {secret}"})

    response = client.post(
        f"/api/v1/dossiers/{dossier.code}/actions/forward", {}, content_type="application/json"
    )

    assert response.status_code == 200


def test_the_session_of_a_deactivated_officer_is_a_401(office_dossier):
    office, dossier = office_dossier
    client = Client()
    client.force_login(office.reception)
    office.reception.is_active = False
    office.reception.save(update_fields=["is_active"])

    response = client.get(f"/api/v1/dossiers/{dossier.code}")

    assert response.status_code == 401


# --- the admin ----------------------------------------------------------------------------------


@pytest.fixture
def admin_client(db):
    admin = User.objects.create_superuser(username="quantri", password="mật-khẩu-thử-2026")
    client = Client()
    client.force_login(admin)
    return client


def test_the_admin_creates_a_token_and_shows_the_secret_once(admin_client, officer, clock):
    response = admin_client.post(
        reverse("admin:api_apitoken_add"),
        {"user": officer.pk, "name": "Kết nối phần mềm kế toán", "expires_at_0": "", "expires_at_1": ""},
        follow=True,
    )  # fmt: skip

    assert response.status_code == 200
    token = ApiToken.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 2  # the secret, then the admin's own "added" message
    secret = shown[0].split(": ")[1].split(" — ")[0]
    assert shown[0] == (
        f"Mã truy cập cho chuyenvien: {secret} — hãy sao chép và lưu ngay, mã này sẽ không "
        "được hiển thị lại."
    )
    assert api_token_verify(secret=secret) == token
    assert token.name == "Kết nối phần mềm kế toán"
    page = admin_client.get(reverse("admin:api_apitoken_change", args=[token.pk]))
    assert secret not in page.content.decode()
    assert token.key_prefix in page.content.decode()


def test_the_admin_refuses_a_past_expiry(admin_client, officer, clock):
    response = admin_client.post(
        reverse("admin:api_apitoken_add"),
        {"user": officer.pk, "name": "x", "expires_at_0": "01/03/2026", "expires_at_1": "08:00"},
    )

    assert response.status_code == 200
    assert "Thời điểm hết hạn phải ở tương lai." in response.content.decode()
    assert ApiToken.objects.count() == 0


def test_the_admin_lists_and_revokes_tokens(admin_client, officer, clock):
    token, _secret = api_token_create(user=officer, name="tích hợp")
    old, _old_secret = api_token_create(user=officer, name="cũ")
    api_token_revoke(token=old)

    listing = admin_client.get(reverse("admin:api_apitoken_changelist"))
    response = admin_client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk, old.pk]},
        follow=True,
    )

    assert token.key_prefix in listing.content.decode()
    assert [str(m) for m in response.context["messages"]] == ["Đã thu hồi 1 mã truy cập."]
    token.refresh_from_db()
    assert token.revoked_at == MONDAY_MORNING
    assert ApiTokenAdmin(ApiToken, site).has_delete_permission(None) is False


# --- the command --------------------------------------------------------------------------------


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("api_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_no_secret_starts_with_a_dash_so_its_prefix_is_never_read_as_an_option(
    officer, monkeypatch
):
    drawn = iter(["-startsWithADash" * 3, "plainSecretValue" * 3])
    monkeypatch.setattr("motcua.api.services.secrets.token_urlsafe", lambda n: next(drawn))
    token, secret = api_token_create(user=officer, name="Đồng bộ")
    assert secret == "plainSecretValue" * 3
    assert not token.key_prefix.startswith("-")


def test_the_command_prints_the_secret_once_and_revokes_by_prefix(officer, clock):
    out, err = run("create", "--user", "chuyenvien", "--name", "Đồng bộ", "--expires", "2026-12-31")
    secret = out.strip()
    token = ApiToken.objects.get()

    assert out == secret + "\n"
    assert err == (
        f"Đã tạo mã {token.key_prefix}… cho chuyenvien. Mã bí mật chỉ in ra một lần: hãy lưu "
        "ngay.\n"
    )
    assert api_token_verify(secret=secret) == token
    assert token.expires_at == local(2026, 12, 31, 23, 59, 59)

    listed, _ = run("list")
    revoked, _ = run("revoke", token.key_prefix)

    assert listed == (
        f"{token.key_prefix}\tchuyenvien\tĐồng bộ\t2026-03-02 08:00\t2026-03-02 08:00\t"
        "2026-12-31 23:59\tcòn hiệu lực\n"
    )
    assert revoked == f"Đã thu hồi mã {token.key_prefix}… (Đồng bộ) của chuyenvien.\n"
    assert api_token_verify(secret=secret) is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "--user", "khong-co", "--name", "x"], "Không tìm thấy tài khoản «khong-co»."),
        (["create", "--user", "chuyenvien", "--name", " "], "Hãy đặt tên gợi nhớ cho mã truy cập."),
        (
            ["create", "--user", "chuyenvien", "--name", "x", "--expires", "2026-02-30"],
            "Thời điểm hết hạn không hợp lệ: «2026-02-30». Dùng dạng 2027-01-31.",
        ),
        (["revoke", "ZZZZZZZZ"], "Không có mã truy cập nào có tiền tố «ZZZZZZZZ»."),
        (["create", "--user", "chuyenvien"], "Tham số không hợp lệ"),
        (["xoa"], "Tham số không hợp lệ"),
    ],
)
def test_the_command_refuses_bad_arguments_with_status_2(officer, args, message):
    with pytest.raises(CommandError) as error:
        run(*args)

    assert error.value.returncode == 2
    assert message in str(error.value)
    assert ApiToken.objects.count() == 0


def test_from_the_command_line_an_unknown_user_is_one_line_and_exit_2(capsys, officer):
    with pytest.raises(SystemExit) as exit_:
        Command().run_from_argv(
            ["motcua", "api_token", "create", "--user", "khong-co", "--name", "x"]
        )

    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "Không tìm thấy tài khoản «khong-co».\n"
