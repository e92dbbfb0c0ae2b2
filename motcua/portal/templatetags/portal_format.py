"""How the catalog reads to a citizen: processing times and fees in words and đồng."""

from django import template

from motcua.catalog.formatting import duration_text, money_text
from motcua.catalog.models import TimeUnit

register = template.Library()


@register.filter
def duration(time) -> str:
    """A ProcessingTime or WorkflowStep as words."""
    unit = getattr(time, "unit", None) or getattr(time, "time_unit", TimeUnit.DAYS)
    return duration_text(time.amount, unit)


@register.filter
def money(amount) -> str:
    return money_text(amount)
