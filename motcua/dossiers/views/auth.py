"""The second sign-in step: a one-time code from an authenticator app (TOTP), for the roles in
MOTCUA_OTP_REQUIRED_ROLES. The first time, the page shows the QR code to enrol the app."""

from base64 import b32encode

import segno
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.common.security import otp_device_for, otp_verify


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify_page(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if request.user.is_verified():
        return redirect(next_url or "dossiers:home")
    device, enrolling = otp_device_for(request.user)
    error, status = "", 200
    if request.method == "POST":
        if otp_verify(request=request, device=device, token=request.POST.get("token", "")):
            return redirect(next_url or "dossiers:home")
        error = _("Mã xác thực không đúng hoặc đã hết hạn. Vui lòng nhập mã mới trên ứng dụng.")
        status = 400
    context = {"enrolling": enrolling, "error": error, "next": next_url}
    if enrolling:
        qr = segno.make(device.config_url, error="m")
        # segno writes only the modules of the encoded matrix, never the text itself.
        context["qr"] = mark_safe(qr.svg_inline(scale=4, border=2, svgclass="qr-code"))  # noqa: S308
        secret = b32encode(device.bin_key).decode("ascii")
        context["secret"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return render(request, "registration/otp_verify.html", context, status=status)
