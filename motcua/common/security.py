"""Web hardening that settings alone cannot express (docs/security.md, "Web hardening").

- ContentSecurityPolicyMiddleware: django-csp's middleware plus the hashes of the few inline
  <style> blocks the templates keep on purpose, and frame-ancestors that follow the page's
  clickjacking decorator (the display board may be framed by a signage player, the kiosk ticket
  by the kiosk page itself, nothing else).
- OfficerSessionMiddleware: an officer's session ends after MOTCUA_OFFICER_SESSION_MINUTES
  without a request; citizens keep Django's session age.
- Officer sign-in throttling with django-axes: the backend, the "who is counted" rule and the
  lockout page.
- The second factor (django-otp, TOTP) for the roles in MOTCUA_OTP_REQUIRED_ROLES.
"""

import base64
import contextlib
import hashlib
import re
from functools import lru_cache

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django_otp import login as otp_login

from motcua.common.ratelimit import client_ip

# Templates whose <style> blocks are allowed by hash. Each keeps its CSS inline for a reason of
# its own (the rating page opens from an SMS on a slow phone: one request); a block with a
# template tag inside cannot be hashed and is simply not allowed.
INLINE_STYLE_TEMPLATES = (
    "ratings/_public.html",
    "portal/lookup_style.html",
    "portal/citizen/_style.html",
    "admin/change_list.html",  # Django admin, a change list without actions
)
# htmx 2 adds this <style> to <head> for its request indicators (htmx.config.includeIndicatorStyles).
HTMX_INDICATOR_STYLE = (
    ".htmx-indicator{opacity:0;visibility: hidden} "
    ".htmx-request .htmx-indicator, .htmx-request.htmx-indicator"
    "{opacity:1;visibility: visible;transition: opacity 200ms ease-in}"
)
_STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


@lru_cache(maxsize=1)
def inline_style_hashes() -> tuple[str, ...]:
    """CSP source expressions for the inline <style> blocks of INLINE_STYLE_TEMPLATES.

    Computed from the template files themselves, so editing the CSS keeps it allowed; a block
    holding a template tag renders differently from its source and is left out.
    """
    hashes = [csp_hash(HTMX_INDICATOR_STYLE)]
    for name in INLINE_STYLE_TEMPLATES:
        try:
            origin = get_template(name).origin.name
        except TemplateDoesNotExist:
            continue
        with open(origin, encoding="utf-8") as source:
            content = source.read()
        for block in _STYLE_BLOCK.findall(content):
            if "{%" not in block and "{{" not in block:
                hashes.append(csp_hash(block))
    return tuple(dict.fromkeys(hashes))


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        update = dict(parts.update or {})
        update["style-src"] = [*update.get("style-src", []), *inline_style_hashes()]
        parts.update = update
        replace = dict(parts.replace or {})
        if "frame-ancestors" not in replace:
            if getattr(response, "xframe_options_exempt", False):
                # The display board: framed by a signage player of any origin unless the operator
                # names the allowed ones (None drops the directive).
                replace["frame-ancestors"] = settings.MOTCUA_CSP_BOARD_FRAME_ANCESTORS or None
            elif response.get("X-Frame-Options", "").upper() == "SAMEORIGIN":
                replace["frame-ancestors"] = ["'self'"]
        parts.replace = replace
        return parts


# Officers' sessions -------------------------------------------------------------------------

OFFICER_SESSION_KEY = "motcua_officer_seen"  # epoch seconds of the session's last request
# The last-seen stamp is rewritten at most once a minute: most requests then leave the session
# untouched (no write), and the timeout is exact to the minute.
SEEN_RESOLUTION = 60


def _officer_login_paths() -> set[str]:
    paths = set()
    for name in ("login", "admin:login"):
        with contextlib.suppress(NoReverseMatch):
            paths.add(reverse(name))
    return paths


class OfficerSessionMiddleware:
    """Ends an officer's session after MOTCUA_OFFICER_SESSION_MINUTES without a request.

    A session is an officer's when it was opened at the officers' sign-in page or the admin's;
    citizens sign in at their own page and keep Django's session age. Must come after
    AuthenticationMiddleware and MessageMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = int(timezone.now().timestamp())
        limit = int(settings.MOTCUA_OFFICER_SESSION_MINUTES) * 60
        has_session = settings.SESSION_COOKIE_NAME in request.COOKIES
        seen = request.session.get(OFFICER_SESSION_KEY) if has_session else None
        if seen is not None:
            if now - int(seen) > limit:
                logout(request)
                messages.info(
                    request,
                    gettext(
                        "Phiên làm việc đã kết thúc sau %(minutes)d phút không thao tác. "
                        "Vui lòng đăng nhập lại."
                    )
                    % {"minutes": limit // 60},
                )
            elif now - int(seen) >= SEEN_RESOLUTION:
                self._mark(request, now, limit)
        response = self.get_response(request)
        if (
            request.method == "POST"
            and response.status_code == 302
            and request.path in _officer_login_paths()
            and request.user.is_authenticated
        ):
            self._mark(request, now, limit)
            if settings.MOTCUA_OTP_REQUIRED_ROLES:
                request.session[OTP_REQUIRED_KEY] = otp_required_for(request.user)
        return response

    @staticmethod
    def _mark(request, now: int, limit: int) -> None:
        request.session[OFFICER_SESSION_KEY] = now
        # The stored session (and its cookie) also expire, a minute after the timeout at most.
        request.session.set_expiry(limit + SEEN_RESOLUTION)


# Sign-in throttling (django-axes) ------------------------------------------------------------


class OfficerLoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' backend, skipped for authentications without a request (management
    commands, the test client's login): those are not sign-in attempts from the web."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def axes_client_ip(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the address the rate limits use (trusted proxies included), or
    None when there is none (a Unix socket, the test client's login): axes stores addresses in
    an IP column, which refuses anything else on PostgreSQL."""
    address = client_ip(request)
    return None if address == "unknown" else address


def axes_not_counted(request, credentials) -> bool:
    """AXES_WHITELIST_CALLABLE: only the officers' and the admin's sign-in pages are counted.

    Citizens' sign-in has its own limit per address (motcua.portal); counting it here as well
    would lock a citizen out for a quarter of an hour after a few typos.
    """
    return getattr(request, "path", None) not in _officer_login_paths()


def axes_lockout_response(request, original_response=None, credentials=None):
    """The officers' sign-in page with the lockout message, HTTP 429."""
    cool_off = get_cool_off(request)
    minutes = max(1, int(cool_off.total_seconds() // 60)) if cool_off else 0
    form = AuthenticationForm(request)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    return render(
        request,
        "registration/login.html",
        {"form": form, "locked_out": True, "lockout_minutes": minutes, "next": next_url},
        status=429,
    )


# Second factor (django-otp) ------------------------------------------------------------------

OTP_REQUIRED_KEY = "motcua_otp_required"  # decided once, at sign-in
SUPERUSER = "superuser"  # in MOTCUA_OTP_REQUIRED_ROLES: Django superusers too


def otp_required_for(user) -> bool:
    """Whether `user` must give a one-time code: a superuser when "superuser" is listed, an
    officer holding any listed role anywhere."""
    roles = set(settings.MOTCUA_OTP_REQUIRED_ROLES)
    if not roles or not user.is_authenticated:
        return False
    if SUPERUSER in roles and user.is_superuser:
        return True
    return user.memberships.filter(role__in=roles).exists()


class SecondFactorMiddleware:
    """Until an officer who needs a second factor has given a valid code, every page but the
    code page and sign-out sends them to the code page. After OTPMiddleware and
    OfficerSessionMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.MOTCUA_OTP_REQUIRED_ROLES
            and request.COOKIES.get(settings.SESSION_COOKIE_NAME)
            and request.session.get(OTP_REQUIRED_KEY)
            and request.user.is_authenticated
            and not request.user.is_verified()
            and request.path not in _second_factor_paths()
        ):
            return redirect_to_login(
                request.get_full_path(), reverse("otp_verify"), redirect_field_name="next"
            )
        return self.get_response(request)


def _second_factor_paths() -> set[str]:
    return {reverse("otp_verify"), reverse("logout")}


def otp_device_for(user):
    """The user's confirmed TOTP device, or the unconfirmed one being enrolled (created on first
    need); the second value says which."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is not None:
        return device, False
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="motcua", confirmed=False)
    return device, True


def otp_verify(*, request, device, token: str) -> bool:
    """Check a six-digit code against `device` (django-otp throttles repeated failures); on
    success an enrolling device becomes confirmed and the session is verified."""
    token = (token or "").strip().replace(" ", "")
    if not re.fullmatch(r"[0-9]{6}", token) or not device.verify_token(token):
        return False
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return True
