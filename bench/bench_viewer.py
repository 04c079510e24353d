"""Benchmark: how long the page viewer takes to produce one page image, by kind of page.

Text PDF pages (pdfium render, text-layer boxes) and scanned inspection sheets (Pillow, and
for masked viewers RapidOCR boxes), each rendered, highlighted, masked and watermarked as
``search_service.viewer.pages.page_png`` does for a request; and a whole masked copy. Medians
of N runs after one warm-up (the OCR engine loads once); the masked scan both with its OCR
boxes computed and taken from the viewer's cache, and with its OCR lines kept by the indexer
in the catalog (``page_lines``, on a SQLite file here) so the first view recognises nothing.
Not a test: record the figures in docs/benchmarks-viewer.md.

    .venv/bin/python bench/bench_viewer.py [--runs 7]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import random
import statistics
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

from indexer.catalog.page_lines import LineStore, PageLines
from indexer.fonts import cjk_font_path
from sample_archive.scans import Subject, inspection_sheet
from search_service.migrate import make_engine
from search_service.viewer import page_cache
from search_service.viewer.highlight import compile_phrases
from search_service.viewer.marks import Watermark
from search_service.viewer.pages import copy_pdf, page_png
from search_service.viewer.render import _hashes, _ocr_cache

LINES = [f"供用电合同 第{n}条 用电人联系电话 1381234{n:04d} 身份证号 33010219850202{n:04d}"
         for n in range(40)]


GAP = 0.3  # seconds from the document view to the browser's request for page 1: the page's
# HTML, style and layout (a scenario, not measured here)


def text_pdf(path: Path, pages: int) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path))
    for _ in range(pages):
        pdf.setFont("STSong-Light", 11)
        for n, line in enumerate(LINES):
            pdf.drawString(50, 800 - n * 19, line)
        pdf.showPage()
    pdf.save()
    return path


def scan(path: Path) -> Path:
    subject = Subject("3301000001", "杭州明远纺织有限公司", "城东供电所", "杭州市余杭区明远路8号", "10kV")
    inspection_sheet(subject, date(2023, 5, 12), random.Random(0), cjk_font_path()).save(path)
    return path


def cold(action):  # noqa: ANN001, ANN201 - the action with nothing of the page kept
    def run():  # noqa: ANN202
        _ocr_cache.clear()
        _hashes.clear()  # the file is hashed again, as on a first view
        page_cache.clear()
        return action()
    return run


def kept_lines(path: Path, url: str) -> LineStore:
    """A catalog database holding the scan's OCR lines as an indexing run leaves them."""
    from indexer.extract import Limits
    from indexer.extract.images import extract_image

    store = LineStore(make_engine(url))
    found = extract_image(path, Limits(), lambda: None).page_lines
    store.put(hashlib.sha256(path.read_bytes()).hexdigest(), map(PageLines.of, found))
    return store


def ahead(path: Path, file_type: str, mark: Watermark, gap: float,
          store: LineStore | None = None):  # noqa: ANN201
    """A first view whose page was rendered ahead by the document view ``gap`` seconds
    before the browser asked for it; only the page request is timed."""
    def run():  # noqa: ANN202
        _ocr_cache.clear()
        _hashes.clear()  # the file is hashed again, as on a first view
        page_cache.clear()
        page_cache.warm(path, file_type, 0, True, store)
        time.sleep(gap)
        start = time.perf_counter()
        page_png(path, file_type, 0, mark, True, store=store)
        return time.perf_counter() - start
    return run


def median_seconds(action, runs: int) -> float:  # noqa: ANN001 - a callable without arguments
    action()  # warm-up: models, fonts, caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        timed = action()
        times.append(timed if isinstance(timed, float) else time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    mark = Watermark("bench", "城东供电所", datetime.now(timezone.utc), "0" * 32)
    pattern = compile_phrases([("合同",)])
    with tempfile.TemporaryDirectory() as tmp:
        pdf = text_pdf(Path(tmp) / "contract.pdf", 5)
        sheet = scan(Path(tmp) / "sheet.png")
        store = kept_lines(sheet, f"sqlite:///{Path(tmp) / 'catalog.db'}")
        cases = {
            "text PDF page, unmasked": lambda: page_png(pdf, "pdf", 0, mark, False, pattern),
            "text PDF page, masked": lambda: page_png(pdf, "pdf", 0, mark, True, pattern),
            "scan page, unmasked": lambda: page_png(sheet, "png", 0, mark, False),
            "scan page, masked, first view": cold(lambda: page_png(sheet, "png", 0, mark, True)),
            f"  rendered ahead, asked {GAP}s later": ahead(sheet, "png", mark, GAP),
            "scan page, masked, first view, lines kept": cold(
                lambda: page_png(sheet, "png", 0, mark, True, store=store)),
            f"  rendered ahead, asked {GAP}s later ": ahead(sheet, "png", mark, GAP, store),
            "scan page, masked, page cached": lambda: page_png(sheet, "png", 0, mark, True),
            "text PDF page, masked, first view": cold(lambda: page_png(pdf, "pdf", 0, mark, True)),
            "masked copy, 5-page text PDF": lambda: copy_pdf(pdf, "pdf", "", "合同", mark),
        }
        print(f"python {platform.python_version()}, {os.cpu_count()} cores, "
              f"median of {args.runs} runs")
        for name, action in cases.items():
            print(f"{name:42s} {median_seconds(action, args.runs) * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
