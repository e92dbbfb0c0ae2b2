"""Charts are valid SVG with one bar or point per value, labelled for screen readers."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from motcua.reports.charts import (
    NBSP,
    Series,
    bar_chart,
    grouped_bar_chart,
    line_chart,
    vn_number,
    vn_percent,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 -- our own output, parsed to check it


def bars(root: ET.Element) -> list[ET.Element]:
    return [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "chart-bar"]


def texts(root: ET.Element, css: str) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}text") if t.get("class") == css]


def test_vietnamese_numbers():
    assert vn_number(1234) == "1.234"
    assert vn_number(42937) == "42.937"
    assert vn_number(1234567) == "1.234.567"
    assert vn_number(0) == "0"
    assert vn_number(-1500) == "-1.500"
    assert vn_number(12.345, 1) == "12,3"
    assert vn_number(Decimal("9.005"), 2) == "9,01"  # half up, not banker's
    assert vn_number(None) == "—"
    assert vn_percent(Decimal("0.993")) == f"99,3{NBSP}%"
    assert vn_percent(0.99) == f"99,0{NBSP}%"
    assert vn_percent(1) == f"100,0{NBSP}%"
    assert vn_percent(None) == "—"


def test_bar_chart_has_a_bar_and_label_per_value_and_a_title():
    svg = bar_chart(
        title="Hồ sơ theo hình thức",
        labels=["Trực tiếp", "Trực tuyến", "Bưu chính"],
        values=[1234, 20, 0],
    )
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Hồ sơ theo hình thức"
    assert root.find(f"{SVG}title").text == "Hồ sơ theo hình thức"
    assert "Trực tiếp: 1.234" in root.find(f"{SVG}desc").text
    found = bars(root)
    assert [b.get("data-label") for b in found] == ["Trực tiếp", "Trực tuyến", "Bưu chính"]
    assert [b.find(f"{SVG}title").text for b in found] == [
        "Trực tiếp: 1.234",
        "Trực tuyến: 20",
        "Bưu chính: 0",
    ]
    assert texts(root, "chart-label") == ["Trực tiếp", "Trực tuyến", "Bưu chính"]
    # the tallest bar is the largest value; a zero draws a bar of no height
    heights = [float(b.get("height")) for b in found]
    assert heights[0] > heights[1] > heights[2] == 0


def test_text_is_escaped():
    root = parse(bar_chart(title="A < B & C", labels=["<script>"], values=[1]))
    assert root.find(f"{SVG}title").text == "A < B & C"
    assert texts(root, "chart-label") == ["<script>"]


def test_grouped_and_stacked_bars():
    series = [Series("Quá hạn", [3, 0]), Series("Sắp đến hạn", [1, 2])]
    grouped = parse(grouped_bar_chart(title="t", labels=["Phòng A", "Phòng B"], series=series))
    assert len(bars(grouped)) == 4
    assert [b.find(f"{SVG}title").text for b in bars(grouped)] == [
        "Phòng A — Quá hạn: 3",
        "Phòng A — Sắp đến hạn: 1",
        "Phòng B — Quá hạn: 0",
        "Phòng B — Sắp đến hạn: 2",
    ]
    assert texts(grouped, "chart-legend") == ["Quá hạn", "Sắp đến hạn"]
    stacked = parse(
        grouped_bar_chart(title="t", labels=["Phòng A", "Phòng B"], series=series, stacked=True)
    )
    rects = bars(stacked)
    # stacked: the second bar of a column sits on top of the first (same x, ends where it starts)
    assert rects[0].get("x") == rects[1].get("x")
    assert float(rects[1].get("y")) + float(rects[1].get("height")) == float(rects[0].get("y"))


def test_line_chart_points_and_gaps():
    root = parse(
        line_chart(
            title="Tỷ lệ đúng hạn",
            labels=["01/2026", "02/2026", "03/2026"],
            series=[Series("Đúng hạn", [0.993, None, 0.5])],
            fmt=vn_percent,
            top=1.0,
        )
    )
    points = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "chart-point"]
    assert [p.find(f"{SVG}title").text for p in points] == [
        f"01/2026: 99,3{NBSP}%",
        f"03/2026: 50,0{NBSP}%",
    ]
    # the missing month breaks the line into two runs
    assert len(list(root.iter(f"{SVG}polyline"))) == 2
    assert texts(root, "chart-label") == ["01/2026", "02/2026", "03/2026"]


def test_no_data_draws_a_message_not_a_division_by_zero():
    for svg in (
        bar_chart(title="t", labels=[], values=[]),
        bar_chart(title="t", labels=["a", "b"], values=[]),
        line_chart(title="t", labels=[], series=[Series("s", [])]),
        grouped_bar_chart(title="t", labels=["a"], series=[Series("s", [None])]),
    ):
        root = parse(svg)
        assert bars(root) == []
        assert texts(root, "chart-empty") == ["Không có số liệu"]
    # all zeros is data: bars of no height
    root = parse(bar_chart(title="t", labels=["a", "b"], values=[0, 0]))
    assert [float(b.get("height")) for b in bars(root)] == [0, 0]


def test_long_labels_are_turned_and_cut_with_the_whole_text_in_a_title():
    name = "Thành lập và hoạt động của hộ kinh doanh"
    root = parse(bar_chart(title="t", labels=[name, "Hộ tịch"], values=[5, 1]))
    [first, second] = [t for t in root.iter(f"{SVG}text") if t.get("class") == "chart-label"]
    assert first.text == "Thành lập và ho…"
    assert first.find(f"{SVG}title").text == name
    assert "rotate(-30" in first.get("transform")
    assert second.text == "Hộ tịch"


def test_count_axes_have_whole_ticks():
    root = parse(bar_chart(title="t", labels=["a", "b"], values=[5, 3]))
    assert texts(root, "chart-tick") == ["0", "2", "4", "6", "8"]
    root = parse(bar_chart(title="t", labels=["a"], values=[1]))
    assert texts(root, "chart-tick") == ["0", "1", "2", "3", "4"]
    root = parse(bar_chart(title="t", labels=["a"], values=[1234]))
    assert texts(root, "chart-tick") == ["0", "500", "1.000", "1.500", "2.000"]
