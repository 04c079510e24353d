"""Benchmark: HTTP latency of the service over an existing index (e.g. the demo's).

Starts ``archive-search serve`` on a free port, sends each request of a realistic mix
``--rounds`` times and prints p50/p95 per request, plus the cost of opening a searcher
(paid by every request, so a new index commit is served without a restart).
Requests are made as a 稽查员 (all units, personal data masked) with a bearer token, so the
figures include authentication, masking and one access-log record per request (written to a
temporary database in demo mode).

    .venv/bin/python bench/bench_service.py [--index data/index] [--root data/sample-archive]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path


MIX = [
    ("户名片段", "/api/search?q=明远"),
    ("公司全称", "/api/search?q=纺织有限公司"),
    ("空检索浏览", "/api/search"),
    ("稽查筛选", "/api/search?doc_type=JC03&volt_level=10kV&year=2023"
                 "&hazard_status=未整改&hazard_status=逾期"),
    ("第 10 页", "/api/search?q=电费&page=10"),
    ("检索页面", "/?q=明远"),
]


HEADERS: dict[str, str] = {}


def timed_get(url: str) -> float:
    began = time.perf_counter()
    request = urllib.request.Request(urllib.parse.quote(url, safe=":/?=&"), headers=HEADERS)
    with urllib.request.urlopen(request) as response:
        response.read()
    return (time.perf_counter() - began) * 1000


def bench_token(index_dir: Path, db_url: str) -> str:
    """A bearer token of a 稽查员 in the benchmark's own database."""
    from search_service.access.control import Access
    from search_service.access.users import User
    from search_service.config import Settings

    access = Access(Settings(index_dir=index_dir, database_url=db_url, demo=True))
    access.accounts.create_user(User("bench", "admin", ""), "bench", "Speed-test-2026",
                                "inspector", "")
    return access.accounts.create_token(User("bench", "admin", ""), "bench", "bench")[1]


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def searcher_open_ms(index_dir: Path, rounds: int) -> float:
    from whoosh import index as windex

    from indexer.schema import build_schema
    from search_service.engines import whoosh_home
    from search_service.engines.whoosh import WhooshEngine

    home = whoosh_home(index_dir)
    ix = windex.open_dir(str(home / WhooshEngine(home)._state()["build"]), schema=build_schema())
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
    workdir = Path(tempfile.mkdtemp(prefix="bench-service-"))
    db_url = f"sqlite:///{workdir / 'bench.db'}"
    HEADERS["Authorization"] = f"Bearer {bench_token(args.index, db_url)}"
    env = {**os.environ, "ARCHIVE_SEARCH_DEMO": "1", "ARCHIVE_SEARCH_DB": db_url}
    server = subprocess.Popen([sys.executable, "-m", "search_service.cli.main", "serve", "--index",
                               str(args.index), "--root", str(args.root), "--port", str(port)],
                              env=env)
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
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"opening a searcher: {searcher_open_ms(args.index, args.rounds):.2f} ms (median)")
    return 0


def _first_account(base: str) -> str:
    import json

    request = urllib.request.Request(f"{base}/api/search?page_size=20", headers=HEADERS)
    with urllib.request.urlopen(request) as response:
        hits = json.loads(response.read())["hits"]
    return next(h["account_no"] for h in hits if h["account_no"])


if __name__ == "__main__":
    sys.exit(main())
