"""The service-quality index as data: groups of Decision 766/QĐ-TTg, their indicators, the
numbers behind each one and how its points are worked out."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from motcua.reports.charts import vn_number, vn_percent

# Decision 766/QĐ-TTg (DOMAIN §5): the six groups and their points (100 in all).
GROUPS: tuple[tuple[str, object, int], ...] = (
    ("transparency", _("Công khai, minh bạch"), 18),
    ("progress", _("Tiến độ, kết quả giải quyết"), 20),
    ("online", _("Dịch vụ công trực tuyến"), 12),
    ("payment", _("Thanh toán trực tuyến"), 10),
    ("satisfaction", _("Mức độ hài lòng"), 18),
    ("digitization", _("Số hóa hồ sơ, kết quả"), 22),
)
SHARE_PLACES = Decimal("0.0001")
POINT_PLACES = Decimal("0.01")


def share_of(numerator: int, denominator: int) -> Decimal | None:
    """numerator ÷ denominator to 4 places; None when there is nothing to divide by."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(SHARE_PLACES, ROUND_HALF_UP)


def points_of(share: Decimal | None, max_points: Decimal) -> Decimal | None:
    if share is None:
        return None
    return (share * max_points).quantize(POINT_PLACES, ROUND_HALF_UP)


@dataclass(frozen=True)
class Part:
    """A list of dossiers or procedures behind one number of an indicator."""

    key: str  # "numerator", "denominator", or another named part ("late", "complaints")
    label: str
    count: int
    subject: str  # "dossiers" | "procedures"


@dataclass
class Indicator:
    key: str
    name: str
    numerator: int | None
    denominator: int | None
    share: Decimal | None
    formula: str  # in words with the actual numbers
    parts: list[Part]
    max_points: Decimal = Decimal(0)
    points: Decimal | None = None
    available: bool = True  # False: the data or a module it needs is missing (see note)
    note: str = ""
    details: list = field(default_factory=list)  # rows shown under the indicator

    @property
    def share_text(self) -> str:
        return vn_percent(self.share)

    @property
    def points_text(self) -> str:
        return vn_number(self.points, 2) if self.points is not None else "—"

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "name": str(self.name),
            "available": self.available,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "share": float(self.share) if self.share is not None else None,
            "max_points": float(self.max_points),
            "points": float(self.points) if self.points is not None else None,
            "formula": self.formula,
            "note": self.note,
            "parts": {part.key: part.count for part in self.parts},
        }


@dataclass
class Group:
    key: str
    name: str
    max_points: Decimal
    indicators: list[Indicator]

    @property
    def computed(self) -> list[Indicator]:
        return [item for item in self.indicators if item.available]

    @property
    def points(self) -> Decimal:
        return sum((item.points or Decimal(0) for item in self.computed), Decimal(0))

    @property
    def points_text(self) -> str:
        return vn_number(self.points, 2)

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "name": str(self.name),
            "max_points": float(self.max_points),
            "points": float(self.points),
            "indicators": [item.as_json() for item in self.indicators],
        }


@dataclass
class QualityIndex:
    agency: object
    date_from: object
    date_to: object
    groups: list[Group]

    @property
    def points(self) -> Decimal:
        return sum((group.points for group in self.groups), Decimal(0))

    @property
    def max_points(self) -> Decimal:
        return sum((group.max_points for group in self.groups), Decimal(0))

    @property
    def points_text(self) -> str:
        return vn_number(self.points, 2)

    def indicator(self, key: str) -> Indicator:
        for group in self.groups:
            for item in group.indicators:
                if item.key == key:
                    return item
        raise KeyError(key)

    def as_json(self) -> dict:
        return {
            "agency": self.agency.code,
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "points": float(self.points),
            "max_points": float(self.max_points),
            "groups": [group.as_json() for group in self.groups],
        }


def split_points(group: Group) -> None:
    """Share the group's points equally among the indicators computed in it."""
    computed = group.computed
    if not computed:
        return
    each = (group.max_points / len(computed)).quantize(POINT_PLACES, ROUND_HALF_UP)
    for item in computed:
        item.max_points = each
        item.points = points_of(item.share, each)
