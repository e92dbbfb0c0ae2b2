"""The JSON API (django-ninja): one NinjaAPI, routers per domain, one error mapping."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from motcua.api.dossiers import router as dossiers_router
from motcua.api.lookup import router as lookup_router
from motcua.api.procedures import router as procedures_router
from motcua.api.schemas import ErrorOut, paging_error
from motcua.common.errors import DomainError

api = NinjaAPI(
    title="motcua API",
    version="1",
    description=_("API của hệ thống một cửa: tra cứu thủ tục, hồ sơ."),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


api.add_router("/procedures", procedures_router)
api.add_router("/lookup", lookup_router)
api.add_router("/dossiers", dossiers_router)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError):
    paging = paging_error(exc.errors)
    if paging is not None:
        return api.create_response(request, paging, status=400)
    return api.create_response(
        request,
        {
            "code": "invalid_input",
            "message": _("Dữ liệu gửi lên không hợp lệ."),
            "details": {"errors": exc.errors},
        },
        status=400,
    )


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(
        request,
        {"code": "unauthorized", "message": _("Cần đăng nhập hoặc mã truy cập hợp lệ.")},
        status=401,
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError):
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        # ninja's own (English) answer to a body that is not JSON.
        return api.create_response(
            request,
            {"code": "invalid_json", "message": _("Nội dung gửi lên không phải JSON hợp lệ.")},
            status=400,
        )
    return api.create_response(
        request, {"code": "http_error", "message": str(exc)}, status=exc.status_code
    )


@api.get("/health", response={200: dict, 400: ErrorOut}, tags=["system"], summary="Health check")
def health(request: HttpRequest) -> dict:
    return {"status": "ok"}
