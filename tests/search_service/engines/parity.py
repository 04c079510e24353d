"""The cases every engine must answer as the Whoosh engine does (the parity suites of
``manticore/`` and ``tantivy/``): the same documents, the same exact total and the same facet
counts; the order may differ only among hits with equal scores (for date sorts: the
sequence of dates is the same)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.schema import FACET_FIELDS
from search_service.access.scope import Scope
from search_service.engines.base import SearchEngine, SearchRequest
from search_service.query.parse import plan_query
from tests.search_service.conftest import doc_id
from tests.searching import catalog_of

# Service queries (``/api/search`` parameters) every engine must answer as Whoosh does.
QUERIES = [
    "q=明远", "q=3301000001", "q=mingyuan", "q=隐患&org=城东供电所",
    "q=隐患&org=城东供电所&org=城西供电所&year=2023", "doc_type=JC03&sort=date_asc",
    "q=电费&page=2&page_size=5&sort=date_desc", "q=未配备灭火器", "q=没有这个词组",
    "date_from=2023-01-01&date_to=2023-12-31&customer_class=高压",
]


def comparable(body: dict[str, Any]) -> dict[str, Any]:
    """A search answer without what may differ between engines: timing, scores, tie order."""
    hits = sorted(({k: v for k, v in h.items() if k != "score"} for h in body["hits"]),
                  key=lambda h: h["doc_id"])
    return {**{k: v for k, v in body.items() if k not in ("took_ms", "hits")}, "hits": hits}


MINGYUAN_NOTICE = "城东供电所/3301000001_杭州明远纺织有限公司/用电检查/隐患整改通知书_2023-05-20.pdf"


@dataclass(frozen=True)
class Case:
    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    scope: Scope = Scope()
    date_from: str = ""
    date_to: str = ""
    account_no: str = ""
    sort: str = "relevance"


EAST = Scope(units=("城东供电所",))
CASES = [
    Case("明远"), Case("杭州明远"), Case("张三"), Case("3301000001"), Case("3301000005"),
    Case("mingyuan"), Case("hzmy"), Case("zhangsan"), Case("安全隐患"), Case('"未配备灭火器"'),
    Case('"灭火器 电缆沟"'), Case("灭火器 电缆沟"), Case("S11-M-630"), Case("纺织 有限公司"),
    Case("隐患整改通知书"), Case("电费"), Case("没有这个词组"), Case(""),
    Case("隐患", filters={"org": ("城东供电所",)}),
    Case("隐患", filters={"org": ("城东供电所", "城西供电所"), "year": ("2023",)}),
    Case("", filters={"doc_type": ("JC03",), "volt_level": ("10kV",)}),
    Case("", filters={"customer_class": ("低压居民",)}, sort="date_asc"),
    Case("电费", sort="date_desc"), Case("", sort="date_asc"),
    Case("", date_from="2023-01-01", date_to="2023-12-31"),
    Case("通知", date_from="2022-06-01"), Case("", date_to="2021-12-31"),
    Case("", account_no="3301000007"), Case("电费", account_no="3301000007", sort="date_asc"),
    Case("隐患", scope=EAST), Case("", scope=Scope(units=("城西供电所",))),
    Case("", scope=Scope.nothing()), Case("纺织", scope=Scope(units=())),
    Case("", scope=Scope(units=("城西供电所",), accounts=("3301000001",))),
    Case("隐患", scope=Scope(units=(), doc_ids=(doc_id(MINGYUAN_NOTICE),))),
    Case("", filters={"org": ("城东供电所",)}, scope=Scope(units=("城西供电所",),
                                                        accounts=("3301000005",))),
    # derived fields (engines.derived): a multi-valued facet, per-customer flags
    Case("", filters={"missing_types": ("YK11",)}),
    Case("", filters={"missing_types": ("YK11", "YK08"), "customer_class": ("高压",)}),
    Case("合同", filters={"complete": ("不齐全",), "contract_state": ("无合同", "有效")}),
    Case("", filters={"handover_status": ("未移交",), "hazard_overdue": ("否",)}),
]


def answer(engine: SearchEngine, case: Case) -> tuple[list[str], int, dict]:
    result = engine.search(SearchRequest(
        plan=plan_query(case.q), filters=case.filters, date_from=case.date_from,
        date_to=case.date_to, account_no=case.account_no, scope=case.scope,
        facets=FACET_FIELDS, sort=case.sort, limit=100))
    assert not result.partial
    return [h.doc_id for h in result.hits], result.total, result.facets


def assert_same(reference: SearchEngine, other: SearchEngine, dates: dict[str, str],
                case: Case) -> None:
    """``other`` answers ``case`` as ``reference`` does (see the module's docstring)."""
    hits, total, facets = answer(reference, case)
    found, found_total, found_facets = answer(other, case)
    assert set(found) == set(hits)
    assert found_total == total
    assert found_facets == facets
    if case.sort != "relevance" or not case.q:
        assert [dates[d] for d in found] == [dates[d] for d in hits]


def assert_account_first(reference: SearchEngine, other: SearchEngine, index_dir: Path) -> None:
    """A full 户号 ranks that customer's documents first in both engines."""
    accounts = {r["doc_id"]: r["account_no"] for r in catalog_of(index_dir).changed_since(0)}
    hits, _, _ = answer(reference, Case("3301000005"))
    found, _, _ = answer(other, Case("3301000005"))
    ours = {d for d in hits if accounts[d] == "3301000005"}
    assert ours and set(found[:len(ours)]) == ours == set(hits[:len(ours)])


def assert_api_alike(whoosh: Any, other: Any) -> None:
    """Two signed-in clients (the service on Whoosh and on another engine) answer every one
    of :data:`QUERIES` alike, and the user reads something in most of them."""
    seen = 0
    for query in QUERIES:
        expected = whoosh.get(f"/api/search?{query}")
        found = other.get(f"/api/search?{query}")
        assert found.status_code == expected.status_code == 200, query
        assert comparable(found.json()) == comparable(expected.json()), query
        seen += found.json()["total"] > 0
    assert seen >= len(QUERIES) // 2  # the comparison is not of empty answers


def rebuilt(settings: Any, index_dir: Path) -> Any:
    """``settings`` after rebuilding their engine from the catalog beside ``index_dir`` (as
    ``archive-search reindex --engine …`` does)."""
    from indexer.sync import rebuild
    from search_service.engines import open_engine

    engine = open_engine(settings)
    try:
        rebuild(engine, catalog_of(index_dir))
    finally:
        engine.close()
    return settings
