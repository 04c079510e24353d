"""Benchmark: ``GET /api/suggest`` latency on the 20,000-document benchmark corpus.

Builds the corpus of bench_search.py (about ten documents per customer, so 2,000 customers),
writes its customers file, and requests suggestions through the real application
(in process through ArchiveReader.suggest, and over HTTP from ``archive-search serve``
with a bearer token: authentication, scope, the in-memory suggestion index) as a 稽查员 (all units) and as a
营业员 of one 供电所: name and brand prefixes, pinyin, initials and 户号 prefixes, as typed.
Figures go to docs/search-quality.md.

    .venv/bin/python bench/bench_suggest.py [--docs 20000] [--requests 300]
    .venv/bin/python bench/bench_suggest.py --index DIR --db DB --root ROOT   # a corpus kept
        (e.g. bench_http.py's at 100,000 documents: its index, a copy of its database, and
        the archive root holding its customers.csv; nothing is generated)
"""

from __future__ import annotations

import argparse
import csv
import os
import random
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

from pypinyin import lazy_pinyin

from bench_search import documents, index_ours
from search_service.access.control import Access
from search_service.access.users import User
from search_service.config import Settings
from search_service.reading.reader import ArchiveReader

ADMIN = User("bench", "admin", "")
HEADER = ("户号", "户名", "用户分类", "用电类别", "电压等级", "供电单位", "用电地址", "联系电话", "证件号码")


def write_customers(root: Path, docs: list[dict]) -> list[dict]:
    seen = {d["account_no"]: d for d in docs}
    root.mkdir(parents=True, exist_ok=True)
    with (root / "customers.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for d in seen.values():
            writer.writerow([d["account_no"], d["customer_name"], d["customer_class"], "", "",
                             d["org"], d["address"], "", ""])
    return list(seen.values())


def read_customers(root: Path) -> list[dict]:
    with (root / "customers.csv").open(encoding="utf-8-sig", newline="") as source:
        return [{"account_no": row["户号"], "customer_name": row["户名"]}
                for row in csv.DictReader(source)]


def typed(rng: random.Random, customers: list[dict], n: int) -> list[str]:
    """What staff type into the box, a few characters at a time."""
    out = []
    for _ in range(n):
        c = rng.choice(customers)
        name = c["customer_name"]
        spelled = "".join(lazy_pinyin(name))
        kind = rng.randrange(5)
        if kind == 0:
            out.append(name[2:2 + rng.randint(1, 3)])  # the brand's first characters
        elif kind == 1:
            out.append(name[:rng.randint(2, 4)])
        elif kind == 2:
            out.append(spelled[:rng.randint(3, 8)])
        elif kind == 3:
            out.append("".join(s[0] for s in lazy_pinyin(name))[:rng.randint(2, 4)])
        else:
            out.append(c["account_no"][:rng.randint(4, 9)])
    return out


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def timed_get(url: str, token: str) -> float:
    began = time.perf_counter()
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request) as response:
        response.read()
    return (time.perf_counter() - began) * 1000


def serve(settings: Settings, port: int) -> subprocess.Popen:
    env = {**os.environ, "ARCHIVE_SEARCH_DEMO": "1", "ARCHIVE_SEARCH_DB": settings.database_url}
    server = subprocess.Popen([sys.executable, "-m", "search_service.cli.main", "serve", "--index",
                               str(settings.index_dir), "--root", str(settings.archive_root),
                               "--port", str(port)], env=env)
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health").read()
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--index", type=Path, help="reuse the index bench_search.py --index kept")
    parser.add_argument("--db", type=Path,
                        help="with --index and --root: the index's database (a copy is used)")
    parser.add_argument("--root", type=Path, help="with --db: the archive root (customers.csv)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-suggest-"))
    server = None
    try:
        index_dir = args.index or work / "index"
        root = args.root or work / "root"
        if args.db is not None:
            shutil.copy(args.db, work / "bench.db")
            customers = read_customers(root)
        else:
            docs = list(documents(args.docs))
            if args.index is None:
                index_dir.mkdir()
                index_ours(index_dir, docs)
            customers = write_customers(root, docs)
        settings = Settings(index_dir=index_dir, archive_root=root,
                            database_url=f"sqlite:///{work / 'bench.db'}", demo=True)
        access = Access(settings)
        users = {role: User(f"bench-{role}", role, org)
                 for role, org in (("inspector", ""), ("clerk", "城东供电所"))}
        tokens = {}
        for role, user in users.items():
            access.accounts.create_user(ADMIN, user.name, "Speed-test-2026", role, user.org)
            tokens[role] = access.accounts.create_token(ADMIN, user.name, "bench")[1]
        queries = typed(random.Random(5), customers, args.requests)
        print(f"{'kept corpus' if args.db else f'{args.docs} documents'}, {len(customers)} "
              f"customers, {len(queries)} requests each")
        reader = ArchiveReader(settings, access)
        began = time.perf_counter()
        reader.suggest(users["inspector"], "明")
        print(f"building the suggestion index: {(time.perf_counter() - began) * 1000:.0f} ms")
        for role, user in users.items():
            samples = []
            for q in queries:
                began = time.perf_counter()
                reader.suggest(user, q)
                samples.append((time.perf_counter() - began) * 1000)
            print(f"in process, {role:<9} p50 %5.2f ms   p95 %5.2f ms" % percentiles(samples))
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = serve(settings, port)
        # wait for the server's background load of jieba (an unspaced query needs it)
        timed_get(f"http://127.0.0.1:{port}/api/search?q=" + urllib.parse.quote("某某合同"),
                  tokens["inspector"])
        for role in users:
            base = f"http://127.0.0.1:{port}/api/suggest?q="
            timed_get(base + "ming", tokens[role])  # builds the server's index
            samples = [timed_get(base + urllib.parse.quote(q), tokens[role]) for q in queries]
            print(f"over HTTP,  {role:<9} p50 %5.2f ms   p95 %5.2f ms" % percentiles(samples))
        me = [timed_get(f"http://127.0.0.1:{port}/api/me", tokens["clerk"]) for _ in queries]
        print("over HTTP,  /api/me (authentication alone, for comparison) p50 %5.2f ms   "
              "p95 %5.2f ms" % percentiles(me))
        print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
