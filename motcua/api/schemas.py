"""What every router of the API shares: the error body and paging bounds."""

from django.utils.translation import gettext as _
from ninja import Schema

from motcua.common.errors import InvalidInput

# Past this an OFFSET is no paging any client does, and the databases reject huge values.
MAX_OFFSET = 1_000_000_000


class ErrorOut(Schema):
    code: str
    message: str
    details: dict | None = None


def check_offset(offset: int) -> int:
    if not 0 <= offset <= MAX_OFFSET:
        raise InvalidInput(
            _("Tham số offset phải từ 0 đến %(max)s.") % {"max": MAX_OFFSET},
            code="invalid_offset",
        )
    return offset
