"""Benchmark: the service over HTTP on a 20,000-document archive, before and after, one run.

Writes a plain-text archive of the archive format once (``--corpus``; reused by later runs),
indexes it with the code before this change (``--before``: a source tree, e.g.
``git archive fb97696 | tar -x -C /tmp/before``) and with this tree (indexing docs/s with
extraction, then ``reindex`` from the catalog), then serves each in turn and sends the same
100 queries (户号, 户名, brand, address phrase, broad term with and without a 供电所 filter;
all 9 facets and snippets, as a 稽查员) one by one (p50/p95) and from 8 concurrent users
(requests/s).

    .venv/bin/python bench/bench_engine.py --before /tmp/before [--corpus data/bench-20k]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(HERE), str(HERE / "bench")]

from bench_engines import status_mb  # noqa: E402
from bench_search import BRANDS, CITIES, ORGS, TRADES, documents  # noqa: E402
from trees import LAYOUT, cli_module  # noqa: E402

KINDS = ("户号", "户名", "品牌", "地址", "宽泛词", "宽泛词+供电所")
CUSTOMER_COLUMNS = ["户号", "户名", "用户分类", "用电类别", "电压等级", "供电单位", "用电地址",
                    "联系电话", "证件号码"]


def write_corpus(root: Path, count: int) -> list[dict[str, str]]:
    """The archive as text files plus customers.csv; returns the customers."""
    customers: dict[str, dict[str, str]] = {}
    for doc in documents(count):
        path = root / str(doc["path"]).replace(".pdf", ".txt")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(str(doc["content"]), "utf-8")
        customers[str(doc["account_no"])] = {k: str(doc[k]) for k in (
            "account_no", "customer_name", "customer_class", "org", "address")}
    write_customers(root, customers.values())
    return list(customers.values())


def write_customers(root: Path, customers: Iterable[dict[str, str]]) -> None:
    """``root/customers.csv``, the customer master data the service reads."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / "customers.csv").open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(CUSTOMER_COLUMNS)
        for c in customers:
            out.writerow([c["account_no"], c["customer_name"], c["customer_class"],
                          c.get("elec_type", "大工业"), c.get("volt_level", "10kV"), c["org"],
                          c["address"], "", ""])


def queries(customers: list[dict[str, str]], n: int = 100) -> list[tuple[str, str]]:
    rng = random.Random(11)
    made = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        cust = rng.choice(customers)
        params: dict[str, str] = {
            "户号": {"q": cust["account_no"]},
            "户名": {"q": cust["customer_name"]},
            "品牌": {"q": rng.choice(BRANDS) + rng.choice(TRADES)},
            "地址": {"q": f"{rng.choice(CITIES)}市{rng.choice(BRANDS)}路"},
            "宽泛词": {"q": rng.choice(["电费", "变压器", "供用电"])},
            "宽泛词+供电所": {"q": rng.choice(["电费", "变压器", "供用电"]),
                             "org": rng.choice(ORGS)},
        }[kind]
        made.append((kind, "/api/search?" + urllib.parse.urlencode(params)))
    return made


def run(command: list[str], src: Path, **env: str) -> float:
    began = time.perf_counter()
    subprocess.run(command, cwd=src, check=True, env={**os.environ, "PYTHONPATH": str(src),
                                                      **env})
    return time.perf_counter() - began


def token(src: Path, index_dir: Path, db_url: str) -> str:
    """A bearer token of a new 稽查员 (all units, masked), made by ``src``'s own code."""
    name = f"bench-{time.time_ns()}"
    code = (LAYOUT + "from pathlib import Path; from search_service.config import Settings\n"
            "Access = module('search_service.access.control', 'search_service.access').Access\n"
            "User = module('search_service.access.users', 'search_service.users').User\n"
            f"a = Access(Settings(index_dir=Path({str(index_dir)!r}), database_url={db_url!r}, "
            "demo=True)); admin = User('bench', 'admin', ''); "
            f"a.accounts.create_user(admin, {name!r}, 'Speed-test-2026', 'inspector', ''); "
            f"print(a.accounts.create_token(admin, {name!r}, 'bench')[1])")
    out = subprocess.run([sys.executable, "-c", code], cwd=src, check=True, text=True,
                         capture_output=True, env={**os.environ, "PYTHONPATH": str(src),
                                                   "ARCHIVE_SEARCH_DEMO": "1"})
    return out.stdout.strip().splitlines()[-1]


def measure(src: Path, root: Path, index_dir: Path, mix: list[tuple[str, str]],
            concurrency: Sequence[int], workers: int, env: dict[str, str] | None = None,
            db_url: str = "") -> dict[str, object]:
    """Serve ``index_dir`` with ``src``'s code, time ``mix`` one by one, then the requests
    per second of each level of ``concurrency``; the service's peak memory."""
    db_url = db_url or f"sqlite:///{index_dir.parent / 'archive-search.db'}"
    headers = {"Authorization": f"Bearer {token(src, index_dir, db_url)}"}
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(src), "ARCHIVE_SEARCH_DEMO": "1",
           "ARCHIVE_SEARCH_DB": db_url, **(env or {})}
    server = subprocess.Popen([sys.executable, "-m", cli_module(src), "serve", "--index",
                               str(index_dir), "--root", str(root), "--port", str(port),
                               "--workers", str(workers)],
                              cwd=src, env=env)
    base = f"http://127.0.0.1:{port}"

    def get(path: str) -> float:
        began = time.perf_counter()
        request = urllib.request.Request(base + path, headers=headers)
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
        return (time.perf_counter() - began) * 1000

    rates: dict[int, float] = {}
    try:
        for _ in range(600):
            try:
                get("/api/health")
                break
            except OSError:
                time.sleep(0.2)
        for _, path in mix[:len(KINDS)]:
            get(path)  # warm up: caches, searchers, column arrays
        timed = [(kind, get(path)) for kind, path in mix]
        for users in concurrency:
            began = time.perf_counter()
            with ThreadPoolExecutor(users) as pool:
                list(pool.map(get, [p for _, p in mix]))
            rates[users] = len(mix) / (time.perf_counter() - began)
        peak = peak_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    every = sorted(ms for _, ms in timed)
    return {"p50": statistics.median(every), "p95": every[int(len(every) * 0.95) - 1],
            "kinds": {k: statistics.median([ms for kind, ms in timed if kind == k])
                      for k in KINDS},
            "kinds_max": {k: max(ms for kind, ms in timed if kind == k) for k in KINDS},
            "throughput": rates[concurrency[0]], "rates": rates, "service_peak_mb": peak}


def peak_rss_mb(pid: int) -> float:
    """The peak resident memory of process ``pid`` and its children (uvicorn workers)."""
    return sum(status_mb(proc, "VmHWM") for proc in [pid, *_children(pid)])


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(c) for c in found]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="source tree of the before")
    parser.add_argument("--corpus", type=Path, default=Path("data/bench-20k"))
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="service processes, both sides")
    parser.add_argument("--sides", default="before,after")
    parser.add_argument("--no-reindex", action="store_true", help="skip timing a reindex")
    args = parser.parse_args()
    corpus, before_src = args.corpus.resolve(), args.before.resolve()
    root = corpus / "archive"
    if not (root / "customers.csv").is_file():
        write_corpus(root, args.docs)
    customers = [{"account_no": r["户号"], "customer_name": r["户名"]}
                 for r in csv.DictReader((root / "customers.csv").open(encoding="utf-8"))]
    mix = queries(customers)
    figures: dict[str, dict[str, object]] = {}
    for side, src in (("before", before_src), ("after", HERE)):
        if side not in args.sides.split(","):
            continue
        index_dir = corpus / side / "index"
        facts: dict[str, object] = {}
        if not index_dir.exists():
            seconds = run([sys.executable, "-m", cli_module(src), "index", str(root),
                           "--index", str(index_dir), "--quiet"], src)
            facts["index_docs_per_s"] = args.docs / seconds
        if side == "after" and not args.no_reindex:
            seconds = run([sys.executable, "-m", cli_module(src), "reindex", "--index",
                           str(index_dir), "--quiet"], src)
            facts["reindex_docs_per_s"] = args.docs / seconds
        facts.update(measure(src, root, index_dir, mix, (args.concurrency,), args.workers))
        figures[side] = facts
        print(side, json.dumps(facts, ensure_ascii=False), flush=True)
    if len(figures) < 2:
        return 0
    before, after = figures["before"], figures["after"]
    print(f"\n| {args.docs} docs, Whoosh, HTTP | before | after | ratio |\n|---|---|---|---|")
    for label, key in (("search p50 ms", "p50"), ("search p95 ms", "p95")):
        print(f"| {label} | {before[key]:.0f} | {after[key]:.0f} | ×{before[key] / after[key]:.1f} |")
    for kind in KINDS:
        b, a = before["kinds"][kind], after["kinds"][kind]  # type: ignore[index]
        print(f"| p50 {kind} ms | {b:.0f} | {a:.0f} | ×{b / a:.1f} |")
    b, a = before["throughput"], after["throughput"]
    print(f"| requests/s at {args.concurrency} concurrent | {b:.1f} | {a:.1f} | ×{a / b:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
