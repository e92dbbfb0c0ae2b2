"""The service-quality index (Decision 766/QĐ-TTg, DOMAIN §5) for an agency subtree and a
period: `quality_index(...)` computes it, `quality_list(...)` lists what is behind a number."""

from datetime import date, datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.common.errors import InvalidInput
from motcua.organizations.models import Agency
from motcua.reports.dashboard.scope import Period
from motcua.reports.quality.context import Context
from motcua.reports.quality.indicators import SPEC_BY_KEY, SPECS, Spec, evaluate
from motcua.reports.quality.model import GROUPS, Group, Indicator, Part, QualityIndex, split_points


def quality_index(
    *, agency: Agency, date_from: date, date_to: date, now: datetime | None = None
) -> QualityIndex:
    """Every indicator the data supports, grouped, with its points: each group's points are
    split equally among the indicators computed in it."""
    ctx = Context(agency=agency, period=Period(date_from, date_to), now=now or timezone.now())
    groups = []
    for key, name, max_points in GROUPS:
        indicators = [evaluate(spec, ctx) for spec in SPECS if spec.group == key]
        group = Group(
            key=key, name=str(name), max_points=Decimal(max_points), indicators=indicators
        )
        split_points(group)
        groups.append(group)
    return QualityIndex(agency=agency, date_from=date_from, date_to=date_to, groups=groups)


def quality_list(
    *,
    agency: Agency,
    date_from: date,
    date_to: date,
    indicator: str,
    part: str,
    now: datetime | None = None,
) -> tuple[Spec, str, QuerySet]:
    """The dossiers or procedures behind one number of an indicator: (spec, label, queryset)."""
    spec = SPEC_BY_KEY.get(indicator or "")
    if spec is None:
        raise InvalidInput(_("Chỉ số không hợp lệ."), code="invalid_indicator")
    ctx = Context(agency=agency, period=Period(date_from, date_to), now=now or timezone.now())
    if spec.needs_timeliness and ctx.timeliness is None:
        raise InvalidInput(_("Chỉ số này chưa tính được."), code="indicator_unavailable")
    parts = spec.parts(ctx)
    if part not in parts:
        raise InvalidInput(_("Phần danh sách không hợp lệ."), code="invalid_part")
    label, queryset = parts[part]
    return spec, str(label), queryset


__all__ = ["Group", "Indicator", "Part", "QualityIndex", "quality_index", "quality_list"]
