import shutil
from pathlib import Path

import pytest

from indexer.integrity import CHANGED, MISSING, UNINDEXED, UNOPENABLE, verify
from indexer.pipeline import run_index
from tests.factories import build_archive, make_pdf

CONTRACT = "城东供电所/3301000001_杭州明远纺织有限公司/业扩/供用电合同_2021-03-15.pdf"
SHEET = "城东供电所/3301000001_杭州明远纺织有限公司/用电检查/用电检查工作单_20230512.docx"
NOTICE = "城东供电所/3301000001_杭州明远纺织有限公司/用电检查/隐患整改通知书_2023-05-20.pdf"
APPLICATION = "城西供电所/3301000002_张三丰/用电申请书.txt"


@pytest.fixture()
def indexed(tmp_path: Path) -> tuple[Path, Path]:
    root = build_archive(tmp_path / "archive")
    run_index(root, tmp_path / "ix", workers=2, progress=False)
    return root, tmp_path / "ix"


def test_untouched_archive_is_intact(indexed: tuple[Path, Path]) -> None:
    report = verify(*indexed)
    assert (report.checked, report.intact, report.problems) == (6, 6, [])


def test_each_kind_of_problem_is_reported(indexed: tuple[Path, Path]) -> None:
    root, index_dir = indexed
    make_pdf(root / CONTRACT, [["供用电合同（补充协议）", "户号：3301000001"]])  # edited, still a PDF
    data = (root / SHEET).read_bytes()
    (root / SHEET).write_bytes(data[: len(data) // 2])  # damaged on disk
    (root / APPLICATION).unlink()
    shutil.copyfile(root / NOTICE, root / "城东供电所" / "新扫描.pdf")
    report = verify(root, index_dir)
    found = {(p.kind, p.path) for p in report.problems}
    assert found == {(CHANGED, CONTRACT), (UNOPENABLE, SHEET), (MISSING, APPLICATION),
                     (UNINDEXED, "城东供电所/新扫描.pdf")}
    assert (report.checked, report.intact) == (5, 3)
    as_dict = report.to_dict()
    labels = {p["kind"]: p["label"] for p in as_dict["problems"]}
    assert labels[CHANGED] == "内容已变更但未重新索引" and labels[MISSING] == "文件缺失"


def test_reindexing_clears_changed_files(indexed: tuple[Path, Path]) -> None:
    root, index_dir = indexed
    make_pdf(root / CONTRACT, [["供用电合同（补充协议）", "户号：3301000001"]])
    run_index(root, index_dir, workers=2, progress=False)
    assert verify(root, index_dir).problems == []
