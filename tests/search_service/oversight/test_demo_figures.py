"""The demo's figures look like an archive room's: the sample files most documents within the
deadline, some late, some never (sample_archive.generator.add_filing_dates), so 归档及时率 and its trend
are neither 0% nor 100%, and a period without data says so."""

from __future__ import annotations

from pathlib import Path

from sample_archive.domain import CITY_COMPANY
from search_service.config import Settings
from tests.search_service.conftest import signed_in


def test_filing_timeliness_on_the_demo_is_realistic(demo_index: Path) -> None:
    settings = Settings(index_dir=demo_index, archive_root=demo_index.parent / "sample-archive",
                        demo=True)
    client = signed_in(settings, "figures_archivist", "archivist", CITY_COMPANY)
    report = client.get("/api/oversight/assessment", params={"period": "2024"}).json()
    rows = {row["org"]: row["figures"]["timeliness"] for row in report["rows"]}
    total = rows.pop("合计")
    assert total["denominator"] > 100 and 0.7 <= total["value"] <= 0.95
    assert all(0.4 <= figure["value"] <= 1.0 for figure in rows.values() if figure["denominator"] >= 20)
    busy = [month for month in report["trend"] if month["filed"] >= 20]
    assert busy and all(0.5 <= month["timeliness"] <= 1.0 for month in busy)
    late = client.get("/api/oversight/lists/late", params={"period": "2024"}).json()
    assert 0 < late["total"] < total["denominator"]
    empty = client.get("/api/oversight/assessment", params={"period": "2001Q1"}).json()
    assert {row["figures"]["timeliness"]["value"] for row in empty["rows"]} == {None}


def test_the_first_view_opens_on_the_latest_quarter_with_filings(demo_index: Path) -> None:
    """The seeded sample stops filing in mid-2025: the assessment and the overview's late
    tile open on that quarter, with figures, not on today's empty one."""
    settings = Settings(index_dir=demo_index, archive_root=demo_index.parent / "sample-archive",
                        demo=True)
    client = signed_in(settings, "figures_archivist", "archivist", CITY_COMPANY)
    report = client.get("/api/oversight/assessment").json()
    assert report["period_code"] == "2025Q2" and report["period"] == "2025年第2季度"
    total = next(row for row in report["rows"] if row["org"] == "合计")
    assert total["figures"]["timeliness"]["denominator"] > 0
    page = client.get("/manage/assessment").text
    assert 'name="period" value="2025Q2"' in page and "单位考核 · 2025年第2季度" in page
    overview = client.get("/api/oversight/overview").json()
    assert overview["quarter"] == "2025Q2" and not overview["current_quarter"]
    assert overview["late"] > 0
    assert "2025年第2季度归档不及时的文件" in client.get("/manage").text
    explicit = client.get("/api/oversight/assessment", params={"period": "2026Q4"}).json()
    assert explicit["period_code"] == "2026Q4"  # a period asked for is kept, even empty
