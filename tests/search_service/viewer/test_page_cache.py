"""Rendering under concurrency: many threads drawing text PDFs, scanned PDFs and scans at once
give the same pages as one thread does (pdfium is not thread-safe: without its lock a worker
aborts), 30 viewers of one page cost one rendering, and a document view renders its first
page ahead. Many processes: tests/search_service/test_load.py (page images under load)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from search_service.viewer import page_cache, render
from search_service.viewer.render import render_page
from tests.factories import make_pdf
from tests.scans import garbled_pdf, page_image, scan_file

THREADS = 16


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, str, int]]:
    """(path, file type, page) of text PDF pages, scanned PDF pages and scan images."""
    base = tmp_path_factory.mktemp("render")
    found = []
    for n in range(4):
        pdf = make_pdf(base / f"text{n}.pdf", [[f"用电申请书 {n} 第{p}页", "户号：3301000001"]
                                                for p in range(3)])
        found += [(pdf, "pdf", p) for p in range(3)]
    found.append((scan_file(base / "scan.pdf", [page_image(), page_image()]), "pdf", 1))
    found.append((garbled_pdf(base / "garbled.pdf"), "pdf", 0))
    found.append((scan_file(base / "scan.tif", [page_image(), page_image()]), "tif", 1))
    return found


def fingerprint(path: Path, file_type: str, index: int) -> tuple:
    page = render_page(path, file_type, index)
    return page.image.size, page.image.tobytes()[::97], page.text, page.source


def test_many_threads_render_the_same_pages_as_one(files) -> None:
    serial = [fingerprint(*f) for f in files]
    jobs = files * 6
    with ThreadPoolExecutor(THREADS) as pool:
        concurrent = list(pool.map(lambda f: fingerprint(*f), jobs))
    assert concurrent == serial * 6
    assert {s[3] for s in serial} == {"text", "ocr"}  # both kinds were drawn


def test_pdfium_runs_one_call_at_a_time(files, monkeypatch) -> None:
    """Plant overlapping use: every pdfium document open is counted while it is open."""
    import pypdfium2 as pdfium

    inside, most, guard = [0], [0], threading.Lock()
    real_init, real_close = pdfium.PdfDocument.__init__, pdfium.PdfDocument.close

    def counting_init(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        with guard:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(0.005)  # widen the window another thread would use
        real_init(self, *args, **kwargs)

    def counting_close(self):  # noqa: ANN001
        real_close(self)
        with guard:
            inside[0] -= 1

    monkeypatch.setattr(pdfium.PdfDocument, "__init__", counting_init)
    monkeypatch.setattr(pdfium.PdfDocument, "close", counting_close)
    pdfs = [f for f in files if f[1] == "pdf"]
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(lambda f: render.page_count(f[0], "pdf") + len(
            render_page(*f).text), pdfs * 3))
    assert most[0] == 1


def test_thirty_viewers_of_one_page_cost_one_rendering(files, monkeypatch) -> None:
    page_cache.clear()
    calls = []
    real = page_cache.render_page

    def counted(*args, **kwargs):  # noqa: ANN002, ANN003
        calls.append(args)
        time.sleep(0.05)
        return real(*args, **kwargs)

    monkeypatch.setattr(page_cache, "render_page", counted)
    path, file_type, index = files[0]
    with ThreadPoolExecutor(30) as pool:
        pages = list(pool.map(lambda _: page_cache.cached_page(path, file_type, index),
                              range(30)))
    assert len(calls) == 1
    assert len({id(p.image) for p in pages}) == 30  # each viewer draws on its own copy
    assert {p.image.tobytes()[::97] for p in pages} == {fingerprint(*files[0])[1]}


@pytest.mark.parametrize("file_type", ["pdf", "png", "jpg", "jpeg", "tif", "tiff", "bmp"])
def test_every_type_the_indexer_records_for_pages_is_paged(file_type: str) -> None:
    assert render.is_paged(file_type)  # a .tif scan once answered "no page 1"


def test_a_changed_file_is_rendered_again(tmp_path: Path) -> None:
    page_cache.clear()
    path = make_pdf(tmp_path / "a.pdf", [["第一版 用电申请书 户号 3301000001"]])
    first = page_cache.cached_page(path, "pdf", 0).text
    make_pdf(path, [["第二版 用电申请书 户号 3301000002 内容更长一些"]])
    assert page_cache.cached_page(path, "pdf", 0).text != first
    assert "第二版" in page_cache.cached_page(path, "pdf", 0).text


def test_a_page_that_fails_fails_for_every_waiting_viewer(tmp_path: Path) -> None:
    page_cache.clear()
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(page_cache.cached_page, broken, "pdf", 0) for _ in range(8)]
    assert all(f.exception() is not None for f in futures)
    assert not page_cache._pending  # nothing left waiting


def test_warm_renders_ahead(files) -> None:
    page_cache.clear()
    path, file_type, index = files[-1]  # a scan: OCR for a masked viewer
    page_cache.warm(path, file_type, index, True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with page_cache._lock:
            if any(k[0] == str(path) for k in page_cache._pages):
                break
        time.sleep(0.05)
    began = time.monotonic()
    page = page_cache.cached_page(path, file_type, index, ocr=True)
    assert time.monotonic() - began < 0.5
    assert "3301000001" in page.text
