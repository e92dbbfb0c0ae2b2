"""Who calls the officers' API: a bearer token (scripts, other systems) or the officer's browser
session (pages calling the API), each answering 401 {"code": "unauthorized"} when missing or
invalid."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from motcua.api.services import api_token_verify
from motcua.common.errors import Forbidden


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <secret>`."""

    def authenticate(self, request: HttpRequest, token: str):
        verified = api_token_verify(secret=token)
        if verified is None:
            # A token that was presented and is not valid is refused outright, even if the
            # request also carries a session: the caller meant to use the token.
            raise AuthenticationError()
        request.user = verified.user
        request.api_token = verified
        return verified.user


class OfficerSessionAuth(SessionAuth):
    """Django's session, with the CSRF check as ninja does it (SessionAuth/APIKeyCookie), but
    only when a session actually signs the request in: a client without any session gets 401,
    not a CSRF refusal, and a failed check answers in Vietnamese."""

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise Forbidden(
                _("Thiếu hoặc sai mã chống giả mạo yêu cầu (CSRF). Hãy tải lại trang."),
                code="csrf_failed",
            )
        return user


api_token_auth = ApiTokenAuth()
officer_session_auth = OfficerSessionAuth()
# Tried in order: a bearer token first, then the browser session.
officer_auth = [api_token_auth, officer_session_auth]
