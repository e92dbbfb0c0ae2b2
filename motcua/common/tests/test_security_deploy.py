"""Production settings (DJANGO_DEBUG=false) pass Django's deployment checks with no security
warning, and the headers and cookies they promise are sent."""

import os
import runpy
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

SETTINGS_FILE = Path(__file__).resolve().parents[3] / "config" / "settings.py"
PREFIXES = ("DJANGO_", "DATABASE_", "REDIS_", "MOTCUA_")
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "h3N9q-Zr7vLp2XcT8mWb4YkE6sDf1GjU0aQo5RtIyBnVxKlMz_Pe",
    "DJANGO_ALLOWED_HOSTS": "motcua.example.vn",
}
# What the checks and the headers depend on; the database and cache stay the test's own.
SECURITY_SETTINGS = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "MIDDLEWARE",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "CONTENT_SECURITY_POLICY",
)


@pytest.fixture
def production(monkeypatch):
    """The security settings a production environment (plus `extra`) produces."""

    def build(**extra: str) -> dict:
        for name in list(os.environ):
            if name.startswith(PREFIXES):
                monkeypatch.delenv(name)
        for name, value in {**PRODUCTION, **extra}.items():
            monkeypatch.setenv(name, value)
        values = runpy.run_path(str(SETTINGS_FILE))
        chosen = {name: values[name] for name in SECURITY_SETTINGS}
        chosen["SECURE_PROXY_SSL_HEADER"] = values.get("SECURE_PROXY_SSL_HEADER")
        return chosen

    return build


def deployment_warnings(settings: dict) -> list[str]:
    with override_settings(**settings):
        return sorted(
            message.id for message in run_checks(include_deployment_checks=True) if message.id
        )


def test_production_settings_raise_no_security_warning(production):
    settings = production()
    found = deployment_warnings(settings)

    assert [id for id in found if id.startswith(("security.", "csp.", "axes."))] == []
    # The deployment checks did run: the fake payment gateway's own warning is there (it goes
    # away when MOTCUA_PAYMENT_GATEWAY names a real gateway).
    assert "motcua.payments.W001" in found


def test_production_values(production):
    settings = production()

    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SECURE_HSTS_SECONDS"] == 31536000
    assert settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert settings["SECURE_HSTS_PRELOAD"] is True
    assert settings["SESSION_COOKIE_SECURE"] is settings["CSRF_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is settings["CSRF_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == settings["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert settings["SECURE_PROXY_SSL_HEADER"] is None  # not trusted unless said so


def test_switching_hsts_off_is_reported(production):
    settings = production(DJANGO_SECURE_HSTS_SECONDS="0", DJANGO_SECURE_SSL_REDIRECT="false")

    found = deployment_warnings(settings)

    assert "security.W004" in found
    assert "security.W008" in found


def test_laptop_settings_keep_http(production):
    settings = production(DJANGO_DEBUG="true")

    assert settings["SECURE_SSL_REDIRECT"] is False
    assert settings["SECURE_HSTS_SECONDS"] == 0
    assert settings["SESSION_COOKIE_SECURE"] is False


def test_behind_a_tls_proxy_the_forwarded_scheme_is_believed(production):
    settings = production(MOTCUA_BEHIND_TLS_PROXY="true")

    assert settings["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_the_form_action_names_the_real_gateway(production):
    settings = production(MOTCUA_CSP_FORM_ACTION="https://pay.example.vn, https://3ds.example.vn")

    assert settings["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["form-action"] == [
        "'self'",
        "https://pay.example.vn",
        "https://3ds.example.vn",
    ]


def test_production_answers_http_with_a_redirect_and_https_with_hsts(production):
    settings = production()
    settings.pop("SECURE_PROXY_SSL_HEADER")
    client = Client(HTTP_HOST="motcua.example.vn")
    with override_settings(**settings):
        plain = client.get("/dang-nhap/")
        secure = client.get("/dang-nhap/", secure=True)

    assert plain.status_code == 301
    assert plain["Location"] == "https://motcua.example.vn/dang-nhap/"
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert secure["X-Content-Type-Options"] == "nosniff"
    assert secure["Referrer-Policy"] == "same-origin"
    assert secure["Cross-Origin-Opener-Policy"] == "same-origin"
    assert secure["X-Frame-Options"] == "DENY"
    cookie = secure.cookies["csrftoken"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_the_session_cookie_is_secure_and_httponly_in_production(production, django_user_model):
    django_user_model.objects.create_user(username="tiepnhan", password="mật-khẩu-đúng-2026")
    settings = production()
    settings.pop("SECURE_PROXY_SSL_HEADER")
    client = Client(HTTP_HOST="motcua.example.vn")
    with override_settings(**settings):
        response = client.post(
            "/dang-nhap/",
            {"username": "tiepnhan", "password": "mật-khẩu-đúng-2026"},
            secure=True,
        )

    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
