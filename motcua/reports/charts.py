"""Charts as inline SVG, drawn on the server: bars, grouped or stacked bars, lines.

No JavaScript and no external service: a chart is markup the page carries, readable by screen
readers (role="img", <title>, <desc>, a <title> on every bar and point) and printable. The same
numbers always go in a table next to the chart. Numbers are written the Vietnamese way
(1.234; 99,3 %).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import count
from math import ceil, floor, log10
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

NBSP = "\u00a0"
# A small palette that stays distinct in greyscale print and for common colour blindness.
PALETTE = ("#1f5fa8", "#e08a1e", "#3a9a5b", "#b23a48", "#6f4e9c", "#5f6b73")

# The viewBox: a card of the dashboard is 400–600 px wide, so 12-unit text stays readable.
WIDTH = 480
HEIGHT = 260
LEFT = 44  # room for the y axis labels
RIGHT = 8
TOP = 30  # room for the legend
BOTTOM = 80  # room for the x labels (turned when long)
FONT = 12
LABEL_CHARS = 16  # a turned label longer than this is cut (the table has it whole)

_ids = count(1)


# -- Vietnamese numbers --------------------------------------------------------------------------


def vn_number(value: int | float | Decimal | None, places: int = 0) -> str:
    """1234 → "1.234"; 12.345 with places=1 → "12,3"; None → "—"."""
    if value is None:
        return "—"
    quantum = Decimal(1).scaleb(-places)
    number = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = sign + ".".join(groups)
    return f"{text},{fraction}" if fraction else text


def vn_percent(share: float | Decimal | None, places: int = 1) -> str:
    """A fraction as a percentage: 0.993 → "99,3 %" (a no-break space before the sign)."""
    if share is None:
        return "—"
    return f"{vn_number(Decimal(str(share)) * 100, places)}{NBSP}%"


# -- data ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | int | None]


def _at(item: Series, index: int) -> float | int | None:
    return item.values[index] if index < len(item.values) else None


def _fmt_default(value: float | int | None) -> str:
    return vn_number(value, 0 if value is None or float(value).is_integer() else 1)


def _nice_step(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^n at or above `value`."""
    magnitude = 10.0 ** floor(log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value * (1 - 1e-9):
            return step * magnitude
    return 10 * magnitude


def _nice_max(value: float, *, whole: bool) -> float:
    """A round top for the y axis, four equal ticks below it; whole numbers (counts) get whole
    ticks: at most 3 → 4 (0, 1, 2, 3, 4), 5 → 8, 1.234 → 2.000."""
    if value <= 0:
        return 4.0 if whole else 1.0
    step = _nice_step(value / 4)
    if whole:
        step = max(1.0, float(ceil(step)))
        if step not in (1, 2) and step < 5:
            step = 5.0
    return step * 4


def _is_whole(numbers: Sequence[float]) -> bool:
    return all(float(n).is_integer() for n in numbers)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _open(title: str, description: str, width: int, height: int) -> tuple[str, list[str]]:
    chart_id = f"chart-{next(_ids)}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMidYMid meet" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" aria-label={quoteattr(title)}>',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    return chart_id, parts


def _axes(parts: list[str], top: float, fmt: Callable, plot_h: float, plot_w: float) -> None:
    for tick in range(5):
        value = top * tick / 4
        y = TOP + plot_h - plot_h * tick / 4
        parts.append(
            f'<line class="chart-grid" x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" '
            f'y2="{y:.1f}" stroke="#d8dee4" stroke-width="1"/>'
        )
        parts.append(
            f'<text class="chart-tick" x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" '
            f'font-size="{FONT}">{escape(fmt(value))}</text>'
        )


def _x_label(parts: list[str], x: float, label: str, turned: bool) -> None:
    """The label under a bar or point; a turned one is cut short, its whole text kept in a
    <title> (and in the table next to the chart)."""
    y = TOP + (HEIGHT - TOP - BOTTOM) + 16
    if turned:
        parts.append(
            f'<text class="chart-label" x="{x:.1f}" y="{y:.1f}" font-size="{FONT}" '
            f'text-anchor="end" transform="rotate(-30 {x:.1f} {y:.1f})">'
            f"{escape(_short(label))}<title>{escape(label)}</title></text>"
        )
    else:
        parts.append(
            f'<text class="chart-label" x="{x:.1f}" y="{y:.1f}" font-size="{FONT}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )


def _legend(parts: list[str], series: Sequence[Series]) -> None:
    x = LEFT
    y = 16
    for index, item in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<rect class="chart-key" x="{x}" y="{y - 9}" width="10" height="10" fill="{colour}"/>'
        )
        parts.append(
            f'<text class="chart-legend" x="{x + 14}" y="{y}" font-size="{FONT}">'
            f"{escape(item.name)}</text>"
        )
        x += 24 + 7 * len(item.name)  # about 7 units per letter at FONT


def _close(parts: list[str]) -> SafeString:
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every text above went through escape()


def _empty(parts: list[str], message: str | None) -> SafeString:
    message = message or _("Không có số liệu")
    parts.append(
        f'<text class="chart-empty" x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" '
        f'font-size="13">{escape(message)}</text>'
    )
    return _close(parts)


# -- charts --------------------------------------------------------------------------------------


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | int | None],
    fmt: Callable[[float | int | None], str] = _fmt_default,
    empty: str | None = None,
    top: float | None = None,
) -> SafeString:
    """One bar per label (None draws no bar but keeps the place)."""
    return grouped_bar_chart(
        title=title,
        labels=labels,
        series=[Series(title, values)],
        fmt=fmt,
        empty=empty,
        top=top,
        legend=False,
    )


def grouped_bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    stacked: bool = False,
    fmt: Callable[[float | int | None], str] = _fmt_default,
    empty: str | None = None,
    top: float | None = None,
    legend: bool = True,
) -> SafeString:
    """Bars per label for each series, side by side or stacked (one column per label)."""
    description = "; ".join(
        f"{label}: "
        + ", ".join(
            f"{item.name} {fmt(_at(item, index))}" if len(series) > 1 else fmt(_at(item, index))
            for item in series
        )
        for index, label in enumerate(labels)
    )
    _, parts = _open(title, description, WIDTH, HEIGHT)
    numbers = [float(v) for item in series for v in item.values if v is not None]
    if not labels or not numbers:
        return _empty(parts, empty)
    if stacked:
        highest = max(sum(float(_at(item, i) or 0) for item in series) for i in range(len(labels)))
    else:
        highest = max(numbers)
    top = top if top is not None else _nice_max(highest, whole=_is_whole(numbers))
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    _axes(parts, top, fmt, plot_h, plot_w)
    slot = plot_w / len(labels)
    per_slot = 1 if stacked else len(series)
    bar_w = max(2.0, slot * 0.7 / per_slot)
    turned = max(len(label) for label in labels) * 7 > slot
    for index, label in enumerate(labels):
        x0 = LEFT + slot * index + (slot - bar_w * per_slot) / 2
        base = TOP + plot_h
        for position, item in enumerate(series):
            value = _at(item, index)
            if value is None:
                continue
            height = plot_h * min(float(value), top) / top if top else 0
            x = x0 if stacked else x0 + bar_w * position
            y = base - height
            colour = PALETTE[position % len(PALETTE)]
            name = f"{label} — {item.name}" if len(series) > 1 else label
            parts.append(
                f'<rect class="chart-bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                f'height="{height:.1f}" fill="{colour}" data-label={quoteattr(label)}>'
                f"<title>{escape(name)}: {escape(fmt(value))}</title></rect>"
            )
            if stacked:
                base = y
        _x_label(parts, LEFT + slot * index + slot / 2, label, turned)
    if legend and len(series) > 1:
        _legend(parts, series)
    return _close(parts)


def line_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    fmt: Callable[[float | int | None], str] = _fmt_default,
    empty: str | None = None,
    top: float | None = None,
) -> SafeString:
    """One line per series; a None value breaks the line (no data that month or day)."""
    description = "; ".join(
        f"{item.name}: "
        + ", ".join(f"{label} {fmt(_at(item, i))}" for i, label in enumerate(labels))
        for item in series
    )
    _, parts = _open(title, description, WIDTH, HEIGHT)
    numbers = [float(v) for item in series for v in item.values if v is not None]
    if not labels or not numbers:
        return _empty(parts, empty)
    top = top if top is not None else _nice_max(max(numbers), whole=_is_whole(numbers))
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    _axes(parts, top, fmt, plot_h, plot_w)
    slot = plot_w / len(labels)
    turned = max(len(label) for label in labels) * 7 > slot

    def point(index: int, value: float) -> tuple[float, float]:
        x = LEFT + slot * index + slot / 2
        return x, TOP + plot_h - plot_h * min(float(value), top) / top

    for position, item in enumerate(series):
        colour = PALETTE[position % len(PALETTE)]
        segment: list[str] = []
        runs: list[list[str]] = []
        for index, value in enumerate(item.values):
            if value is None:
                if segment:
                    runs.append(segment)
                segment = []
                continue
            x, y = point(index, value)
            segment.append(f"{x:.1f},{y:.1f}")
        if segment:
            runs.append(segment)
        for run in runs:
            parts.append(
                f'<polyline class="chart-line" fill="none" stroke="{colour}" stroke-width="2" '
                f'points="{" ".join(run)}"/>'
            )
        for index, value in enumerate(item.values):
            if value is None:
                continue
            x, y = point(index, value)
            name = f"{labels[index]} — {item.name}" if len(series) > 1 else labels[index]
            parts.append(
                f'<circle class="chart-point" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}" '
                f"data-label={quoteattr(labels[index])}>"
                f"<title>{escape(name)}: {escape(fmt(value))}</title></circle>"
            )
    for index, label in enumerate(labels):
        _x_label(parts, LEFT + slot * index + slot / 2, label, turned)
    if len(series) > 1:
        _legend(parts, series)
    return _close(parts)
