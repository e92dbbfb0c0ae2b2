"""Citizen accounts: registration, the email verification link, sign-in and sign-out, profile.

Citizens sign in at /dang-nhap-cong-dan/ (officers keep /dang-nhap/): citizen pages send an
anonymous visitor there and come back to where they were.
"""

from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.common.errors import DomainError
from motcua.common.ratelimit import client_ip, rate_limit_hit
from motcua.portal.citizen_services import (
    citizen_authenticate,
    citizen_may_submit,
    citizen_profile_get,
    citizen_profile_update,
    citizen_register,
    citizen_verify_email,
    registration_rate_limit_hit,
)
from motcua.portal.forms_citizen import LoginForm, ProfileForm, RegistrationForm

LOGIN_URL = "portal:citizen_login"
citizen_required = login_required(login_url=LOGIN_URL)


def _too_many(request: HttpRequest, template: str, context: dict, retry_after: int):
    context["error"] = _("Bạn thao tác quá nhiều lần. Vui lòng thử lại sau ít phút.")
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    template = "portal/citizen/register.html"
    if request.method == "GET":
        return render(request, template, {"form": RegistrationForm()})
    form = RegistrationForm(request.POST)
    decision = registration_rate_limit_hit(request=request)
    if not decision.allowed:
        return _too_many(request, template, {"form": form}, decision.retry_after)
    if not form.is_valid():
        return render(request, template, {"form": form}, status=400)
    try:
        user = citizen_register(
            identifier=form.cleaned_data["identifier"],
            password=form.cleaned_data["password1"],
            full_name=form.cleaned_data["full_name"],
            base_url=request.build_absolute_uri("/"),
        )
    except DomainError as exc:
        form.add_error(None, str(exc.message))
        return render(request, template, {"form": form}, status=exc.status)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return render(request, "portal/citizen/registered.html", {"account": user})


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = citizen_verify_email(token=token)
    except DomainError as exc:
        return render(
            request, "portal/citizen/verified.html", {"error": exc.message}, status=exc.status
        )
    return render(request, "portal/citizen/verified.html", {"account": user})


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@require_http_methods(["GET", "POST"])
def citizen_login(request: HttpRequest) -> HttpResponse:
    template = "portal/citizen/login.html"
    if request.method == "GET":
        return render(request, template, {"form": LoginForm(), "next": _next_url(request)})
    form = LoginForm(request.POST)
    context = {"form": form, "next": _next_url(request)}
    decision = rate_limit_hit(scope="citizen_login", key=client_ip(request), limit=30, window=60)
    if not decision.allowed:
        return _too_many(request, template, context, decision.retry_after)
    if not form.is_valid():
        return render(request, template, context, status=400)
    try:
        user = citizen_authenticate(
            request=request,
            identifier=form.cleaned_data["identifier"],
            password=form.cleaned_data["password"],
        )
    except DomainError as exc:
        context["error"] = exc.message
        status = 429 if exc.code == "login_locked" else exc.status
        return render(request, template, context, status=status)
    login(request, user)
    return redirect(context["next"] or "portal:my_dossiers")


@require_POST
def citizen_logout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:home")


@citizen_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    template = "portal/citizen/profile.html"
    current = citizen_profile_get(user=request.user)
    context = {"verified": citizen_may_submit(user=request.user), "profile": current}
    if request.method == "GET":
        initial = {
            field: getattr(current, field)
            for field in ("full_name", "id_number", "birth_date", "address", "phone")
        }
        context["form"] = ProfileForm(initial=initial)
        return render(request, template, context)
    form = ProfileForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        return render(request, template, context, status=400)
    try:
        citizen_profile_update(user=request.user, **form.cleaned_data)
    except DomainError as exc:
        form.add_error(None, str(exc.message))
        return render(request, template, context, status=exc.status)
    context["saved"] = True
    return render(request, template, context)
