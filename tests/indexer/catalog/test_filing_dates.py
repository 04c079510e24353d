"""catalog.csv's 归档日期 is a document's filing date (the catalog's ``cataloged_at``);
without one, or with one that is no date, the filing date is when the file was first indexed."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from indexer.catalog.store import Catalog
from indexer.pipeline import run_index
from indexer.records import doc_id_for
from tests.factories import build_archive

CONTRACT = "城东供电所/3301000001_杭州明远纺织有限公司/业扩/供用电合同_2021-03-15.pdf"
INSPECTION = "城东供电所/3301000001_杭州明远纺织有限公司/用电检查/用电检查工作单_20230512.docx"
NOTICE = "城东供电所/3301000001_杭州明远纺织有限公司/用电检查/隐患整改通知书_2023-05-20.pdf"


def write_filing_dates(root: Path, dates: dict[str, str]) -> None:
    """catalog.csv with only paths and 归档日期 (other cells empty: inferred)."""
    lines = ["文件路径,户号,档案类别,题名,形成日期,档号,保管期限,归档日期"]
    lines += [f"{path},,,,,,,{day}" for path, day in dates.items()]
    (root / "catalog.csv").write_text("\n".join(lines) + "\n", "utf-8-sig")


def test_the_catalogs_filing_date_is_the_records(tmp_path: Path) -> None:
    root = build_archive(tmp_path / "archive")
    write_filing_dates(root, {CONTRACT: "2021-04-02", INSPECTION: "不详"})
    before = datetime.now(timezone.utc)
    run_index(root, tmp_path / "index", workers=1, progress=False)
    catalog = Catalog.open(f"sqlite:///{tmp_path / 'archive-search.db'}")
    filed = {path: catalog.get(doc_id_for(path))["cataloged_at"] for path in (CONTRACT, INSPECTION, NOTICE)}
    assert filed[CONTRACT] == datetime(2021, 4, 2, 1, 0, tzinfo=timezone.utc)  # 09:00 Beijing
    assert filed[INSPECTION] >= before and filed[NOTICE] >= before  # not a date / not stated

    write_filing_dates(root, {CONTRACT: "2021-05-06"})
    run_index(root, tmp_path / "index", workers=1, progress=False)  # the catalog changed
    assert catalog.get(doc_id_for(CONTRACT))["cataloged_at"].date().isoformat() == "2021-05-06"
