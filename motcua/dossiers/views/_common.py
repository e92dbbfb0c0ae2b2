"""What every officers' page shares: who may open it and how domain errors become pages."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.common.errors import DomainError, Forbidden
from motcua.organizations.models import Membership

ERROR_TITLES = {
    400: gettext_lazy("Yêu cầu không hợp lệ"),
    403: gettext_lazy("Không có quyền"),
    404: gettext_lazy("Không tìm thấy"),
    409: gettext_lazy("Không thực hiện được"),
}


def error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    status = error.status if error.status in ERROR_TITLES else 400
    return render(
        request,
        "dossiers/error.html",
        {"title": ERROR_TITLES[status], "message": error.message, "status": status},
        status=status,
    )


def _is_officer(user) -> bool:
    return user.is_superuser or Membership.objects.filter(user=user).exists()


def officer_view(view):
    """Signed in (else the sign-in page), an officer (else 403), and any domain error raised by
    the view answered with its status and Vietnamese message instead of a 500."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            if not _is_officer(request.user):
                raise Forbidden(
                    _("Trang này dành cho cán bộ; tài khoản của bạn chưa được giao vai trò nào."),
                    code="not_an_officer",
                )
            return view(request, *args, **kwargs)
        except DomainError as error:
            return error_page(request, error)

    return wrapper
