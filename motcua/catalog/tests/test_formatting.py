from decimal import Decimal

import pytest
from django.utils import translation

from motcua.catalog.formatting import duration_text, money_text


@pytest.mark.parametrize(
    ("amount", "unit", "expected"),
    [
        (Decimal("0"), "days", "Trong ngày"),
        (Decimal("0.00"), "hours", "Trong ngày"),
        (Decimal("3.00"), "days", "3 ngày làm việc"),
        (Decimal("1"), "days", "1 ngày làm việc"),
        (Decimal("30.00"), "days", "30 ngày làm việc"),
        (Decimal("0.50"), "days", "0,5 ngày làm việc"),
        (Decimal("4.25"), "days", "4,25 ngày làm việc"),
        (Decimal("8"), "hours", "8 giờ làm việc"),
        ("2", "days", "2 ngày làm việc"),
    ],
)
def test_duration_text_in_vietnamese(amount, unit, expected):
    with translation.override("vi"):
        assert duration_text(amount, unit) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (0, "Miễn phí"),
        (2000, "2.000\u00a0đ"),
        (50000, "50.000\u00a0đ"),
        (15000000, "15.000.000\u00a0đ"),
        (500, "500\u00a0đ"),
    ],
)
def test_money_text_groups_thousands_with_dots_in_vietnamese(amount, expected):
    with translation.override("vi"):
        assert money_text(amount) == expected


def test_money_text_follows_the_active_language_grouping():
    with translation.override("en"):
        assert money_text(2000) == "2,000\u00a0đ"
