"""What the officers' forms share: text limits, the office time zone, the page's first error."""

from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

MAX_TEXT = 2000
MAX_ITEMS = 50


def office_zone() -> ZoneInfo:
    return ZoneInfo(getattr(settings, "MOTCUA_OFFICE_TIME_ZONE", settings.TIME_ZONE))


def _lines(text: str) -> list[str]:
    return [line.strip(" \t-•*") for line in text.splitlines() if line.strip(" \t-•*")]


def first_error(form: forms.Form) -> str:
    """The first message of a form for the page's alert, with the field it belongs to."""
    for name, errors in form.errors.items():
        for message in errors:
            field = form.fields.get(name)
            if field is None or field.widget.is_hidden or not field.label:
                return str(message)
            return f"{field.label}: {message}"
    return str(_("Dữ liệu nhập chưa hợp lệ."))
