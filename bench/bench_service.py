"""Benchmark: HTTP latency of the service over an existing index (e.g. the demo's).

Starts ``archive-search serve`` on a free port, sends each request of a realistic mix
``--rounds`` times and prints p50/p95 per request, plus the cost of opening a searcher
(paid by every request, so a new index commit is served without a restart).

    .venv/bin/python bench/bench_service.py [--index data/index] [--root data/sample-archive]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from indexer.store import open_index

MIX = [
    ("户名片段", "/api/search?q=明远"),
    ("公司全称", "/api/search?q=纺织有限公司"),
    ("空检索浏览", "/api/search"),
    ("稽查筛选", "/api/search?doc_type=JC03&volt_level=10kV&year=2023"
                 "&hazard_status=未整改&hazard_status=逾期"),
    ("第 10 页", "/api/search?q=电费&page=10"),
    ("检索页面", "/?q=明远"),
]


def timed_get(url: str) -> float:
    began = time.perf_counter()
    with urllib.request.urlopen(urllib.parse.quote(url, safe=":/?=&")) as response:
        response.read()
    return (time.perf_counter() - began) * 1000


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def searcher_open_ms(index_dir: Path, rounds: int) -> float:
    ix = open_index(index_dir)
    samples = []
    for _ in range(rounds):
        began = time.perf_counter()
        ix.searcher().close()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("data/index"))
    parser.add_argument("--root", type=Path, default=Path("data/sample-archive"))
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "search_service.cli", "serve", "--index",
                               str(args.index), "--root", str(args.root), "--port", str(port)])
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                timed_get(f"{base}/api/health")
                break
            except OSError:
                time.sleep(0.1)
        with urllib.request.urlopen(f"{base}/api/health") as response:
            print(f"index: {response.read().decode()}")
        customer = f"/api/customers/{_first_account(base)}"
        for label, path in MIX + [("客户档案", customer)]:
            timed_get(base + path)  # warm up
            p50, p95 = percentiles([timed_get(base + path) for _ in range(args.rounds)])
            print(f"{label:　<6} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   {path}")
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"opening a searcher: {searcher_open_ms(args.index, args.rounds):.2f} ms (median)")
    return 0


def _first_account(base: str) -> str:
    import json

    with urllib.request.urlopen(f"{base}/api/search?page_size=1") as response:
        return json.loads(response.read())["hits"][0]["account_no"]


if __name__ == "__main__":
    sys.exit(main())
