"""Benchmark: what an EEP export costs per megabyte of originals — the digests (SHA-256,
SM3 from OpenSSL, and the pure-Python ``gmssl`` SM3 when installed) and one whole package
(base64, C14N digests of the signed object, XML), medians of a few runs side by side.

    .venv/bin/python bench/bench_eep.py [--mb 8] [--runs 5]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout

from search_service.archive_room.eep.package import Batch, Record, package_xml  # noqa: E402


def median_seconds(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=int, default=8)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    data = os.urandom(args.mb * 2**20)
    record = Record("0" * 16, "G017-YX·2023-D30-YK-0001", "供用电合同", "2023-05-12", "D30",
                    "3301000001", "杭州明远纺织有限公司", "城东供电所", "YK11", "供用电合同", 3,
                    "合同.pdf", "pdf", len(data), hashlib.sha256(data).hexdigest(), "合同正文" * 2000)
    batch = Batch("YJ-20250630-0001", "城东供电所", "clerk", "archivist", "archivist")
    now = datetime.now(timezone.utc)
    cases: dict[str, Callable[[], object]] = {
        "SHA-256 (hashlib)": lambda: hashlib.sha256(data).hexdigest(),
        "SM3 (hashlib/OpenSSL)": lambda: hashlib.new("sm3", data).hexdigest(),
        "package (base64, C14N digests, XML)": lambda: package_xml(record, batch, data, now),
    }
    try:
        from gmssl import func, sm3

        small = data[: 2**20]  # pure Python: one megabyte is enough to see it
        cases["SM3 (gmssl, 1 MB only)"] = lambda: sm3.sm3_hash(func.bytes_to_list(small))
    except ImportError:
        print("gmssl not installed: its row is left out")
    print(f"{args.mb} MB of random data, median of {args.runs} runs")
    print(f"{'what':40} {'ms per MB':>10}")
    for name, work in cases.items():
        size = 1 if "1 MB only" in name else args.mb
        runs = 1 if "gmssl" in name else args.runs
        print(f"{name:40} {median_seconds(work, runs) * 1000 / size:10.2f}")


if __name__ == "__main__":
    main()
