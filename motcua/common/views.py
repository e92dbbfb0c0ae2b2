"""Project-wide error pages: an API client gets the API's JSON error body, a browser the page."""

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception=None):
    """404 for an address no URL pattern matches (or a view's Http404)."""
    if _wants_json(request):
        return JsonResponse(
            {"code": "not_found", "message": _("Không tìm thấy địa chỉ yêu cầu.")}, status=404
        )
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest):
    if _wants_json(request):
        return JsonResponse(
            {"code": "server_error", "message": _("Lỗi hệ thống; vui lòng thử lại sau.")},
            status=500,
        )
    return defaults.server_error(request)
