import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from indexer.errors import ArchiveRootError, IndexDirError, TableError
from indexer.pipeline import run_index
from tests.factories import (CUSTOMERS, build_archive, make_pdf, make_txt, write_catalog,
                             write_customers)
from tests.searching import catalog_of, engine_count, records, search

CONTRACT = "城东供电所/3301000001_杭州明远纺织有限公司/业扩/供用电合同_2021-03-15.pdf"


def stored(index_dir: Path) -> dict[str, dict]:
    """The catalog's record of every file present at the last run, by path."""
    return records(index_dir)


def test_first_run_indexes_every_file_with_its_facts(tmp_path: Path) -> None:
    root = build_archive(tmp_path / "a")
    summary = run_index(root, tmp_path / "ix", workers=1, progress=False)
    assert (summary.added, summary.failed, summary.removed) == (6, [], 0)
    assert summary.unassigned == ["城东供电所/待归档/情况说明.txt"]
    doc = stored(tmp_path / "ix")[CONTRACT]
    assert doc["account_no"] == "3301000001"
    assert doc["customer_name"] == "杭州明远纺织有限公司"
    assert (doc["org"], doc["customer_class"], doc["volt_level"]) == ("城东供电所", "高压", "10kV")
    assert (doc["doc_type"], doc["doc_type_name"]) == ("YK11", "供用电合同")
    assert (doc["doc_date"], doc["year"], doc["pages"], doc["file_type"]) == (
        "2021-03-15", "2021", 2, "pdf")
    assert len(doc["sha256"]) == 64 and doc["size"] == (root / CONTRACT).stat().st_size


def test_hazard_facts_and_text_inference(tmp_path: Path) -> None:
    root = build_archive(tmp_path / "a")
    run_index(root, tmp_path / "ix", workers=1, progress=False)
    docs = stored(tmp_path / "ix")
    notice = next(d for p, d in docs.items() if "隐患整改通知书" in p)
    assert (notice["hazard_found"], notice["hazard_status"], notice["rectify_deadline"]) == (
        "是", "未整改", "2023-06-30")
    application = next(d for p, d in docs.items() if p.endswith("用电申请书.txt"))
    assert (application["doc_type"], application["doc_date"]) == ("YK01", "2020-08-01")
    loose = docs["城东供电所/待归档/情况说明.txt"]
    assert (loose["account_no"], loose["doc_date"]) == ("", "2024-01-05")


def test_catalog_row_overrides_inference(tmp_path: Path) -> None:
    root = build_archive(tmp_path / "a")
    write_catalog(root, [
        ["城东供电所/待归档/情况说明.txt", "3301000003", "供用电合同", "张三 补签合同",
         "2019-07-01", "G017-YX·2019-D30-YK-0001", "30年"],
        [CONTRACT, "", "YK12", "", "", "", "永久"],
    ])
    run_index(root, tmp_path / "ix", workers=1, progress=False)
    docs = stored(tmp_path / "ix")
    loose = docs["城东供电所/待归档/情况说明.txt"]
    assert (loose["account_no"], loose["customer_name"], loose["doc_type"]) == (
        "3301000003", "张三", "YK11")
    assert (loose["title"], loose["doc_date"], loose["archive_no"], loose["retention"]) == (
        "张三 补签合同", "2019-07-01", "G017-YX·2019-D30-YK-0001", "30年")
    contract = docs[CONTRACT]
    assert (contract["doc_type"], contract["retention"], contract["account_no"]) == (
        "YK12", "永久", "3301000001")


def test_incremental_runs_add_change_delete(tmp_path: Path) -> None:
    root, ix = build_archive(tmp_path / "a"), tmp_path / "ix"
    run_index(root, ix, workers=1, progress=False)
    again = run_index(root, ix, workers=1, progress=False)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 6)

    folder = root / "城西供电所" / "3301000004_宁波华丰纺织有限公司"
    make_txt(folder / "供用电合同.txt", "供用电合同\n户号：3301000004\n签订日期：2022年2月2日")
    application = root / "城西供电所" / "3301000002_张三丰" / "用电申请书.txt"
    application.write_text("用电申请书\n户号：3301000002\n申请增容至 8kW", "gbk")
    (root / "城东供电所" / "待归档" / "情况说明.txt").unlink()
    third = run_index(root, ix, workers=1, progress=False)
    assert (third.added, third.updated, third.removed, third.unchanged) == (1, 1, 1, 4)
    docs = stored(ix)
    assert "申请增容" in docs["城西供电所/3301000002_张三丰/用电申请书.txt"]["content"]
    assert "城东供电所/待归档/情况说明.txt" not in docs
    assert len(docs) == 6


def test_customer_master_data_change_refreshes_unchanged_documents(tmp_path: Path) -> None:
    root, ix = build_archive(tmp_path / "a"), tmp_path / "ix"
    run_index(root, ix, workers=1, progress=False)
    from tests.factories import CUSTOMERS
    rows = [list(r) for r in CUSTOMERS]
    rows[0][1] = "杭州明远新材料有限公司"  # 更名
    write_customers(root, rows=rows)
    summary = run_index(root, ix, workers=1, progress=False)
    assert summary.refreshed == 3 and summary.added == 0
    assert stored(ix)[CONTRACT]["customer_name"] == "杭州明远新材料有限公司"


def test_broken_files_are_recorded_and_retried_when_changed(tmp_path: Path) -> None:
    root, ix = build_archive(tmp_path / "a"), tmp_path / "ix"
    folder = root / "城东供电所" / "3301000001_杭州明远纺织有限公司"
    (folder / "损坏.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<")
    (folder / "空白.docx").write_bytes(b"")
    (folder / "现场照片.dwg").write_bytes(b"AC1027")
    summary = run_index(root, ix, workers=2, progress=False)
    reasons = dict(summary.failed)
    assert set(reasons) == {f"城东供电所/3301000001_杭州明远纺织有限公司/{n}"
                            for n in ("损坏.pdf", "空白.docx", "现场照片.dwg")}
    assert "0 字节" in reasons["城东供电所/3301000001_杭州明远纺织有限公司/空白.docx"]
    assert summary.added == 6
    statuses = {p: k.status for p, k in catalog_of(ix).known_files().items()}
    assert statuses["城东供电所/3301000001_杭州明远纺织有限公司/现场照片.dwg"] == "unsupported"

    second = run_index(root, ix, workers=1, progress=False)
    assert second.failed == [] and second.still_failing == 3
    make_pdf(folder / "损坏.pdf", [["用电检查工作单", "户号：3301000001"]])
    third = run_index(root, ix, workers=1, progress=False)
    assert third.failed == [] and third.updated == 1


def test_bad_root_and_bad_index_dir_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(ArchiveRootError, match="不存在"):
        run_index(tmp_path / "nope", tmp_path / "ix", progress=False)
    root = build_archive(tmp_path / "a")
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "notes.txt").write_text("x")
    with pytest.raises(IndexDirError, match="不是索引"):
        run_index(root, tmp_path / "junk", progress=False)
    (root / "customers.csv").write_text("户号,户名\n1,a\n", "utf-8")
    with pytest.raises(TableError, match="用户分类"):
        run_index(root, tmp_path / "ix", progress=False)


def test_killed_run_leaves_a_searchable_index_and_the_next_run_completes(tmp_path: Path) -> None:
    root = build_archive(tmp_path / "a")
    bulk = root / "城东供电所" / "3301000003_张三" / "电费"
    for n in range(600):
        make_txt(bulk / f"电费通知单_{n:04d}.txt", f"电费通知单\n户号：3301000003\n第 {n} 期")
    ix = tmp_path / "ix"
    command = [sys.executable, "-m", "search_service.cli.main", "index", str(root),
               "--index", str(ix), "--workers", "1", "--batch-size", "50", "--quiet"]
    process = subprocess.Popen(command, cwd=Path(__file__).parents[2], start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if engine_count(ix) >= 50:
            break
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)  # the run and its worker, as a crash takes both
    process.wait()
    committed = len(catalog_of(ix).known_files())
    assert 50 <= committed < 606, "the run should have been killed mid-way"
    assert search(ix, q="电费").total >= 1
    summary = run_index(root, ix, workers=2, progress=False)
    assert summary.added == 606 - committed
    assert engine_count(ix) == 606


def test_index_dir_inside_the_archive_is_not_indexed(tmp_path: Path) -> None:
    root = build_archive(tmp_path / "a")
    run_index(root, root / "index", workers=1, progress=False)
    summary = run_index(root, root / "index", workers=1, progress=False)
    assert (summary.added, summary.unchanged) == (0, 6)
    assert not [p for p in stored(root / "index") if p.startswith("index/")]


def test_links_to_files_outside_the_archive_are_not_indexed(tmp_path: Path) -> None:
    root = build_archive(tmp_path / "archive")
    secret = make_txt(tmp_path / "outside" / "secret.txt", "户号：3301000001\n外部机密\n")
    (root / "城东供电所" / "外部.txt").symlink_to(secret)
    (root / "城东供电所" / "内部.txt").symlink_to(root / "城西供电所" / "3301000002_张三丰" / "用电申请书.txt")
    run_index(root, tmp_path / "ix", workers=1, progress=False)
    paths = set(catalog_of(tmp_path / "ix").known_files())
    assert "城东供电所/外部.txt" not in paths
    assert "城东供电所/内部.txt" in paths


def test_master_data_files_are_not_documents(tmp_path: Path) -> None:
    root = build_archive(tmp_path / "a")
    (root / "units.csv").write_text("单位,上级单位\n城东供电所,县供电公司\n", "utf-8")
    summary = run_index(root, tmp_path / "ix", workers=1, progress=False)
    assert summary.added == 6 and summary.failed == []
    assert not [p for p in stored(tmp_path / "ix") if p.endswith(".csv")]
    (root / "units.csv").write_text("单位,上级单位\n城西供电所,县供电公司\n", "utf-8")
    again = run_index(root, tmp_path / "ix", workers=1, progress=False)
    assert (again.refreshed, again.unchanged) == (0, 6)  # the unit tree feeds no record


def test_failed_and_unassigned_files_keep_their_customer_and_unit(tmp_path: Path) -> None:
    root = build_archive(tmp_path / "a")
    folder = root / "城东供电所" / "3301000001_杭州明远纺织有限公司"
    (folder / "损坏.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<")
    (root / "无名单位" / "杂项").mkdir(parents=True)
    (root / "无名单位" / "杂项" / "说明.txt").write_text("说明：客户不详", "utf-8")
    run_index(root, tmp_path / "ix", workers=1, progress=False)
    docs = stored(tmp_path / "ix")
    broken = docs["城东供电所/3301000001_杭州明远纺织有限公司/损坏.pdf"]
    assert (broken["status"], broken["account_no"], broken["customer_name"], broken["org"]) == (
        "failed", "3301000001", "杭州明远纺织有限公司", "城东供电所")
    assert docs["城东供电所/待归档/情况说明.txt"]["org"] == "城东供电所"
    assert docs["无名单位/杂项/说明.txt"]["org"] == ""  # not a unit customers.csv knows

    from tests.factories import CUSTOMERS
    rows = [list(r) for r in CUSTOMERS]
    rows[0][1] = "杭州明远新材料有限公司"  # 更名: the failed file follows its customer
    write_customers(root, rows=rows)
    summary = run_index(root, tmp_path / "ix", workers=1, progress=False)
    assert summary.refreshed == 4 and summary.failed == []
    broken = stored(tmp_path / "ix")["城东供电所/3301000001_杭州明远纺织有限公司/损坏.pdf"]
    assert (broken["status"], broken["customer_name"]) == ("failed", "杭州明远新材料有限公司")


def test_documents_reach_their_customer_by_a_table_cell_or_a_folder_named_by_them(
        tmp_path: Path) -> None:
    root = tmp_path / "a"
    rows = CUSTOMERS + [["3301000005", "张三", "低压居民", "居民生活", "220V", "城西供电所",
                         "杭州市西湖区1号", "13700002222", ""]]
    write_customers(root, rows)
    make_pdf(root / "城西供电所" / "待归档" / "检查单.pdf",
             [["用电检查工作单", "户号 | 3301000004", "检查日期：2023-05-01"]])
    make_txt(root / "城西供电所" / "待归档" / "申请.txt", "用电申请书\n户号 3301000004\n")
    make_txt(root / "城东供电所" / "张三" / "合同.txt", "供用电合同\n甲方：张三\n")
    make_txt(root / "其他" / "张三" / "合同.txt", "供用电合同\n甲方：张三\n")  # two 张三 in all
    summary = run_index(root, tmp_path / "ix", workers=1, progress=False)
    docs = stored(tmp_path / "ix")
    assert docs["城西供电所/待归档/检查单.pdf"]["account_no"] == "3301000004"
    assert docs["城西供电所/待归档/申请.txt"]["account_no"] == "3301000004"
    assert docs["城东供电所/张三/合同.txt"]["account_no"] == "3301000003"
    assert summary.unassigned == ["其他/张三/合同.txt"]


def test_new_inference_rules_refresh_unchanged_documents(tmp_path: Path, monkeypatch) -> None:
    from indexer import records as records_mod
    from indexer.pipeline import EXTRACTION_VERSION

    root = build_archive(tmp_path / "a")
    loose = "城东供电所/待归档/情况说明.txt"
    make_txt(root / loose, "情况说明\n户号 3301000003\n")
    run_index(root, tmp_path / "ix", workers=1, progress=False)
    row = stored(tmp_path / "ix")[loose]
    assert row["account_no"] == "3301000003"
    catalog_of(tmp_path / "ix").write([{**row, "account_no": ""}], (), EXTRACTION_VERSION)
    assert run_index(root, tmp_path / "ix", workers=1, progress=False).refreshed == 0
    assert stored(tmp_path / "ix")[loose]["account_no"] == ""  # as an older rule left it
    monkeypatch.setattr(records_mod, "INFERENCE_VERSION", records_mod.INFERENCE_VERSION + 1)
    summary = run_index(root, tmp_path / "ix", workers=1, progress=False)
    assert summary.refreshed >= 1 and stored(tmp_path / "ix")[loose]["account_no"] == "3301000003"


def test_ocr_progress_says_pages_and_pace() -> None:
    from indexer.pipeline import ocr_progress

    assert ocr_progress(1, 0.5) == "OCR 1 页"
    assert ocr_progress(12, 30.0) == "OCR 12 页，0.40 页/秒"
