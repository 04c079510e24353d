"""Indexing runs over archives full of bad files: every one recorded, none stops the run."""

import multiprocessing
import os
import hashlib
import shutil
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import delete

from indexer.catalog.page_lines import LineStore
from indexer.catalog.tables import page_lines
from indexer.extract import Limits
from indexer.files import scan
from indexer.pipeline import process_file, run_index
from indexer.records import FileFacts
from indexer.schema import TEXT_SOURCE_LAYER, TEXT_SOURCE_OCR
from indexer.workers import TaskLimits
from search_service.cli.indexing import format_summary
from search_service.db import default_url
from search_service.migrate import make_engine
from search_service.reading.search import SearchParams
from tests import searching
from tests.factories import build_archive, make_txt
from tests.hostile import (deep_pdf, docx_with, encrypted_pdf, executable, png_claiming,
                           recursive_pdf, truncated_pdf, xlsx, xlsx_with_sheet_xml, zip_bomb_docx,
                           zip_bomb_xlsx)
from tests.scans import page_image, scan_file

CUSTOMER = "城东供电所/3301000001_杭州明远纺织有限公司"

# relative path under CUSTOMER/坏文件 -> (builder, words the recorded reason must contain)
BAD_FILES = {
    "加密.pdf": (lambda p: encrypted_pdf(p, "123456"), "需要密码"),
    "截断.pdf": (truncated_pdf, "损坏或不完整"),
    "循环.pdf": (recursive_pdf, "循环引用"),
    "炸弹.docx": (lambda p: zip_bomb_docx(p, 20), "压缩炸弹"),
    "炸弹.xlsx": (lambda p: zip_bomb_xlsx(p, 20), "压缩炸弹"),
    "坏XML.docx": (lambda p: docx_with(p, b"<w:document><w:body>"), "XML 格式错误"),
    "坏XML.xlsx": (lambda p: xlsx_with_sheet_xml(p, b"<worksheet><row>"), "XML 格式错误"),
    "空文件.pdf": (lambda p: p.write_bytes(b"") or p, "0 字节"),
    "巨图.png": (lambda p: png_claiming(p, 100_000, 100_000), "解压炸弹"),
    "改名程序.pdf": (lambda p: executable(p, "MZ"), "可执行程序"),
    "旧文件.doc": (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512) or p,
                   "需要安装 LibreOffice"),
    "超大.txt": (lambda p: make_txt(p, "供用电合同条款。" * 20_000), "文件过大"),
}
NO_SOFFICE = Limits(soffice="/nonexistent/soffice", max_bytes=200_000)


def stored(index_dir: Path) -> dict[str, dict]:
    return searching.records(index_dir)


def search(index_dir: Path, q: str, **filters: tuple[str, ...]):  # noqa: ANN201
    return searching.search(index_dir, SearchParams(q=q, filters=filters))


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, object]:
    """A real archive with every kind of bad file beside the good ones, and a scan, indexed."""
    root = build_archive(tmp_path_factory.mktemp("mixed") / "archive")
    bad = root / CUSTOMER / "坏文件"
    bad.mkdir()
    for name, (build, _) in BAD_FILES.items():
        build(bad / name)
    scan_file(root / CUSTOMER / "扫描件" / "用电检查工作单_20230512.jpg",
              [page_image(["用电检查工作单", "户号：3301000001", "检查结果：电缆沟积水"],
                          rotation=90).convert("RGB")])
    deep_pdf(root / CUSTOMER / "坏文件" / "深层嵌套.pdf")
    make_txt(root / CUSTOMER / "奇怪 名字（副本）#1 😀.txt", "情况说明 户号：3301000001 奇名文件")
    gbk_name = os.fsencode(root / CUSTOMER) + b"/" + "旧系统导出.txt".encode("gbk")
    with open(gbk_name, "wb") as fh:
        fh.write("旧系统导出 户号：3301000001 编码测试".encode("gbk"))
    index_dir = root.parent / "ix"
    summary = run_index(root, index_dir, workers=2, progress=False, limits=NO_SOFFICE)
    return root, index_dir, summary


def test_every_bad_file_is_recorded_with_its_reason(mixed) -> None:  # noqa: ANN001
    _, _, summary = mixed
    reasons = dict(summary.failed)
    for name, (_, words) in BAD_FILES.items():
        assert words in reasons[f"{CUSTOMER}/坏文件/{name}"], name


def test_every_good_file_is_indexed_and_searchable(mixed) -> None:  # noqa: ANN001
    root, index_dir, summary = mixed
    docs = stored(index_dir)
    good = [p for p, d in docs.items() if d["status"] == "ok"]
    assert len(good) == 6 + 3  # build_archive's six, the scan, the odd name, the GBK name
    assert f"{CUSTOMER}/旧系统导出.txt" in good and f"{CUSTOMER}/奇怪 名字（副本）#1 😀.txt" in good
    assert search(index_dir, "编码测试").total == 1
    assert search(index_dir, "奇名文件").total == 1
    assert search(index_dir, "杭州明远纺织").total >= 4


def test_scan_is_found_by_its_content_and_faceted_as_ocr(mixed) -> None:  # noqa: ANN001
    _, index_dir, summary = mixed
    result = search(index_dir, "电缆沟积水")
    paths = [hit["path"] for hit in result.hits]
    assert f"{CUSTOMER}/扫描件/用电检查工作单_20230512.jpg" in paths
    facet = {f["value"]: f["count"] for f in search(index_dir, "").facets["text_source"]}
    assert facet[TEXT_SOURCE_OCR] == 1 and facet[TEXT_SOURCE_LAYER] == 8
    only_ocr = search(index_dir, "", text_source=(TEXT_SOURCE_OCR,))
    assert [h["path"] for h in only_ocr.hits] == [f"{CUSTOMER}/扫描件/用电检查工作单_20230512.jpg"]
    scan_doc = stored(index_dir)[f"{CUSTOMER}/扫描件/用电检查工作单_20230512.jpg"]
    assert scan_doc["account_no"] == "3301000001" and scan_doc["ocr_confidence"] > 0.9
    assert summary.ocr_pages >= 1


def test_unchanged_scan_is_not_read_again_even_when_touched(mixed, tmp_path: Path) -> None:  # noqa: ANN001
    root, index_dir, _ = mixed
    copy_root, copy_index = tmp_path / "archive", tmp_path / "ix"
    shutil.copytree(root, copy_root)
    searching.copy_index(index_dir, copy_index)
    scan = copy_root / CUSTOMER / "扫描件" / "用电检查工作单_20230512.jpg"
    os.utime(scan, ns=(0, scan.stat().st_mtime_ns + 10**9))
    moved = copy_root / CUSTOMER / "扫描件" / "改名后.jpg"
    shutil.copyfile(scan, moved)  # same content under a new name: the cache knows it too
    lines = LineStore(make_engine(default_url(copy_index)))
    sha = hashlib.sha256(scan.read_bytes()).hexdigest()
    assert lines.get(sha, 0) is not None  # kept by the first run
    with lines.engine.begin() as conn:  # as a catalog from before the lines were kept
        conn.execute(delete(page_lines))
    summary = run_index(copy_root, copy_index, workers=2, progress=False, limits=NO_SOFFICE)
    assert (summary.ocr_cached, summary.ocr_pages) == (2, 0)
    assert "电缆沟积水" in "".join(text for _, text in lines.get(sha, 0).lines)  # from the cache
    assert "OCR 识别 0 页；2 份扫描件内容未变" in format_summary(summary)
    hits = search(copy_index, "电缆沟积水").hits
    assert sorted(h["path"] for h in hits if h["path"].endswith(".jpg")) == [
        f"{CUSTOMER}/扫描件/改名后.jpg", f"{CUSTOMER}/扫描件/用电检查工作单_20230512.jpg"]


def test_failed_files_are_retried_only_when_asked(mixed, tmp_path: Path) -> None:  # noqa: ANN001
    root, index_dir, _ = mixed
    copy_index = tmp_path / "ix"
    searching.copy_index(index_dir, copy_index)
    again = run_index(root, copy_index, workers=2, progress=False, limits=NO_SOFFICE)
    assert again.failed == [] and again.still_failing == len(BAD_FILES) + 1
    retried = run_index(root, copy_index, workers=2, progress=False, limits=NO_SOFFICE,
                        retry_failed=True)
    assert len(retried.failed) == len(BAD_FILES) + 1


def test_a_worker_stuck_on_a_file_is_killed_and_the_run_goes_on(tmp_path: Path) -> None:
    root = build_archive(tmp_path / "archive")
    long_scan = [f"第{n}行 户号：3301000001 检查结果：配电房未配备灭火器，电缆沟积水" for n in range(24)]
    scan_file(root / CUSTOMER / "扫描件" / "长扫描.png", [page_image(long_scan, size=(1800, 2300))])
    summary = run_index(root, tmp_path / "ix", workers=2, progress=False,
                        task_limits=TaskLimits(seconds=1.0))
    assert summary.failed == [(f"{CUSTOMER}/扫描件/长扫描.png", "处理超时（超过 1 秒无进展），已终止并跳过")]
    assert summary.added == 6  # every file of build_archive
    assert search(tmp_path / "ix", "灭火器").total == 2  # the DOCX and the notice, not the scan


def test_file_vanishing_or_changing_mid_run_is_recorded(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    path = make_txt(root / "户.txt", "户号：3301000001")
    (facts,) = scan(root)
    os.utime(path, ns=(0, facts.mtime + 10**9))  # rewritten after the scan saw it
    assert "被修改" in process_file(root, facts).error
    path.unlink()
    outcome = process_file(root, facts)
    assert (outcome.status, outcome.error) == ("failed", "文件在索引过程中被删除或移走")


def test_special_files_are_refused_not_read(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    root.mkdir()
    os.mkfifo(root / "管道.txt")  # opening it for reading would block forever
    outcome = process_file(root, FileFacts("管道.txt", 0, 0))
    assert outcome.error == "不是普通文件（设备、管道或套接字），未处理"


def _process_as_nobody(root: Path, facts: FileFacts, conn) -> None:  # noqa: ANN001
    if os.geteuid() == 0:
        os.setgid(65534)
        os.setuid(65534)  # root reads any file: drop to nobody as a real user would be
    conn.send(process_file(root, facts))


def test_unreadable_file_is_recorded(tmp_path: Path) -> None:
    root = Path(tempfile.mkdtemp(prefix="archive-perm-"))  # a world-traversable folder
    try:
        os.chmod(root, 0o755)
        path = make_txt(root / "机密.txt", "户号：3301000001")
        os.chmod(path, 0)
        (facts,) = scan(root)
        parent, child = multiprocessing.get_context("fork").Pipe()
        worker = multiprocessing.get_context("fork").Process(
            target=_process_as_nobody, args=(root, facts, child))
        worker.start()
        outcome = parent.recv()
        worker.join()
        assert (outcome.status, outcome.error) == ("failed", "无权限读取文件（请检查文件权限）")
    finally:
        shutil.rmtree(root)
