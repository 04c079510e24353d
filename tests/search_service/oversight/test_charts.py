"""SVG charts: well-formed, bars proportional, missing values drawn as nothing."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from search_service.oversight.charts import bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_bars_are_proportional_and_escaped() -> None:
    svg = ET.fromstring(bar_chart("资料齐全率 <全部>", [("城东", 1.0, "100%"), ("城西", 0.5, "50%"),
                                                     ("城北", None, "—")]))
    widths = [float(r.get("width")) for r in svg.iter(f"{SVG}rect")]
    assert widths[0] == 2 * widths[1] and widths[2] == 0
    assert svg.find(f"{SVG}title").text == "资料齐全率 <全部>"


def test_trend_lines_skip_months_without_a_value() -> None:
    svg = ET.fromstring(line_chart("趋势", ["2026-01", "2026-02", "2026-03"],
                                   [("甲", [0.0, 0.5, 1.0]), ("乙", [None, None, 0.25])]))
    lines = [p.get("points").split() for p in svg.iter(f"{SVG}polyline")]
    assert [len(points) for points in lines] == [3, 1]
    assert len(list(svg.iter(f"{SVG}circle"))) == 4
