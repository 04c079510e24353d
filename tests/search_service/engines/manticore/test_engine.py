"""The Manticore engine against real searchd processes: writes, shards, rebuilds, paging."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from search_service.access.scope import Scope
from search_service.engines.base import SearchRequest
from search_service.engines.manticore import ManticoreEngine
from search_service.engines.manticore.engine import shard_for
from search_service.engines.manticore.nodes import shard_index
from search_service.engines.manticore.projection import rt_id
from search_service.query.parse import plan_query
from search_service.query.plan import EXACT, PREFIX, Clause, Match, QueryPlan

from .conftest import Cluster


def record(n: int, account: str = "3301000001", **fields: Any) -> dict[str, Any]:
    base = {"doc_id": f"{n:016x}", "title": f"文档{n}", "content": "用电检查 配电房未配备灭火器",
            "account_no": account, "customer_name": "杭州明远纺织有限公司", "org": "城东供电所",
            "doc_type": "JC03", "doc_date": "2023-05-20", "year": "2023"}
    return {**base, **fields}


@pytest.fixture
def cluster(start_searchd: Callable[..., Cluster]) -> Cluster:
    return start_searchd(2)


@pytest.fixture
def engine(cluster: Cluster) -> Iterator[ManticoreEngine]:
    engine = cluster.engine(batch_size=200)
    yield engine
    engine.close()


def ids(engine: ManticoreEngine, q: str = "", **kwargs: Any) -> list[str]:
    result = engine.search(SearchRequest(plan=plan_query(q), limit=100, **kwargs))
    return [h.doc_id for h in result.hits]


def shard_ids(engine: ManticoreEngine, shard: int) -> set[int]:
    node = engine.topology.shards[shard][0]
    (rows,), = engine.connections.run(node, [(f"SELECT id FROM {shard_index(shard)} LIMIT 1000",
                                              None)])
    return {r[0] for r in rows}


def test_a_customers_documents_stay_on_one_shard(engine: ManticoreEngine) -> None:
    accounts = [f"33010{n:05d}" for n in range(12)]
    engine.replace(record(i * 3 + k, a) for i, a in enumerate(accounts) for k in range(3))
    engine.commit()
    for i, account in enumerate(accounts):
        home = shard_for(account, 2)
        for k in range(3):
            assert rt_id(f"{i * 3 + k:016x}") in shard_ids(engine, home)
            assert rt_id(f"{i * 3 + k:016x}") not in shard_ids(engine, 1 - home)
    assert {shard_for(a, 2) for a in accounts} == {0, 1}
    assert engine.count() == 36


def test_a_document_whose_customer_moved_shard_is_kept_once(engine: ManticoreEngine) -> None:
    first = "3301000001"
    other = next(f"33019{n:05d}" for n in range(100) if shard_for(f"33019{n:05d}", 2)
                 != shard_for(first, 2))
    engine.replace([record(1, first)])
    engine.commit()
    engine.replace([record(1, other)])
    engine.commit()
    assert engine.count() == 1
    assert ids(engine, other) == [f"{1:016x}"] and ids(engine, first) == []


def test_delete_replace_and_count(engine: ManticoreEngine) -> None:
    engine.replace(record(n, f"33010000{n:02d}") for n in range(10))
    engine.commit()
    engine.delete([f"{3:016x}", f"{4:016x}", "ffffffffffffffff"])
    engine.commit()
    assert engine.count() == 8
    assert f"{3:016x}" not in ids(engine, "灭火器")
    engine.replace([record(5, "3301000005", content="变压器渗油")])
    engine.commit()
    assert ids(engine, "渗油") == [f"{5:016x}"] and engine.count() == 8


def test_a_rebuild_is_seen_only_when_committed(engine: ManticoreEngine) -> None:
    engine.replace(record(n) for n in range(3))
    engine.commit(batch=7)
    before = engine.generation()
    engine.clear()
    engine.replace([record(10, content="电缆沟积水")])
    assert len(ids(engine, "灭火器")) == 3 and ids(engine, "积水") == []
    assert engine.count() == 3
    engine.commit(batch=9)
    assert ids(engine, "灭火器") == [] and ids(engine, "积水") == [f"{10:016x}"]
    assert engine.count() == 1 and shard_ids(engine, 0) | shard_ids(engine, 1) == {rt_id(f"{10:016x}", 1)}
    assert engine.applied_batch() == 9 and engine.generation() != before


def test_deep_pages_and_exact_totals(engine: ManticoreEngine) -> None:
    engine.replace(record(n, f"3301{n % 50:06d}", doc_date=f"20{10 + n % 14}-01-{1 + n % 28:02d}")
                   for n in range(2500))
    engine.commit()
    seen: list[str] = []
    for offset in range(0, 2500, 500):
        result = engine.search(SearchRequest(plan=plan_query("灭火器"), sort="date_desc",
                                             offset=offset, limit=500))
        assert result.total == 2500
        seen += [h.doc_id for h in result.hits]
    assert len(set(seen)) == 2500
    last = engine.search(SearchRequest(plan=plan_query("灭火器"), offset=2490, limit=20))
    assert len(last.hits) == 10 and last.total == 2500


def test_facets_count_every_value_and_ignore_their_own_filter(engine: ManticoreEngine) -> None:
    engine.replace(record(n, f"3301{n:06d}", org=f"第{n % 30:02d}供电所") for n in range(90))
    engine.commit()
    chosen = ("第01供电所", "第02供电所")
    result = engine.search(SearchRequest(plan=plan_query("灭火器"), filters={"org": chosen},
                                         facets=("org", "year")))
    assert result.total == 6
    assert len(result.facets["org"]) == 30 and set(result.facets["org"].values()) == {3}
    assert result.facets["year"] == {"2023": 6}


def test_identifiers_whole_and_by_prefix(engine: ManticoreEngine) -> None:
    engine.replace([record(1, "3301000123", archive_no="G017-YX·2023-D30-YK-0001"),
                    record(2, "3301000456"), record(3, "3302000789")])
    engine.commit()

    def found(match: Match) -> set[str]:
        plan = QueryPlan(text="x", clauses=(Clause("x", (match,)),))
        return {h.doc_id for h in engine.search(SearchRequest(plan=plan)).hits}

    assert found(Match("account_no", ("3301",), PREFIX)) == {f"{1:016x}", f"{2:016x}"}
    assert found(Match("account_no", ("3301000123",), EXACT)) == {f"{1:016x}"}
    assert found(Match("account_no", ("330100012",), EXACT)) == set()
    assert found(Match("archive_no", ("G017-YX·2023-D30-YK-0001",), EXACT)) == {f"{1:016x}"}
    assert found(Match("archive_no", ("G017-YX·2023",), PREFIX)) == {f"{1:016x}"}
    assert ids(engine, "G017-YX·2023-D30-YK-0001") == [f"{1:016x}"]


def test_values_with_quotes_and_backslashes(engine: ManticoreEngine) -> None:
    odd = "城东'供电所\\\"(1)"
    engine.replace([record(1, org=odd), record(2)])
    engine.commit()
    result = engine.search(SearchRequest(filters={"org": (odd,)}, facets=("org",)))
    assert [h.doc_id for h in result.hits] == [f"{1:016x}"]
    assert result.facets["org"] == {odd: 1, "城东供电所": 1}
    assert ids(engine, scope=Scope(units=(odd,))) == [f"{1:016x}"]
    assert ids(engine, 'a"b\\c (@title) | -x') == []  # query syntax in text is only text


def test_every_reading_of_a_polyphonic_surname(engine: ManticoreEngine) -> None:
    engine.replace([record(1, customer_name="单雄信"), record(2, customer_name="信单")])
    engine.commit()
    assert ids(engine, "shanxiongxin") == ids(engine, "danxiongxin") == [f"{1:016x}"]
    assert ids(engine, "sxx") == ids(engine, "dxx") == [f"{1:016x}"]
    assert ids(engine, "xiongxinshan") == []  # never a phrase across two readings


def test_an_empty_scope_reads_nothing(engine: ManticoreEngine) -> None:
    engine.replace([record(1)])
    engine.commit()
    result = engine.search(SearchRequest(scope=Scope.nothing(), facets=("org",)))
    assert (result.total, result.hits, result.facets) == (0, [], {"org": {}})
