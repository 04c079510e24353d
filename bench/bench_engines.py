"""Benchmark: the search engines side by side on one generated corpus, through the engine
interface (the same SearchRequest objects the service sends).

Builds N synthetic documents (bench_search's generator: about ten per customer, realistic
form text), writes them to a catalog (SQLite), then for each engine: rebuilds its index from
the catalog (docs/s; no file is read, extraction is not included), times a query mix per
kind with every facet counted (p50/p95; in process, no HTTP, no snippets), and the
throughput of 8 and 32 threads searching at once. Manticore runs on ``--shards`` local
searchd processes (Sphinx 2.2 from Debian unless Manticore is installed).

    .venv/bin/python bench/bench_engines.py [--docs 20000] [--queries 100] [--shards 2]
        [--engines whoosh,tantivy,manticore] [--seconds 10]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's packages

from bench_search import BRANDS, CITIES, ORGS, TRADES, documents, percentile, query_mix  # noqa: E402

from indexer.catalog.store import Catalog
from indexer.catalog.tables import RECORD_COLUMNS
from indexer.catalog.tables import documents as catalog_documents
from indexer.customers import Customer
from indexer.schema import FACET_FIELDS
from search_service.access.masking import numbers_record
from search_service.access.scope import Scope
from search_service.db import utcnow
from search_service.engines.base import SearchEngine, SearchRequest
from search_service.query.parse import plan_query


def write_catalog(path: Path, count: int) -> Catalog:
    """A catalog (SQLite at ``path``) of ``count`` generated documents."""
    catalog = Catalog.open(f"sqlite:///{path}")
    fill_catalog(catalog, count)
    return catalog


def fill_catalog(catalog: Catalog, count: int, on_batch: Callable[[int], None] = lambda n: None
                 ) -> dict[str, Customer]:
    """Bulk-insert ``count`` generated documents (a batch per 5,000 rows) and their
    customers' master data (what completeness and the derived facets read); the customers."""
    now = utcnow()
    batch: list[dict[str, Any]] = []
    masters: dict[str, Customer] = {}

    def flush() -> None:
        with catalog.engine.begin() as conn:
            conn.execute(insert(catalog_documents), batch)
        on_batch(len(batch))
        batch.clear()

    for n, doc in enumerate(documents(count)):
        masters.setdefault(str(doc["account_no"]), Customer(
            str(doc["account_no"]), str(doc["customer_name"]), str(doc["customer_class"]),
            str(doc["elec_type"]), str(doc["volt_level"]), str(doc["org"]), str(doc["address"]), "", ""))
        batch.append({**{k: doc[k] for k in RECORD_COLUMNS if k in doc}, "cataloged_at": now,
                      "updated_at": now, "batch": n // 5000 + 1, "extraction_version": 0,
                      "numbers": numbers_record(str(doc.get("content") or ""))})
        if len(batch) == 5000:
            flush()
    if batch:
        flush()
    catalog.put_customers(masters)
    return masters


def requests(rng: random.Random, n: int, total_docs: int) -> list[tuple[str, SearchRequest]]:
    """bench_search's mix plus a broad term alone, a clerk's broad term (one unit's scope)
    and a company name typed in pinyin initials."""
    mix = [(kind, SearchRequest(plan=plan_query(p.q), filters=p.filters, facets=FACET_FIELDS))
           for kind, p in query_mix(rng, n * 5 // 8, total_docs)]
    extra: list[Callable[[], tuple[str, SearchRequest]]] = [
        lambda: ("broad term", SearchRequest(plan=plan_query("计量装置"), facets=FACET_FIELDS)),
        lambda: ("broad term, one unit's scope", SearchRequest(
            plan=plan_query("供电"), facets=FACET_FIELDS, scope=Scope(units=(rng.choice(ORGS),)))),
        lambda: ("name in pinyin initials", SearchRequest(
            plan=plan_query(_initials(rng)), facets=FACET_FIELDS)),
    ]
    mix += [extra[i % len(extra)]() for i in range(n - len(mix))]
    rng.shuffle(mix)
    return mix


def _initials(rng: random.Random) -> str:
    from pypinyin import Style, lazy_pinyin

    name = rng.choice(CITIES) + rng.choice(BRANDS) + rng.choice(TRADES)
    return "".join(p[0] for p in lazy_pinyin(name, style=Style.NORMAL))


def rebuild(engine: SearchEngine, catalog: Catalog) -> tuple[int, float]:
    """Rebuild ``engine`` from the catalog as ``archive-search reindex`` does."""
    began = time.perf_counter()
    try:
        from indexer.sync import rebuild as sync_rebuild
    except ImportError:  # before the engine interface's sync lands: the same steps
        engine.clear()
        chunk: list[dict[str, Any]] = []
        for row in catalog.changed_since(0):
            chunk.append(row)
            if len(chunk) == 1000:
                engine.replace(chunk)
                chunk = []
        engine.replace(chunk)
        engine.commit()
        count = engine.count()
    else:
        count = sync_rebuild(engine, catalog)
    return count, time.perf_counter() - began


def latencies(engine: SearchEngine, mix: list[tuple[str, SearchRequest]]) -> dict[str, list[float]]:
    engine.search(mix[0][1])  # warm caches
    found: dict[str, list[float]] = {}
    for kind, request in mix:
        began = time.perf_counter()
        engine.search(request)
        found.setdefault(kind, []).append((time.perf_counter() - began) * 1000)
    return found


def throughput(engine: SearchEngine, mix: list[tuple[str, SearchRequest]], threads: int,
               seconds: float) -> float:
    """Searches per second with ``threads`` searching at once for about ``seconds``."""
    deadline = time.monotonic() + seconds

    def worker(start: int) -> int:
        done = 0
        while time.monotonic() < deadline:
            engine.search(mix[(start + done) % len(mix)][1])
            done += 1
        return done

    began = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        total = sum(pool.map(worker, range(0, threads * 7, 7)))
    return total / (time.perf_counter() - began)


def disk_mb(directory: Path) -> float:
    return sum(f.stat().st_size for f in directory.rglob("*") if f.is_file()) / 1e6


def rss_mb(pid: int) -> float:
    return status_mb(pid, "VmRSS")


def status_mb(pid: int, field: str) -> float:
    """A memory figure of ``/proc/<pid>/status`` (VmRSS, VmHWM, …) in MB; 0 when gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0.0
    return next((int(line.split()[1]) / 1024 for line in lines if line.startswith(f"{field}:")),
                0.0)


@contextmanager
def embedded_engine(name: str, work: Path) -> Iterator[tuple[SearchEngine, Callable[[], str]]]:
    """An embedded engine (``whoosh`` or ``tantivy``) with its index in ``work/name``."""
    from search_service.config import Settings
    from search_service.engines import open_engine

    engine = open_engine(Settings(index_dir=work), name)
    try:
        yield engine, lambda: f"disk {disk_mb(work / name):.0f} MB (in process)"
    finally:
        engine.close()


def whoosh_engine(work: Path, shards: int) -> Any:
    return embedded_engine("whoosh", work)


def tantivy_engine(work: Path, shards: int) -> Any:
    return embedded_engine("tantivy", work)


@contextmanager
def manticore_engine(work: Path, shards: int
                     ) -> Iterator[tuple[SearchEngine, Callable[[], str]]]:
    from search_service.engines.manticore import ManticoreEngine
    from search_service.engines.manticore.searchd import local_topology, start_cluster, stop_all

    topology = local_topology(shards)
    nodes = start_cluster(topology, work / "searchd")
    engine = ManticoreEngine(topology)

    def resources() -> str:
        rss = sum(rss_mb(n.process.pid) for n in nodes if n.process is not None)
        return (f"disk {disk_mb(work / 'searchd'):.0f} MB (RT RAM chunks not yet flushed count "
                f"in memory), searchd RSS {rss:.0f} MB over {shards} processes")

    try:
        yield engine, resources
    finally:
        engine.close()
        stop_all(nodes)


ENGINES = {"whoosh": whoosh_engine, "tantivy": tantivy_engine, "manticore": manticore_engine}


def bench(name: str, catalog: Catalog, mix: list[tuple[str, SearchRequest]], work: Path,
          args: argparse.Namespace) -> None:
    with ENGINES[name](work, args.shards) as (engine, resources):
        count, seconds = rebuild(engine, catalog)
        print(f"\n## {name}: {count:,} documents")
        print(f"reindex from the catalog: {count / seconds:,.0f} docs/s ({seconds:.1f} s)")
        timings = latencies(engine, mix)
        every = [t for ts in timings.values() for t in ts]
        print(f"search ({len(FACET_FIELDS)} facets, page of 20, in process): "
              f"p50 {percentile(every, 50):.1f} ms, p95 {percentile(every, 95):.1f} ms, "
              f"mean {statistics.fmean(every):.1f} ms")
        for kind, ts in sorted(timings.items()):
            print(f"  {kind:<30} n={len(ts):<3} p50 {percentile(ts, 50):7.1f} ms   "
                  f"p95 {percentile(ts, 95):7.1f} ms")
        for threads in (8, 32):
            rate = throughput(engine, mix, threads, args.seconds)
            print(f"throughput, {threads} threads: {rate:,.1f} searches/s")
        print(resources() + f"; benchmark process max RSS "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--shards", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--engines", default="whoosh,tantivy,manticore")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; {args.docs:,} documents, {args.queries} queries")
    work = Path(tempfile.mkdtemp(prefix="archive-bench-engines-"))
    try:
        began = time.perf_counter()
        catalog = write_catalog(work / "catalog.db", args.docs)
        print(f"catalog written in {time.perf_counter() - began:.1f} s "
              f"({(work / 'catalog.db').stat().st_size / 1e6:.0f} MB)")
        mix = requests(random.Random(3), args.queries, args.docs)
        for name in args.engines.split(","):
            bench(name.strip(), catalog, mix, work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
