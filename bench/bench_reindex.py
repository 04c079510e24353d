"""Benchmark: ``archive-search reindex`` from the catalog, this tree against an earlier one.

The same generated catalog (bench_http's ``prepare``: ``--docs`` documents, about ten per
customer, every facet filled; kept in ``--corpus``) is rebuilt by the CLI of this source tree
and by the CLI of ``--before`` (a commit, exported once with ``git archive`` to a temporary
directory), alternately, ``--rounds`` times each, so a machine's load falls on both alike.
``--analyzer`` also times the analyzer alone (``token_text`` over the first 20,000
documents' four text fields, in reindex order, a fresh process per tree; ``--engines-off``:
only that). ``--serial`` adds this tree with ``--workers 0`` (everything in one process). Reported:
docs/s by the time each command prints (extraction excluded: no archive file is read), the
median per variant and the ratio of the last to the first.

    .venv/bin/python bench/bench_reindex.py --docs 100000 --before 1aa0d83 --serial
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(HERE), str(HERE / "bench")]

from bench_http import prepare, reindex  # noqa: E402


def export(revision: str, into: Path) -> Path:
    """The source tree of ``revision`` of this repository, written under ``into``."""
    tree = into / revision
    tree.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(HERE), "archive", revision], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def rounds(engine: str, corpus: Path, trees: dict[str, tuple[Path, tuple[str, ...]]],
           docs: int, count: int, work: Path) -> dict[str, list[float]]:
    """Docs/s of each variant's reindex (a tree and its options), ``count`` times each, the
    variants taking turns."""
    env = {"ARCHIVE_SEARCH_ENGINE": engine, "ARCHIVE_SEARCH_ROOT": str(corpus / "archive")}
    found: dict[str, list[float]] = {label: [] for label in trees}
    for turn in range(count):
        for label, (tree, options) in trees.items():
            index_dir = work / f"index-{engine}-{label}"
            shutil.rmtree(index_dir, ignore_errors=True)
            load = os.getloadavg()[0]
            found[label].append(reindex(engine, corpus, index_dir, env, docs, tree, options))
            print(f"  {engine} {label} round {turn + 1}: {found[label][-1]:,.0f} docs/s "
                  f"(load {load:.1f})", flush=True)
            shutil.rmtree(index_dir, ignore_errors=True)
    return found


ANALYZER_RUN = """
import sqlite3, sys, time
from indexer.analysis import token_text
rows = sqlite3.connect(sys.argv[1]).execute(
    "select title, content, customer_name, address from documents order by batch, doc_id "
    "limit ?", (int(sys.argv[2]),)).fetchall()
began = time.perf_counter()
for row in rows:
    for text in row:
        token_text(text)
print((time.perf_counter() - began) / len(rows) * 1e6)
"""


def analyzer_rounds(corpus: Path, trees: dict[str, tuple[Path, tuple[str, ...]]], docs: int,
                    count: int) -> dict[str, list[float]]:
    """Microseconds per document of ``token_text`` over the title, content, name and address
    of the catalog's first ``docs`` documents (in reindex order), each tree in a fresh
    process, the trees taking turns."""
    found: dict[str, list[float]] = {}
    for _ in range(count):
        for label, (tree, _options) in trees.items():
            done = subprocess.run([sys.executable, "-c", ANALYZER_RUN,
                                   str(corpus / "archive-search.db"), str(docs)], cwd=tree,
                                  check=True, capture_output=True, text=True,
                                  env={**os.environ, "PYTHONPATH": str(tree)})
            found.setdefault(label, []).append(float(done.stdout))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--corpus", type=Path, default=None,
                        help="where the generated catalog is kept (default /tmp/bench-http-N)")
    parser.add_argument("--before", default=None, help="the commit to compare against")
    parser.add_argument("--engines", default="tantivy")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--analyzer", action="store_true",
                        help="also time token_text alone over the first 20,000 documents")
    parser.add_argument("--engines-off", action="store_true", help="only the analyzer")
    parser.add_argument("--serial", action="store_true",
                        help="also this tree with --workers 0")
    args = parser.parse_args()
    corpus = (args.corpus or Path(f"/tmp/bench-http-{args.docs}")).resolve()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load {os.getloadavg()[0]:.1f}; {args.docs:,} documents")
    prepare(corpus, args.docs)
    with tempfile.TemporaryDirectory(prefix="bench-reindex-") as tmp:
        trees: dict[str, tuple[Path, tuple[str, ...]]] = {}
        if args.before:
            trees[f"before ({args.before})"] = (export(args.before, Path(tmp)), ())
        if args.serial:
            trees["this tree, --workers 0"] = (HERE, ("--workers", "0"))
        trees["this tree"] = (HERE, ())
        header = " | ".join([*trees, "ratio"] if len(trees) > 1 else trees)
        table = [f"\n| {args.docs:,} docs, reindex through the CLI | {header} |",
                 "|---" * (header.count("|") + 2) + "|"]
        for engine in [] if args.engines_off else args.engines.split(","):
            found = rounds(engine, corpus, trees, args.docs, args.rounds, Path(tmp))
            medians = [statistics.median(v) for v in found.values()]
            ratio = f" | ×{medians[-1] / medians[0]:.2f}" if len(medians) > 1 else ""
            table.append(f"| {engine}, median of {args.rounds} | "
                         + " | ".join(f"{m:,.0f} docs/s" for m in medians) + ratio + " |")
        if args.analyzer:  # the variants of one tree share its analyzer: timed once
            found = analyzer_rounds(corpus, {label: v for label, v in trees.items()
                                             if not v[1]}, min(args.docs, 20_000), args.rounds)
            medians = [statistics.median(v) for v in found.values()]
            cells = [f"{statistics.median(found[label]):.1f} µs/doc" if label in found
                     else "(same code)" for label in trees]
            table.append(f"| analyzer alone (`token_text`, 4 fields), median of {args.rounds} | "
                         + " | ".join(cells) + (f" | ×{medians[0] / medians[-1]:.2f} faster"
                                                if len(medians) > 1 else "") + " |")
        print("\n".join(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
