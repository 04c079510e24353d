"""Benchmark: indexing rate, index size and search latency, ours against a naive baseline.

Builds N synthetic archive documents in memory (text only, no files), indexes them with our
schema (bigram analyzer, single writer) and with a naive Whoosh + jieba ``ChineseAnalyzer``
setup, then times a realistic query mix. Not a test: run it and record the figures in
docs/benchmarks.md.

    .venv/bin/python bench/bench_search.py [--docs 20000] [--queries 40] [--skip-baseline]
"""

from __future__ import annotations

import argparse
import platform
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

from whoosh import index as windex
from whoosh import sorting
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import MultifieldParser

from indexer.catalog.store import Catalog
from indexer.doctypes import DOC_TYPES, INSPECTION_CODES
from indexer.records import doc_id_for
from indexer.schema import (TEXT_SOURCE_LAYER, TEXT_SOURCE_MIXED, TEXT_SOURCE_OCR,
                            TEXT_SOURCE_OCR_LOW)
from indexer.sync import rebuild
from sample_archive.domain import RETENTION, USAGE_WEIGHTS, VOLTAGE_WEIGHTS, cn_date
from search_service.db import default_url
from search_service.engines import whoosh_home
from search_service.engines.whoosh import WhooshEngine
from search_service.reading.search import SearchParams, run_search

ORGS = ["城东供电所", "城西供电所", "城南供电所", "临江供电所", "白塔供电所"]
CLASSES = ["高压", "低压非居民", "低压居民"]
BRANDS = ["明远", "华丰", "恒通", "金盛", "宏达", "瑞祥", "永兴", "天成", "新源", "德利"]
TRADES = ["纺织", "机械", "食品", "化工", "建材", "电子", "印染", "物流"]
CITIES = ["杭州", "宁波", "湖州", "嘉兴", "绍兴"]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
HAZARDS = ["配电房未配备灭火器", "电缆沟积水", "变压器渗油", "接地电阻超标", "私拉乱接",
           "计量装置封印缺失", "安全工器具未定期试验"]


# Every facet filled (the sample generator's proportions, as in sample_archive.generator).
TEXT_SOURCES = {TEXT_SOURCE_LAYER: 70, TEXT_SOURCE_OCR: 20, TEXT_SOURCE_OCR_LOW: 5,
                TEXT_SOURCE_MIXED: 5}
FILE_TYPES = {"pdf": 70, "docx": 15, "jpg": 10, "xlsx": 5}
HAZARD_STATUSES = ("未整改", "整改中", "已整改", "逾期")


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def customer(rng: random.Random, n: int) -> dict[str, str]:
    cls = rng.choice(CLASSES)
    if cls == "低压居民":
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))
    else:
        name = f"{rng.choice(CITIES)}{rng.choice(BRANDS)}{rng.choice(TRADES)}有限公司"
    return {"account_no": f"33{n:08d}", "customer_name": name, "org": rng.choice(ORGS),
            "customer_class": cls, "address": f"{rng.choice(CITIES)}市{rng.choice(BRANDS)}路{n % 300}号",
            "elec_type": _weighted(rng, USAGE_WEIGHTS[cls]),
            "volt_level": _weighted(rng, VOLTAGE_WEIGHTS[cls])}


def facts(rng: random.Random, code: str, day: date) -> dict[str, str]:
    """A document's facet values beside its type and customer: retention, file type, text
    source, and for inspections whether a hazard was found, its status and deadline."""
    found = {"retention": RETENTION.get(code) or RETENTION.get(code[:2], "10年"),
             "file_type": _weighted(rng, FILE_TYPES),
             "text_source": _weighted(rng, TEXT_SOURCES), "hazard_found": "", "hazard_status": "",
             "rectify_deadline": ""}
    if code in INSPECTION_CODES:
        hazard = code == "JC03" or rng.random() < 0.5
        found["hazard_found"] = "是" if hazard else "否"
        if hazard:
            found["hazard_status"] = rng.choice(HAZARD_STATUSES)
            found["rectify_deadline"] = (day + timedelta(days=30)).isoformat()
    return found


def documents(count: int, seed: int = 7) -> Iterator[dict[str, object]]:
    """Synthetic records shaped like the indexer's, about ten per customer."""
    rng = random.Random(seed)
    customers = [customer(rng, n) for n in range(max(1, count // 10))]
    for n in range(count):
        cust = customers[n % len(customers)]
        doc_type = rng.choice(DOC_TYPES)
        year = rng.randint(2016, 2025)
        day = date(year, rng.randint(1, 12), rng.randint(1, 28))
        hazard = rng.choice(HAZARDS)
        about = facts(rng, doc_type.code, day)
        deadline = (f"整改期限：{cn_date(date.fromisoformat(about['rectify_deadline']))}\n"
                    f"整改状态：{about['hazard_status']}\n" if about["hazard_status"] else "")
        text = (f"{doc_type.name}\n户号：{cust['account_no']}\n户名：{cust['customer_name']}\n"
                f"用电地址：{cust['address']}\n日期：{cn_date(day)}\n" + deadline +
                f"检查结果：发现安全隐患，{hazard}。变压器型号 S11-M-{rng.choice([315, 630, 1000])}/10。\n"
                + "供电人与用电人就供用电事宜达成如下协议，电费按月结算，产权分界点以现场为准。" * rng.randint(1, 6))
        path = f"{cust['org']}/{cust['account_no']}_{cust['customer_name']}/{doc_type.name}_{n}.{about['file_type']}"
        yield {"doc_id": doc_id_for(path), "path": path, "status": "ok",
               "size": len(text) * 3, "mtime": 0, "sha256": f"{n:064x}", "pages": 1,
               "title": doc_type.name, "content": text, "doc_type": doc_type.code,
               "doc_type_name": doc_type.name, "doc_date": day.isoformat(), "year": str(year),
               **about, **cust}


def query_mix(rng: random.Random, n: int, total_docs: int) -> list[tuple[str, SearchParams]]:
    customers = max(1, total_docs // 10)
    kinds: list[Callable[[], tuple[str, SearchParams]]] = [
        lambda: ("full 户号", SearchParams(q=f"33{rng.randrange(customers):08d}")),
        lambda: ("full name", SearchParams(q=f"{rng.choice(CITIES)}{rng.choice(BRANDS)}{rng.choice(TRADES)}有限公司")),
        lambda: ("part of a company name", SearchParams(q=rng.choice(BRANDS) + rng.choice(TRADES))),
        lambda: ("phrase from the text", SearchParams(q=f'"{rng.choice(HAZARDS)}"')),
        lambda: ("broad term + filters", SearchParams(
            q="计量装置", filters={"org": (rng.choice(ORGS),), "year": (str(rng.randint(2016, 2025)),)})),
    ]
    return [kinds[i % len(kinds)]() for i in range(n)]


def index_ours(directory: Path, docs: list[dict[str, object]]) -> float:
    """Write the records to a catalog, then time building the Whoosh engine from it."""
    catalog = Catalog.open(default_url(directory))
    catalog.write(docs)
    began = time.perf_counter()
    engine = WhooshEngine(whoosh_home(directory))
    rebuild(engine, catalog)
    engine.close()
    return time.perf_counter() - began


def time_ours(directory: Path, queries: list[tuple[str, SearchParams]]) -> dict[str, list[float]]:
    engine, catalog = WhooshEngine(whoosh_home(directory)), Catalog.open(default_url(directory))
    timings: dict[str, list[float]] = {}
    run_search(engine, catalog, queries[0][1])  # warm caches
    for kind, params in queries:
        began = time.perf_counter()
        run_search(engine, catalog, params)
        timings.setdefault(kind, []).append((time.perf_counter() - began) * 1000)
    engine.close()
    return timings


def naive_schema() -> Schema:
    from jieba.analyse import ChineseAnalyzer

    analyzer = ChineseAnalyzer()
    return Schema(doc_id=ID(stored=True, unique=True), content=TEXT(analyzer=analyzer, stored=True),
                  customer_name=TEXT(analyzer=analyzer, stored=True), account_no=ID(stored=True),
                  org=ID(stored=True, sortable=True), doc_type=ID(stored=True, sortable=True),
                  year=ID(stored=True, sortable=True))


def index_naive(directory: Path, docs: list[dict[str, object]]) -> float:
    ix = windex.create_in(str(directory), naive_schema())
    began = time.perf_counter()
    with ix.writer(limitmb=256) as writer:
        for doc in docs:
            writer.add_document(**{k: doc[k] for k in ix.schema.names()})
    return time.perf_counter() - began


def time_naive(directory: Path, queries: list[tuple[str, SearchParams]]) -> dict[str, list[float]]:
    ix = windex.open_dir(str(directory))
    parser = MultifieldParser(["content", "customer_name", "account_no"], ix.schema)
    facets = {name: sorting.FieldFacet(name) for name in ("org", "doc_type", "year")}
    timings: dict[str, list[float]] = {}
    with ix.searcher() as searcher:
        for kind, params in queries:
            began = time.perf_counter()
            results = searcher.search(parser.parse(params.q), limit=20, groupedby=facets,
                                      maptype=sorting.Count)
            for name in facets:
                results.groups(name)
            for hit in results[:20]:
                hit.highlights("content")
            timings.setdefault(kind, []).append((time.perf_counter() - began) * 1000)
    return timings


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def size_mb(directory: Path) -> float:
    return sum(f.stat().st_size for f in directory.iterdir()) / 1e6


def report(name: str, seconds: float, count: int, directory: Path,
           timings: dict[str, list[float]]) -> dict[str, float]:
    every = [t for ts in timings.values() for t in ts]
    print(f"\n## {name}\nindexing: {count / seconds:,.0f} docs/s ({seconds:.1f} s), "
          f"index size {size_mb(directory):.1f} MB")
    print(f"search, all queries: p50 {percentile(every, 50):.1f} ms, p95 {percentile(every, 95):.1f} ms")
    for kind, ts in timings.items():
        print(f"  {kind:<24} p50 {percentile(ts, 50):7.1f} ms   p95 {percentile(ts, 95):7.1f} ms")
    return {"rate": count / seconds, "p50": percentile(every, 50), "p95": percentile(every, 95)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--index", type=Path,
                        help="keep our index here and reuse it (compare search code versions "
                             "on one index: run with PYTHONPATH pointing at each checkout)")
    parser.add_argument("--rounds", type=int, default=1, help="time the query mix this often")
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {platform.python_version()}, "
          f"{args.docs} documents, {args.queries} queries")
    docs = list(documents(args.docs))
    queries = query_mix(random.Random(3), args.queries, args.docs)
    work = Path(tempfile.mkdtemp(prefix="archive-bench-"))
    try:
        mine = args.index or work / "ours"
        if not any(mine.glob("*.toc")):
            mine.mkdir(parents=True, exist_ok=True)
            seconds = index_ours(mine, docs)
        else:
            seconds = float("nan")  # reused
        timings: dict[str, list[float]] = {}
        for _ in range(args.rounds):
            for kind, found in time_ours(mine, queries).items():
                timings.setdefault(kind, []).extend(found)
        ours = report("ours: bigram analyzer, 8 multi-select facets, exact highlights",
                      seconds, len(docs), mine, timings)
        if not args.skip_baseline:
            (work / "naive").mkdir()
            seconds = index_naive(work / "naive", docs)
            naive = report("baseline: Whoosh + jieba ChineseAnalyzer, 3 facets, Whoosh highlights",
                           seconds, len(docs), work / "naive", time_naive(work / "naive", queries))
            print(f"\nratio ours/baseline: indexing x{ours['rate'] / naive['rate']:.2f}, "
                  f"search p50 x{ours['p50'] / naive['p50']:.2f} (lower is faster)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
