"""Benchmark: the tantivy engine's search with every facet, code trees side by side (issue 20).

For each code tree (``--tree LABEL=DIR``, e.g. ``before=/tmp/main-checkout after=.``), on
``bench_http.py``'s generated corpus (``--corpus``, made by a run of bench_http of that
size): the corpus's database is copied for the tree, ``archive-search reindex --engine
tantivy`` of that tree builds its index from the catalog (docs/s), then bench_http's mix
(户号, 户名, brand, address, broad terms with and without a 供电所; every facet, snippets)
is timed through HTTP against that tree's service (p50/p95 per kind; requests/s at each
``--concurrency``) and straight to the engine in process with that tree's code (the
floor); then facet counting alone in process, the trees taking turns (:data:`COUNTING`).
One run, trees one after the other; the machine may be shared (the load is printed).
``--reuse`` serves each tree's index and database of an earlier run in ``--work`` again.

    .venv/bin/python bench/bench_facets.py --corpus /tmp/bench-http-100000 \\
        --tree before=/tmp/main-checkout --tree after=.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(HERE), str(HERE / "bench")]

from bench_engine import KINDS, measure, queries  # noqa: E402
from trees import cli_module  # noqa: E402

BROAD = ("电费", "变压器", "供用电")  # every generated document matches each

IN_PROCESS = """
import json, sys
from pathlib import Path
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/bench"]
from bench_http import in_process
print(json.dumps(in_process("tantivy", Path(sys.argv[2]), json.loads(sys.argv[3]))))
"""

# Counting alone, with a tree's code on its index: the 14 facets' aggregation over a broad
# query, the two facets that were tantivy's slow path alone, and the whole search with the
# engine's count cache (where the tree has one) emptied before each.
COUNTING = """
import json, statistics, sys, time
from pathlib import Path
sys.path[:0] = [sys.argv[1]]
from indexer.schema import FACET_FIELDS
from search_service.config import Settings
from search_service.engines import open_engine
from search_service.engines.base import SearchRequest
from search_service.engines.tantivy.facets import aggregation
from search_service.engines.tantivy.query import search_query
from search_service.query.parse import plan_query

def median_ms(run, times=7):
    spent = []
    for _ in range(times):
        began = time.perf_counter()
        run()
        spent.append((time.perf_counter() - began) * 1000)
    return statistics.median(spent)

def cold(engine, request):
    if hasattr(engine, "_counts"):
        engine._counts = type(engine._counts)()
    engine.search(request)

engine = open_engine(Settings(index_dir=Path(sys.argv[2])), "tantivy")
searcher = engine._index().searcher()
found = {}
for q in json.loads(sys.argv[3]):
    request = SearchRequest(plan=plan_query(q), facets=FACET_FIELDS)
    query = search_query(engine.schema, request)
    for label, names in (("14 facets", FACET_FIELDS), ("整改状态", ("hazard_status",)),
                         ("缺失类型", ("missing_types",))):
        found[f"{q}: {label}"] = median_ms(lambda: searcher.aggregate(query, aggregation(names)))
    found[f"{q}: whole search, cache emptied"] = median_ms(lambda: cold(engine, request))
    found[f"{q}: whole search, repeated"] = median_ms(lambda: engine.search(request))
print(json.dumps(found))
"""


def counting(trees: list[tuple[str, Path]], work: Path, rounds: int) -> dict[str, dict[str, float]]:
    """:data:`COUNTING` for each tree on its index, the trees taking turns ``rounds`` times
    (so the machine's load falls on each alike); medians over the rounds."""
    seen: dict[str, dict[str, list[float]]] = {label: {} for label, _ in trees}
    for _ in range(rounds):
        for label, tree in trees:
            done = subprocess.run([sys.executable, "-c", COUNTING, str(tree),
                                   str(work / f"index-{label}"), json.dumps(BROAD)], cwd=tree,
                                  check=True, capture_output=True, text=True,
                                  env={**os.environ, "PYTHONPATH": str(tree)})
            for name, ms in json.loads(done.stdout.strip().splitlines()[-1]).items():
                seen[label].setdefault(name, []).append(ms)
    return {label: {n: statistics.median(v) for n, v in figures.items()}
            for label, figures in seen.items()}


def prepared(corpus: Path, work: Path, label: str, reuse: bool) -> tuple[Path, str, bool]:
    """The tree's own copy of the corpus's database, its index directory, and whether both
    are kept from an earlier run (``reuse``) rather than made anew."""
    work.mkdir(parents=True, exist_ok=True)
    db, index_dir = work / f"{label}.db", work / f"index-{label}"
    if reuse and db.exists() and index_dir.exists():
        return index_dir, f"sqlite:///{db}", True
    shutil.copyfile(corpus / "archive-search.db", db)
    shutil.rmtree(index_dir, ignore_errors=True)
    return index_dir, f"sqlite:///{db}", False


def reindex(tree: Path, index_dir: Path, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-m", cli_module(tree), "reindex", "--index",
                           str(index_dir), "--engine", "tantivy", "--quiet"], cwd=tree,
                          check=True, capture_output=True, text=True, env=env)
    return done.stdout.strip()


def run_tree(tree: Path, corpus: Path, work: Path, label: str, mix: list[tuple[str, str]],
             concurrency: tuple[int, ...], reuse: bool) -> dict[str, object]:
    index_dir, url, kept = prepared(corpus, work, label, reuse)
    env = {**os.environ, "PYTHONPATH": str(tree), "ARCHIVE_SEARCH_DB": url,
           "ARCHIVE_SEARCH_ENGINE": "tantivy", "ARCHIVE_SEARCH_ROOT": str(corpus / "archive")}
    facts: dict[str, object] = {"load before": os.getloadavg()[0],
                                "reindex": "(kept)" if kept else reindex(tree, index_dir, env)}
    floor = subprocess.run([sys.executable, "-c", IN_PROCESS, str(tree), str(index_dir),
                            json.dumps(mix)], cwd=tree, check=True, capture_output=True,
                           text=True, env=env)
    facts["in_process"] = json.loads(floor.stdout.strip().splitlines()[-1])
    facts.update(measure(tree, corpus / "archive", index_dir, mix, concurrency, 1,
                         env={"ARCHIVE_SEARCH_ENGINE": "tantivy"}, db_url=url))
    facts["load after"] = os.getloadavg()[0]
    return facts


def report(figures: dict[str, dict[str, object]], concurrency: tuple[int, ...]) -> None:
    names = list(figures)
    print("\n| tantivy | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))

    def line(label: str, value) -> None:  # noqa: ANN001
        print(f"| {label} | " + " | ".join(value(figures[n]) for n in names) + " |")

    line("load average (1 min) before / after", lambda f: f"{f['load before']:.1f} / "
         f"{f['load after']:.1f}")
    line("HTTP search p50 / p95", lambda f: f"{f['p50']:.0f} / {f['p95']:.0f} ms")
    for kind in KINDS:
        line(f"HTTP p50 / max {kind}", lambda f, k=kind: f"{f['kinds'][k]:.0f} / "
             f"{f['kinds_max'][k]:.0f} ms")
    for users in concurrency:
        line(f"requests/s, {users} users", lambda f, u=users: f"{f['rates'][u]:.1f}")
    line("engine alone, in process: p50 / p95", lambda f: "{p50:.1f} / {p95:.1f} ms".format(
        **f["in_process"]))
    for kind in KINDS:
        line(f"engine alone p50 {kind}", lambda f, k=kind: f"{f['in_process'][f'p50 {k}']:.1f} ms")
    line("reindex", lambda f: str(f["reindex"]).replace("\n", " "))
    rows = next(iter(figures.values()))["counting"]
    print(f"\n| counting in process (medians) | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for row in rows:
        line(row, lambda f, r=row: f"{f['counting'][r]:.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True,
                        help="a corpus made by bench_http.py (archive-search.db, archive/)")
    parser.add_argument("--tree", action="append", required=True, help="LABEL=DIR")
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-facets"))
    parser.add_argument("--concurrency", type=lambda s: tuple(map(int, s.split(","))),
                        default=(8, 32))
    parser.add_argument("--rounds", type=int, default=3,
                        help="turns of the trees at counting in process")
    parser.add_argument("--reuse", action="store_true",
                        help="serve a tree's index and database of an earlier run (--work)")
    args = parser.parse_args()
    customers = [{"account_no": r["户号"], "customer_name": r["户名"]} for r in
                 csv.DictReader((args.corpus / "archive" / "customers.csv").open(encoding="utf-8"))]
    mix = queries(customers)
    print(f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}", flush=True)
    figures = {}
    trees = [(label, Path(tree).resolve()) for label, _, tree in
             (spec.partition("=") for spec in args.tree)]
    for label, tree in trees:
        figures[label] = run_tree(tree, args.corpus, args.work, label, mix,
                                  args.concurrency, args.reuse)
        print(label, json.dumps(figures[label], ensure_ascii=False), flush=True)
    for label, counted in counting(trees, args.work, args.rounds).items():
        figures[label]["counting"] = counted
    report(figures, args.concurrency)
    return 0


if __name__ == "__main__":
    sys.exit(main())
