"""Benchmark: the engines serving one generated archive over HTTP, at any size.

The archive is written straight into the service's catalog (``--docs`` documents of
bench_search's generator, about ten per customer, with their master data and
``customers.csv``; no archive files, so this is the search side of 10^5–10^6 documents
without hours of text extraction; ``bench_engine.py`` times indexing with extraction).
Then, per engine: ``archive-search reindex --engine …`` from the catalog (docs/s, extraction
excluded), the service on that engine (one process; Manticore on ``--shards`` local searchd
processes), 100 requests one by one as a 稽查员 (all 14 facets, snippets from the catalog,
page of 20, one access-log record each: p50/p95 per kind), the same 100 from 8 and from 32
concurrent users (requests/s), the service's peak memory, searchd's memory and the disk of
each index; for the embedded engines also the same queries straight to the engine in process
(the floor: what is left is the service's own cost). The corpus is kept in ``--corpus`` and reused by later runs of the same size.

    .venv/bin/python bench/bench_http.py --docs 100000 [--engines whoosh,tantivy,manticore]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(HERE), str(HERE / "bench")]

from bench_engine import KINDS, measure, queries, write_customers  # noqa: E402
from bench_engines import disk_mb, fill_catalog, rss_mb  # noqa: E402


def prepare(corpus: Path, count: int) -> None:
    """The service database with ``count`` catalogued documents, and ``customers.csv``."""
    from indexer.catalog.store import Catalog
    from search_service.access.control import Access
    from search_service.config import Settings

    if (corpus / "ready").exists():
        return
    corpus.mkdir(parents=True, exist_ok=True)
    url = db_url(corpus)
    Access(Settings(index_dir=corpus / "index-whoosh", database_url=url, demo=True))  # migrate
    began = time.perf_counter()
    done = 0

    def progress(n: int) -> None:
        nonlocal done
        done += n
        if done % 100_000 == 0 or done == count:
            print(f"  catalog: {done:,} / {count:,} ({time.perf_counter() - began:.0f} s)",
                  flush=True)

    masters = fill_catalog(Catalog.open(url), count, progress)
    write_customers(corpus / "archive", ({
        "account_no": c.account_no, "customer_name": c.name, "customer_class": c.customer_class,
        "org": c.org, "address": c.address, "elec_type": c.elec_type,
        "volt_level": c.volt_level} for c in masters.values()))
    (corpus / "ready").write_text(str(count))


def db_url(corpus: Path) -> str:
    return f"sqlite:///{corpus / 'archive-search.db'}"


def run_engine(name: str, corpus: Path, mix: list[tuple[str, str]], args: argparse.Namespace
               ) -> dict[str, object]:
    index_dir = corpus / f"index-{name}"
    data = corpus / "searchd" if name == "manticore" else index_dir
    reuse = args.reuse and data.exists()
    if not reuse:
        for stale in (index_dir, data):  # each run starts from the catalog alone
            shutil.rmtree(stale, ignore_errors=True)
    env = {"ARCHIVE_SEARCH_ENGINE": name, "ARCHIVE_SEARCH_ROOT": str(corpus / "archive")}
    nodes = []
    if name == "manticore":
        from search_service.engines.manticore.searchd import local_topology, start_cluster

        topology = local_topology(args.shards)
        nodes = start_cluster(topology, data)
        env["ARCHIVE_SEARCH_MANTICORE_NODES"] = ",".join(
            "|".join(f"{n.host}:{n.port}:{n.api_port}" for n in mirrors)
            for mirrors in topology.shards)
    try:
        facts: dict[str, object] = {}
        if not reuse:
            facts["reindex_docs_per_s"] = reindex(name, corpus, index_dir, env, args.docs)
        facts.update(measure(HERE, corpus / "archive", index_dir, mix, args.concurrency, 1,
                             env=env, db_url=db_url(corpus)))
        if name != "manticore":
            facts["in_process"] = in_process(name, index_dir, mix)
        facts["index_disk_mb"] = disk_mb(data)
        if nodes:
            facts["searchd_rss_mb"] = sum(rss_mb(n.process.pid) for n in nodes if n.process)
    finally:
        if nodes:
            from search_service.engines.manticore.searchd import stop_all

            stop_all(nodes)
    return facts


def in_process(name: str, index_dir: Path, mix: list[tuple[str, str]]) -> dict[str, float]:
    """The floor: the same queries straight to the engine in this process (the plan as
    written, every facet, a page of 20; no HTTP, access log, catalog rows or snippets)."""
    from indexer.schema import FACET_FIELDS
    from search_service.config import Settings
    from search_service.engines import open_engine
    from search_service.engines.base import SearchRequest
    from search_service.query.parse import plan_query

    engine = open_engine(Settings(index_dir=index_dir), name)
    asked = []
    for kind, path in mix:
        params = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
        filters = {"org": tuple(params["org"])} if "org" in params else {}
        asked.append((kind, SearchRequest(plan=plan_query(params["q"][0]), filters=filters,
                                          facets=FACET_FIELDS)))
    try:
        for _, request in asked[:len(KINDS)]:
            engine.search(request)  # warm up
        timed = []
        for kind, request in asked:
            began = time.perf_counter()
            engine.search(request)
            timed.append((kind, (time.perf_counter() - began) * 1000))
    finally:
        engine.close()
    every = [ms for _, ms in timed]
    return {"p50": statistics.median(every), "p95": statistics.quantiles(every, n=20)[18],
            **{f"p50 {k}": statistics.median([ms for kind, ms in timed if kind == k])
               for k in KINDS}}


def reindex(name: str, corpus: Path, index_dir: Path, env: dict[str, str], docs: int,
            code: Path = HERE, options: tuple[str, ...] = ()) -> float:
    """Docs/s of ``archive-search reindex --engine name [options]`` (by the time the command
    reports), run from the source tree ``code``."""
    done = subprocess.run([sys.executable, "-m", "search_service.cli.main", "reindex", "--index",
                           str(index_dir), "--engine", name, "--quiet", *options], cwd=code,
                          check=True, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(code),
                               "ARCHIVE_SEARCH_DB": db_url(corpus), **env})
    print(done.stdout.strip(), flush=True)
    return docs / float(re.search(r"用时 ([\d.]+) 秒", done.stdout).group(1))


def report(figures: dict[str, dict[str, object]], args: argparse.Namespace) -> None:
    names = list(figures)
    print(f"\n| {args.docs:,} docs, HTTP | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))

    def line(label: str, value) -> None:  # noqa: ANN001
        print(f"| {label} | " + " | ".join(value(figures[n]) for n in names) + " |")

    line("reindex from the catalog", lambda f: f"{f['reindex_docs_per_s']:,.0f} docs/s"
         if "reindex_docs_per_s" in f else "(kept)")
    line("search p50", lambda f: f"{f['p50']:.0f} ms")
    line("search p95", lambda f: f"{f['p95']:.0f} ms")
    for kind in KINDS:
        line(f"p50 / max {kind}", lambda f, k=kind: f"{f['kinds'][k]:.0f} / {f['kinds_max'][k]:.0f} ms")
    for users in args.concurrency:
        line(f"requests/s, {users} users", lambda f, u=users: f"{f['rates'][u]:.1f}")
    line("engine alone, in process: p50 / p95", lambda f: "{p50:.1f} / {p95:.1f} ms".format(
        **f["in_process"]) if "in_process" in f else "—")
    for kind in KINDS:
        line(f"engine alone p50 {kind}", lambda f, k=kind: f"{f['in_process'][f'p50 {k}']:.1f} ms"
             if "in_process" in f else "—")
    line("service peak memory", lambda f: f"{f['service_peak_mb']:.0f} MB")
    line("searchd memory", lambda f: f"{f['searchd_rss_mb']:.0f} MB" if "searchd_rss_mb" in f else "—")
    line("index on disk", lambda f: f"{f['index_disk_mb']:.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--corpus", type=Path, default=None,
                        help="where the generated catalog is kept (default /tmp/bench-http-N)")
    parser.add_argument("--engines", default="whoosh,tantivy,manticore")
    parser.add_argument("--shards", type=int, default=2)
    parser.add_argument("--reuse", action="store_true",
                        help="serve the index a previous run built (no reindex is timed)")
    parser.add_argument("--concurrency", type=lambda s: tuple(map(int, s.split(","))),
                        default=(8, 32))
    args = parser.parse_args()
    corpus = (args.corpus or Path(f"/tmp/bench-http-{args.docs}")).resolve()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load {os.getloadavg()[0]:.1f}; {args.docs:,} documents")
    prepare(corpus, args.docs)
    customers = [{"account_no": r["户号"], "customer_name": r["户名"]} for r in
                 csv.DictReader((corpus / "archive" / "customers.csv").open(encoding="utf-8"))]
    mix = queries(customers)
    figures = {}
    for name in args.engines.split(","):
        figures[name] = run_engine(name, corpus, mix, args)
        print(name, json.dumps(figures[name], ensure_ascii=False, default=str), flush=True)
    report(figures, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
