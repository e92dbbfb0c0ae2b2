"""Domain errors: a stable code for API clients, a translated message for people.

Services raise these; one handler per interface (API, views, commands) maps them to a 4xx or an
exit status. "Not yours" and "does not exist" are the same NotFound.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    default_code = "invalid"
    default_message = _("Yêu cầu không hợp lệ.")

    def __init__(self, message=None, *, code: str | None = None, details: dict | None = None):
        self.code = code or self.default_code
        self.message = message if message is not None else self.default_message
        self.details = details or {}
        super().__init__(str(self.message))

    def as_dict(self) -> dict:
        payload = {"code": self.code, "message": str(self.message)}
        if self.details:
            payload["details"] = self.details
        return payload


class InvalidInput(DomainError):
    status = 400
    default_code = "invalid_input"


class NotFound(DomainError):
    status = 404
    default_code = "not_found"
    default_message = _("Không tìm thấy.")


class Forbidden(DomainError):
    status = 403
    default_code = "forbidden"
    default_message = _("Bạn không có quyền thực hiện thao tác này.")


class Conflict(DomainError):
    status = 409
    default_code = "conflict"
