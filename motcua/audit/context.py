"""Who is acting and from where, for the audit rows of services that take no `actor` argument.

The middleware puts the current request here for the duration of the request; the admin, the
officers' pages and the API then reach the catalog and organization services, which record the
request's user and address without each signature growing an actor. Commands and tasks run with
no request: their rows carry no actor (the system) unless a caller wraps them in `acting_as`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from motcua.common.ratelimit import client_ip


@dataclass(frozen=True)
class Acting:
    request: object | None = None
    user: object | None = None
    ip: str | None = None

    def actor(self):
        user = self.user
        if user is None and self.request is not None:
            user = getattr(self.request, "user", None)
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        return user

    def address(self) -> str | None:
        if self.ip is not None:
            return self.ip
        if self.request is not None:
            return client_ip(self.request) or None
        return None


_current: ContextVar[Acting | None] = ContextVar("motcua_audit_acting", default=None)


def current() -> Acting:
    return _current.get() or Acting()


@contextmanager
def acting_as(*, user=None, request=None, ip: str | None = None) -> Iterator[None]:
    token = _current.set(Acting(request=request, user=user, ip=ip))
    try:
        yield
    finally:
        _current.reset(token)


class AuditContextMiddleware:
    """Put after AuthenticationMiddleware: the user is read lazily, when a row is written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting_as(request=request):
            return self.get_response(request)
