"""Benchmark: OCR throughput and accuracy on the sample scans, and what the OCR cache saves.

Writes N scanned forms (sample_archive.scans) into a temporary archive, indexes it with the
real pipeline (killable workers, OCR on every core), measures pages per second, the share of
the 户号 and 户名 printed on each form that OCR returns, the confidence spread, and a second
run after touching every scan (read from the cache). Not a test: record the figures in
docs/benchmarks-ocr.md.

    .venv/bin/python bench/bench_ocr.py [--scans 40] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path

from indexer.catalog.store import Catalog
from indexer.customers import Customer
from indexer.pipeline import run_index
from sample_archive.scans import SUBFOLDER, add_scans
from search_service.db import default_url

NAMES = ("杭州明远纺织有限公司", "张三丰", "宁波华丰纺织有限公司", "李秀英", "温州瓯江电机厂", "陈建国",
         "绍兴柯桥印染有限公司", "王美华", "嘉兴南湖食品厂", "赵志强")


def roster(count: int) -> list[Customer]:
    return [Customer(f"3301{n:06d}", NAMES[n % len(NAMES)] + ("" if n < len(NAMES) else f"{n}号"),
                     "低压居民", "居民生活", "220V", ("城东供电所", "城西供电所")[n % 2],
                     f"杭州市西湖区文三路{n + 1}号", "", "") for n in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scans", type=int, default=40)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    customers = roster(args.scans)
    with tempfile.TemporaryDirectory() as tmp:
        root, index_dir = Path(tmp) / "archive", Path(tmp) / "ix"
        began = time.monotonic()
        add_scans(root, random.Random(0), customers)
        generated = time.monotonic() - began
        first = run_index(root, index_dir, workers=args.workers, progress=False)
        for path in root.rglob("*.*"):
            os.utime(path, ns=(0, path.stat().st_mtime_ns + 10**9))
        second = run_index(root, index_dir, workers=args.workers, progress=False)
        catalog = Catalog.open(default_url(index_dir))
        docs = {d["path"]: d for d in catalog.rows(catalog.known_files())}
        found, confidences = 0, []
        for customer in customers:
            folder = f"{customer.org}/{customer.account_no}_{customer.name}/{SUBFOLDER}/"
            (doc,) = [d for p, d in docs.items() if p.startswith(folder)]
            text = doc.get("content", "").replace(" ", "")
            found += (customer.account_no in text) + (customer.name in text)
            confidences.append(doc.get("ocr_confidence", -1))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"scans: {args.scans} files, {first.ocr_pages} pages (generated in {generated:.1f} s)")
    print(f"first run: {first.seconds:.1f} s with {args.workers} workers = "
          f"{first.ocr_pages / first.seconds:.2f} pages/s, "
          f"{first.seconds * args.workers / max(first.ocr_pages, 1):.2f} core-s per page; "
          f"failed {len(first.failed)}")
    print(f"second run after touching every scan: {second.seconds:.2f} s, "
          f"{second.ocr_cached} from the cache, {second.ocr_pages} pages OCR'd")
    print(f"户号/户名 found: {found}/{2 * len(customers)} = {found / (2 * len(customers)):.1%}")
    print(f"confidence: min {min(confidences):.4f}, median {statistics.median(confidences):.4f}")


if __name__ == "__main__":
    main()
