"""Benchmark: the Whoosh engine's search against Whoosh's own collector, one index, in process.

Both answer the same ``SearchRequest``s (all 9 facets, page of 20) over the same index, so the
ratio is the engine's alone (no HTTP, no snippets): ``whoosh.search`` (numpy facets, filters
and sorting, phrase checks on candidates, terms scored from arrays) against
``whoosh.collector`` (the path the service used before). Every answer is checked equal.

    .venv/bin/python bench/bench_whoosh.py --index /tmp/b20/corpus/after/index [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from indexer.schema import FACET_FIELDS
from search_service.config import Settings
from search_service.engines import open_engine
from search_service.engines.whoosh import collector as whoosh_collector
from search_service.engines.base import SearchRequest
from search_service.query.parse import plan_query

REQUESTS = [  # (kind, query, filters)
    ("户号", "3300000123", {}),
    ("户名", "杭州明远纺织有限公司", {}),
    ("品牌", "明远纺织", {}),
    ("地址", "杭州市明远路", {}),
    ("宽泛词", "电费", {}),
    ("宽泛词+供电所", "电费", {"org": ("城东供电所",)}),
    ("引号短语", '"配电房未配备灭火器"', {}),
    ("空检索浏览", "", {}),
    ("长词", "计量装置封印缺失", {}),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    engine = open_engine(Settings(index_dir=args.index))
    print(f"{engine.count()} documents\n")
    print("| query | hits | collector ms | engine ms | ratio |\n|---|---|---|---|---|")
    for kind, q, filters in REQUESTS:
        request = SearchRequest(plan=plan_query(q), filters=filters, facets=FACET_FIELDS)

        def collector() -> object:
            with engine.searcher() as searcher:
                return whoosh_collector.search(searcher, request)

        fast, slow = [], []
        for _ in range(args.rounds):
            began = time.perf_counter()
            ours = engine.search(request)
            fast.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            theirs = collector()
            slow.append((time.perf_counter() - began) * 1000)
            assert (ours.total, ours.hits, ours.facets) == (  # type: ignore[attr-defined]
                theirs.total, theirs.hits, theirs.facets), kind  # type: ignore[attr-defined]
        f, s = statistics.median(fast), statistics.median(slow)
        print(f"| {kind} | {ours.total} | {s:.0f} | {f:.0f} | ×{s / f:.1f} |")
    engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
