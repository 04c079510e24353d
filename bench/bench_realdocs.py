"""Benchmark: the real-document corpus through the pipeline, and what OCR of a page costs.

1. Indexes ``--copies`` copies of the corpus of tests/realworld.py (PDF fallbacks, glyph-name
   and scanned pages read by OCR, Word, OpenDocument, PowerPoint, HTML, e-mail...) with the
   real pipeline and ``--workers`` workers: documents per second and, per worker process,
   the peak of its private resident memory (what the --memory-mb budget counts) and its
   VmHWM (which also counts the pages it shares with the main process), sampled every 0.1 s.
2. OCR of one A4 page scanned at 200 dpi (24 lines of 12-point text): rendered at 200 dpi as
   before (1654×2339 px) against the new cap of OCR_LONG_SIDE (1414×2000 px), alternating,
   median of ``--repeat``, with the share of the printed lines' characters OCR returns; and a
   blank page: OCR against the ink check that now skips it.

Not a test: record the figures in docs/formats-real-world.md.

    .venv/bin/python bench/bench_realdocs.py [--copies 4] [--workers 2] [--repeat 3]
                                             [--part all|corpus|ocr]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_engines import status_mb  # noqa: E402
from indexer.extract.images import is_blank  # noqa: E402
from indexer.extract.pdf import MAX_RENDER_DPI, render_scale  # noqa: E402
from indexer.ocr import ocr_image, set_threads  # noqa: E402
from indexer.pipeline import run_index  # noqa: E402
from indexer.workers import resident  # noqa: E402
from tests.realworld import CASES  # noqa: E402

LINES = [f"第{n + 1}条 用电人户号33010{n:05d}，受电容量630千伏安，计量方式为高供高计。"
         for n in range(24)]


def corpus_run(copies: int, workers: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "archive"
        for copy in range(copies):
            for case in CASES:
                case.build(root / f"第{copy}批" / case.name)
                path = root / f"第{copy}批" / case.name
                path.write_bytes(path.read_bytes() + b"\n" * copy)  # distinct: no OCR cache hits
        peaks: dict[int, float] = {}
        hwm: dict[int, float] = {}
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.1):
                for child in multiprocessing.active_children():
                    peaks[child.pid] = max(peaks.get(child.pid, 0.0), resident(child.pid) / 2**20)
                    hwm[child.pid] = max(hwm.get(child.pid, 0.0), status_mb(child.pid, "VmHWM"))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        summary = run_index(root, Path(tmp) / "ix", workers=workers, progress=False)
        done.set()
        sampler.join()
        files = copies * len(CASES)
        print(f"corpus: {files} files ({len(CASES)} kinds × {copies}), {workers} workers: "
              f"{summary.seconds:.1f} s = {files / summary.seconds:.2f} docs/s, "
              f"{summary.ocr_pages} pages OCR'd, failed {len(summary.failed)}")
        print(f"peak private resident memory per worker (MB): "
              f"{sorted(round(mb) for mb in peaks.values() if mb)}; VmHWM per worker "
              f"{sorted(round(mb) for mb in hwm.values() if mb)}; main process "
              f"{status_mb(os.getpid(), 'VmHWM'):.0f} MB")


def a4_scan() -> Path:
    from PIL import Image, ImageDraw, ImageFont

    from indexer.fonts import cjk_font_path

    page = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(cjk_font_path(), 33)  # 12 pt at 200 dpi
    for n, line in enumerate(LINES):
        draw.text((150, 200 + n * 80), line, font=font, fill=0)
    path = Path(tempfile.mkdtemp()) / "scan.pdf"
    page.save(path, resolution=200)
    return path


def ocr_costs(repeat: int) -> None:
    import pypdfium2 as pdfium
    from PIL import Image

    set_threads(1)
    document = pdfium.PdfDocument(str(a4_scan()))
    page = document[0]
    scales = {"200 dpi (before)": MAX_RENDER_DPI / 72,
              "long side 2000 px (now)": render_scale(*page.get_size())}
    times: dict[str, list[float]] = {k: [] for k in scales}
    found: dict[str, float] = {}
    ocr_image(Image.new("L", (100, 100), 255))  # load the models outside the timings
    expected = "".join(LINES)
    for _ in range(repeat):
        for label, scale in scales.items():
            began = time.perf_counter()
            image = page.render(scale=scale, grayscale=True).to_pil()
            text = ocr_image(image).text.replace(" ", "").replace("\n", "")
            times[label].append(time.perf_counter() - began)
            found[label] = sum(min(text.count(c), expected.count(c)) for c in set(expected)) \
                / len(expected)
    for label in scales:
        image = page.render(scale=scales[label], grayscale=True).to_pil()
        print(f"A4 page, {label}, {image.width}×{image.height} px: median "
              f"{statistics.median(times[label]):.2f} s (render + OCR, 1 thread), "
              f"{1 / statistics.median(times[label]):.2f} pages/s, characters found "
              f"{found[label]:.1%}")
    blank = Image.new("L", (1414, 2000), 252)
    began = time.perf_counter()
    ocr_image(blank)
    ocr_blank = time.perf_counter() - began
    began = time.perf_counter()
    is_blank(blank)
    check = time.perf_counter() - began
    print(f"blank page: OCR {ocr_blank:.2f} s, ink check {check * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--part", choices=("all", "corpus", "ocr"), default="all")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f}")
    if args.part in ("all", "corpus"):
        corpus_run(args.copies, args.workers)
    if args.part in ("all", "ocr"):
        ocr_costs(args.repeat)


if __name__ == "__main__":
    main()
