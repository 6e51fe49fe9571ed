"""The SVG chart module: well-formed, accessible, CSP-safe, deterministic, and where the figures
should be."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from reporting import charts

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def _line(**kwargs) -> str:
    options = {"title": "Tần suất TNLĐ chết người", "categories": [2024, 2025, 2026]}
    options.update(kwargs)
    options.setdefault("series", [charts.Series("Giá trị", [0, 5, 10])])
    return charts.line_chart(
        options.pop("title"), options.pop("categories"), options.pop("series"), **options
    )


def _points(root: ET.Element) -> list[tuple[float, float]]:
    return [
        (float(circle.get("cx")), float(circle.get("cy")))
        for circle in root.iter(f"{SVG}circle")
        if circle.get("class") == "chart-point"
    ]


def test_line_chart_is_well_formed_accessible_and_csp_safe():
    markup = _line(target_line=8, target_label="Mục tiêu", y_label="‰")
    root = _parse(markup)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == "Tần suất TNLĐ chết người"
    assert root.get("aria-labelledby").split()[0] == title.get("id")
    assert "style=" not in markup
    assert "<style" not in markup
    assert "<script" not in markup
    assert "javascript:" not in markup


def test_max_value_is_at_the_top_of_the_plot_area_and_zero_at_the_bottom():
    root = _parse(_line(chart_id="k"))
    points = _points(root)
    assert len(points) == 3
    zero, five, ten = points
    # 10 is a "nice" maximum: it sits on the top edge of the plot area, 0 on the x axis.
    top = charts.MARGIN_TOP + (charts.TITLE_SIZE + 3)  # one title line
    bottom = charts.HEIGHT - charts.MARGIN_BOTTOM
    assert ten[1] == pytest.approx(top)
    assert zero[1] == pytest.approx(bottom)
    assert five[1] == pytest.approx((top + bottom) / 2)
    # Years run left to right, each in the middle of its slot.
    slot = (charts.WIDTH - charts.MARGIN_LEFT - charts.MARGIN_RIGHT) / 3
    assert [x for x, _y in points] == pytest.approx(
        [charts.MARGIN_LEFT + slot * (i + 0.5) for i in range(3)], abs=0.01
    )


def test_target_line_and_target_path_are_dashed():
    root = _parse(_line(target_line=10, target_label="100%"))
    targets = [e for e in root.iter() if e.get("class") == "chart-target"]
    assert targets
    assert all(e.get("stroke-dasharray") for e in targets)
    line = targets[0]
    assert float(line.get("y1")) == pytest.approx(charts.MARGIN_TOP + charts.TITLE_SIZE + 3)

    path = {2024: 0.9, 2025: 0.864, 2026: 0.829}
    root = _parse(_line(target_path=path, target_label="Lộ trình"))
    polylines = [e for e in root.iter(f"{SVG}polyline") if e.get("class") == "chart-target"]
    assert len(polylines) == 1
    assert polylines[0].get("stroke-dasharray")
    assert len(polylines[0].get("points").split()) == 3


def test_missing_values_break_the_line():
    root = _parse(_line(series=[charts.Series("v", [1, None, 3])]))
    assert len(_points(root)) == 2
    lines = [e for e in root.iter(f"{SVG}polyline") if e.get("class") == "chart-line"]
    assert lines == []  # two single points, no segment across the gap


def test_hostile_text_is_escaped():
    hostile = "<script>alert(1)</script>"
    markup = charts.line_chart(
        hostile,
        [hostile],
        [charts.Series(hostile, [1])],
        target_line=1,
        target_label=hostile,
        y_label=hostile,
        description=hostile,
    )
    assert "<script" not in markup
    root = _parse(markup)
    assert root.find(f"{SVG}title").text == hostile  # shown as text, not markup
    markup = charts.bar_chart(hostile, [hostile], [charts.Series(hostile, [2])])
    assert "<script" not in markup
    _parse(markup)


def test_output_is_deterministic():
    assert _line(target_line=3) == _line(target_line=3)
    first = charts.bar_chart("A", ["x", "y"], [charts.Series("s", [1, 2])])
    assert first == charts.bar_chart("A", ["x", "y"], [charts.Series("s", [1, 2])])


def test_stacked_bar_chart_heights_add_up():
    series = [charts.Series("Chết", [1, 0]), charts.Series("Bị thương nặng", [3, 1])]
    markup = charts.bar_chart("TNLĐ theo khu vực", ["Có HĐLĐ", "Không HĐLĐ"], series)
    assert "style=" not in markup
    root = _parse(markup)
    assert root.get("role") == "img"
    bars = [e for e in root.iter(f"{SVG}rect") if e.get("class") == "chart-bar"]
    assert len(bars) == 3  # zero-height bars are not drawn
    first_column = [b for b in bars if b.find(f"{SVG}title").text.startswith("Có HĐLĐ")]
    total = sum(float(b.get("height")) for b in first_column)
    # Whole numbers: the axis runs to 5, so 4 people fill four fifths of the plot height.
    top = charts.MARGIN_TOP + charts.TITLE_SIZE + 3
    plot = charts.HEIGHT - charts.MARGIN_BOTTOM - top
    assert total == pytest.approx(plot * 4 / 5, abs=0.02)


def test_grouped_bar_chart_and_empty_chart():
    markup = charts.bar_chart(
        "G", ["a"], [charts.Series("s1", [2]), charts.Series("s2", [4])], stacked=False
    )
    bars = [e for e in _parse(markup).iter(f"{SVG}rect") if e.get("class") == "chart-bar"]
    assert len(bars) == 2
    assert float(bars[0].get("x")) < float(bars[1].get("x"))
    empty = charts.bar_chart("E", ["a"], [charts.Series("s", [0])], no_data_text="Không có")
    assert "Không có" in empty
    _parse(empty)


def test_long_titles_wrap_into_lines():
    title = "Tỷ lệ người lao động tiếp xúc với yếu tố có hại được khám phát hiện bệnh nghề nghiệp"
    root = _parse(charts.line_chart(title, [2026], [charts.Series("v", [1])], width=320))
    visible = next(root.iter(f"{SVG}text"))
    lines = [span.text for span in visible.iter(f"{SVG}tspan")]
    assert len(lines) == 2
    assert " ".join(lines).startswith("Tỷ lệ người lao động")


def test_chart_table_lists_every_figure():
    table = charts.chart_table(
        "Bảng",
        [2025, 2026],
        [charts.Series("Giá trị", [0.8, None])],
        category_label="Năm",
        extra=[charts.Series("Mục tiêu", [0.864, 0.829])],
        decimals=3,
    )
    assert table.columns == ["Năm", "Giá trị", "Mục tiêu"]
    assert table.rows[0][0] == "2025"
    assert table.rows[1][1] == "-"
    assert len(table.rows) == 2
