"""The fast Whoosh search equals Whoosh's own collector: same hits, scores, order, totals and
facet counts, on every kind of query, filter, scope, sort and page."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.schema import FACET_FIELDS
from search_service.access.scope import Scope
from search_service.config import Settings
from search_service.engines import open_engine
from search_service.engines.base import SearchRequest
from search_service.engines.whoosh import collector as whoosh_collector
from search_service.engines.whoosh import WhooshEngine
from search_service.query.parse import plan_query

QUERIES = ["", "明远", "张三", "3301000001", '"未配备灭火器"', "mingyuan", "zs", "供用电 合同",
           "隐患整改通知书", "电费", "用电", "王五 电费", "户号"]
VARIANTS = [
    {},
    {"sort": "date_desc"},
    {"sort": "date_asc"},
    {"filters": {"org": ("城东供电所",)}},
    {"filters": {"org": ("城东供电所", "城西供电所"), "year": ("2023",)}},
    {"filters": {"doc_type": ("JC03",), "hazard_status": ("未整改", "逾期")}},
    {"date_from": "2022-01-01", "date_to": "2023-06-30"},
    {"date_to": "2021-12-31"},
    {"account_no": "3301000007"},
    {"scope": Scope(units=("城西供电所",))},
    {"scope": Scope(units=("城东供电所",), accounts=("3301000002",))},
    {"scope": Scope(units=(), doc_ids=("nothing-such",))},
    {"scope": Scope.nothing()},
    {"offset": 20, "limit": 20},
    {"offset": 5, "limit": 5, "sort": "date_asc"},
]


@pytest.fixture(scope="module")
def engine(indexed_archive) -> WhooshEngine:  # noqa: ANN001
    found = open_engine(Settings(index_dir=indexed_archive.index_dir))
    yield found
    found.close()


@pytest.mark.parametrize("q", QUERIES)
def test_fast_search_equals_the_collector(engine: WhooshEngine, q: str) -> None:
    for variant in VARIANTS:
        request = SearchRequest(plan=plan_query(q), facets=FACET_FIELDS, **variant)
        fast = engine.search(request)
        with engine.searcher() as searcher:
            reference = whoosh_collector.search(searcher, request)
        assert fast.total == reference.total, variant
        assert [(h.doc_id, h.score) for h in fast.hits] == [
            (h.doc_id, h.score) for h in reference.hits], variant
        assert fast.facets == reference.facets, variant


def test_the_comparison_is_not_vacuous(engine: WhooshEngine) -> None:
    broad = engine.search(SearchRequest(plan=plan_query("电费"), facets=FACET_FIELDS))
    assert broad.total > 20
    ranked = engine.search(SearchRequest(plan=plan_query("明远")))
    assert len({h.score for h in ranked.hits}) > 1
    assert broad.facets["year"] and broad.facets["org"]
    chosen = engine.search(SearchRequest(plan=plan_query(""), facets=("org",),
                                         filters={"org": ("城西供电所",)}))
    assert chosen.facets["org"]["城东供电所"] > 0  # multi-select: counts ignore own filter
    assert chosen.total == chosen.facets["org"]["城西供电所"]


def test_scope_grants_count_inside_the_engine(engine: WhooshEngine) -> None:
    west = engine.search(SearchRequest(scope=Scope(units=("城西供电所",)), facets=("org",)))
    lent = engine.search(SearchRequest(scope=Scope(units=("城西供电所",),
                                                   accounts=("3301000001",)), facets=("org",)))
    assert set(west.facets["org"]) == {"城西供电所"}
    assert lent.facets["org"]["城西供电所"] == west.total
    assert lent.total == west.total + lent.facets["org"]["城东供电所"]


def test_searches_from_many_threads_agree(engine: WhooshEngine) -> None:
    from concurrent.futures import ThreadPoolExecutor

    requests = [SearchRequest(plan=plan_query(q), facets=FACET_FIELDS) for q in QUERIES] * 4
    alone = [engine.search(r) for r in requests]
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(engine.search, requests))
    assert [(r.total, r.hits, r.facets) for r in together] == [
        (r.total, r.hits, r.facets) for r in alone]


def test_index_stores_no_text(indexed_archive) -> None:  # noqa: ANN001
    from indexer.schema import build_schema

    schema = build_schema()
    assert [name for name in schema.names() if schema[name].stored] == ["doc_id"]
    assert Path(indexed_archive.index_dir / "whoosh" / "current.json").is_file()


def test_equal_over_several_segments_with_deletions(tmp_path: Path) -> None:
    from indexer.pipeline import run_index
    from tests.factories import build_archive, make_txt

    root = build_archive(tmp_path / "a")
    run_index(root, tmp_path / "ix", workers=1, progress=False)
    folder = root / "城东供电所" / "3301000001_杭州明远纺织有限公司" / "用电检查"
    for n in range(12):
        make_txt(folder / f"用电检查工作单_2024-0{n % 9 + 1}-0{n % 7 + 1}_{n}.txt",
                 f"用电检查工作单\n户号：3301000001\n第 {n} 次检查，明远纺织配电房未配备灭火器\n")
    (root / "城西供电所" / "3301000002_张三丰" / "用电申请书.txt").unlink()
    run_index(root, tmp_path / "ix", workers=1, progress=False, batch_size=5)
    engine = open_engine(Settings(index_dir=tmp_path / "ix"))
    try:
        with engine.searcher() as searcher:
            assert len(searcher.leaf_searchers()) > 1
            assert searcher.reader().has_deletions() or searcher.doc_count_all() == 17
        for q in QUERIES:
            for variant in VARIANTS:
                request = SearchRequest(plan=plan_query(q), facets=FACET_FIELDS, **variant)
                with engine.searcher() as searcher:
                    reference = whoosh_collector.search(searcher, request)
                fast = engine.search(request)
                assert (fast.total, fast.hits, fast.facets) == (
                    reference.total, reference.hits, reference.facets), (q, variant)
    finally:
        engine.close()


def test_threads_searchers_share_the_index_instead_of_copying_it(
        indexed_archive, tmp_path: Path) -> None:  # noqa: ANN001
    """Each thread has its own searcher; none may hold its own copy of the segment files
    (memory would grow by the index's size per thread: 150 MB each at 100,000 documents)."""
    import threading
    import tracemalloc

    from search_service.engines.projection import engine_record, searchable
    from search_service.engines.whoosh import WhooshEngine
    from tests.searching import catalog_of

    rows = [r for r in catalog_of(indexed_archive.index_dir).changed_since(0) if searchable(r)]
    engine = WhooshEngine(tmp_path / "whoosh")
    engine.clear()
    for copy in range(60):  # an index of some megabytes
        engine.replace({**engine_record(r), "doc_id": f"{r['doc_id']}-{copy}",
                        "content": f"{r['content']} 第{copy}份" * 5} for r in rows)
    engine.commit(batch=1)
    segments = sum(f.stat().st_size for f in (tmp_path / "whoosh").rglob("*.seg"))
    assert segments > 1_500_000
    request = SearchRequest(plan=plan_query("电费"), facets=FACET_FIELDS)
    engine.search(request)  # the shared column arrays
    tracemalloc.start()
    try:
        threads = [threading.Thread(target=engine.search, args=(request,)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        peak = tracemalloc.get_traced_memory()[1]  # every thread searching
    finally:
        tracemalloc.stop()
        engine.close()
    assert peak < 3 * segments  # a copy per thread would be about eight times the files
