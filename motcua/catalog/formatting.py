"""Processing times and fees in words and đồng, as the catalog reads to a citizen (pages, PDF
forms, notifications)."""

from decimal import Decimal

from django.utils import formats, numberformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.catalog.models import TimeUnit

NBSP = "\u00a0"


def _grouped(value: int | Decimal) -> str:
    """The number with the active locale's separators, thousands always grouped by three
    (Django's vi format sets no NUMBER_GROUPING, so "2000" would stay ungrouped)."""
    return numberformat.format(
        value,
        formats.get_format("DECIMAL_SEPARATOR"),
        grouping=3,
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


def _number(amount: Decimal) -> tuple[str, int]:
    """The amount in the active locale ("0,5", "3") and the count that picks the plural form."""
    if amount == amount.to_integral_value():
        whole = int(amount)
        return _grouped(whole), whole
    # normalize() only on a fractional value: on 30.00 it would give 3E+1.
    return _grouped(amount.normalize()), 2


def duration_text(amount: Decimal | int | str, unit: str) -> str:
    """ "Trong ngày" for 0, else "3 ngày làm việc" / "8 giờ làm việc"."""
    amount = Decimal(amount)
    if amount == 0:
        return _("Trong ngày")
    number, count = _number(amount)
    if unit == TimeUnit.HOURS:
        text = ngettext("%(number)s giờ làm việc", "%(number)s giờ làm việc", count)
    else:
        text = ngettext("%(number)s ngày làm việc", "%(number)s ngày làm việc", count)
    return text % {"number": number}


def money_text(amount: int) -> str:
    """ "2.000 đ" (grouped the active locale's way); "Miễn phí" for 0."""
    if not amount:
        return _("Miễn phí")
    return f"{_grouped(int(amount))}{NBSP}đ"
