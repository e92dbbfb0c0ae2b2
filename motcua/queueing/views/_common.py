"""What the queue's pages share: public screens answer a domain error with a page of their own
(kiosk, board, ticket), officers' pages use the officers' layout and sign-in."""

from functools import wraps

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from motcua.common.errors import DomainError
from motcua.dossiers.views._common import officer_view

__all__ = ["officer_view", "public_view", "wants_json"]

ERROR_TITLES = {
    400: gettext_lazy("Yêu cầu không hợp lệ"),
    403: gettext_lazy("Không có quyền"),
    404: gettext_lazy("Không tìm thấy"),
    409: gettext_lazy("Không thực hiện được"),
    429: gettext_lazy("Quá nhiều yêu cầu"),
}


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def error_response(request: HttpRequest, error: DomainError) -> HttpResponse:
    status = error.status if error.status in ERROR_TITLES else 400
    if wants_json(request):
        return JsonResponse(error.as_dict(), status=status)
    return render(
        request,
        "queueing/error.html",
        {"title": ERROR_TITLES[status], "message": error.message, "status": status},
        status=status,
    )


def public_view(view):
    """No sign-in; a domain error becomes its status with a Vietnamese message (JSON for the
    kiosk's script), never a 500."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            return error_response(request, error)

    return wrapper
