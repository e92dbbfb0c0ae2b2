"""What every router of the API shares: the error body and paging bounds."""

from django.utils.translation import gettext as _
from ninja import Query, Schema

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# Past this an OFFSET is no paging any client does, and the databases reject huge values.
MAX_OFFSET = 1_000_000_000


class ErrorOut(Schema):
    code: str
    message: str
    details: dict | None = None


def limit_query(description):
    """The `limit` parameter: its bounds are in the OpenAPI document and checked by ninja."""
    return Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=description)


def offset_query(description):
    return Query(0, ge=0, le=MAX_OFFSET, description=description)


_BOUND_ERRORS = ("greater_than_equal", "less_than_equal")


def paging_error(errors: list[dict]) -> dict | None:
    """The stable error of a request whose only fault is a paging parameter out of bounds
    (`invalid_limit` / `invalid_offset`, as the API has always answered), else None."""
    if any(error.get("type") not in _BOUND_ERRORS for error in errors):
        return None  # not a number at all, or another parameter: the general answer
    names = {str(error.get("loc", ("",))[-1]) for error in errors}
    if names == {"limit"}:
        return {
            "code": "invalid_limit",
            "message": _("Tham số limit phải từ 1 đến %(max)s.") % {"max": MAX_LIMIT},
        }
    if names == {"offset"}:
        return {
            "code": "invalid_offset",
            "message": _("Tham số offset phải từ 0 đến %(max)s.") % {"max": MAX_OFFSET},
        }
    return None
