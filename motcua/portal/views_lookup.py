"""Public dossier lookup pages: the form, and the status page the receipt's QR code opens.

Both answer the same 404 for an unknown, malformed or invisible code; the status page is
rate-limited per client (shared with the lookup API).
"""

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from motcua.common.errors import NotFound
from motcua.common.ratelimit import lookup_rate_limit_hit
from motcua.dossiers.public import MAX_CODE_LENGTH, dossier_public_status

# What the detail URL can carry; anything else cannot be a dossier code.
_URL_SAFE_CODE = re.compile(r"^[^/\s]+$")


def _not_found(request: HttpRequest, code: str) -> HttpResponse:
    return render(
        request,
        "portal/lookup_not_found.html",
        {"code": code[:MAX_CODE_LENGTH], "max_code_length": MAX_CODE_LENGTH},
        status=404,
    )


def lookup(request: HttpRequest) -> HttpResponse:
    """The form; a submitted code goes to its status page (the address a QR code holds)."""
    if "code" not in request.GET:
        return render(request, "portal/lookup.html", {"max_code_length": MAX_CODE_LENGTH})
    code = request.GET["code"].strip()
    if not code:
        return render(
            request,
            "portal/lookup.html",
            {"max_code_length": MAX_CODE_LENGTH, "error": _("Vui lòng nhập mã hồ sơ.")},
            status=400,
        )
    if len(code) > MAX_CODE_LENGTH or not _URL_SAFE_CODE.match(code):
        return _not_found(request, code)
    return redirect("portal:lookup_detail", code=code)


def lookup_detail(request: HttpRequest, code: str) -> HttpResponse:
    decision = lookup_rate_limit_hit(request)
    if not decision.allowed:
        response = render(
            request,
            "portal/lookup_rate_limited.html",
            {"retry_after": decision.retry_after},
            status=429,
        )
        response["Retry-After"] = str(decision.retry_after)
        return response
    try:
        status = dossier_public_status(code=code)
    except NotFound:
        return _not_found(request, code)
    # The history's times written once here: the template's date filter per line cost more
    # than the rest of the page on long histories.
    for item in status["history"]:
        item["at_iso"] = item["at"].isoformat()
        item["at_text"] = f"{item['at']:%d/%m/%Y %H:%M}"
    return render(
        request,
        "portal/lookup_detail.html",
        {"dossier": status, "max_code_length": MAX_CODE_LENGTH},
    )
