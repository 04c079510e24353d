"""Losing a node: the fixture archive in two shards, one searchd killed with SIGKILL.

Searches report the missing shard instead of failing; with mirrors the other mirror answers
and nothing is missing; a wiped node is filled again from the catalog.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from indexer.sync import catch_up
from search_service.engines.base import SearchRequest
from search_service.engines.manticore import ManticoreEngine
from search_service.engines.manticore.engine import shard_for
from search_service.errors import UnavailableError
from search_service.query.parse import plan_query
from tests.search_service.conftest import IndexedArchive
from tests.searching import catalog_of

from .conftest import Cluster, catalog_records

FACETS = ("org", "doc_type", "year")


def filled(cluster: Cluster, records: list[dict[str, Any]]) -> ManticoreEngine:
    engine = cluster.engine()
    engine.clear()
    engine.replace(records)
    engine.commit(batch=1)
    return engine


def everything(engine: ManticoreEngine, q: str = "") -> Any:
    return engine.search(SearchRequest(plan=plan_query(q), facets=FACETS, limit=100))


def on_shard(records: list[dict[str, Any]], shard: int) -> set[str]:
    return {r["doc_id"] for r in records if shard_for(r["account_no"], 2) == shard}


def test_a_killed_node_leaves_a_partial_result_naming_its_shard(
        start_searchd: Callable[..., Cluster], indexed_archive: IndexedArchive) -> None:
    records = [r for r in catalog_records(indexed_archive.index_dir) if r["status"] == "ok"]
    cluster = start_searchd(2)
    engine = filled(cluster, records)
    complete = everything(engine)
    assert complete.total == len(records) and not complete.partial
    assert on_shard(records, 0) and on_shard(records, 1)

    cluster.nodes[1].kill()
    result = everything(engine)
    assert result.partial and result.missing == ("shard1",)
    assert {h.doc_id for h in result.hits} == on_shard(records, 0)
    assert result.total == len(on_shard(records, 0))
    assert sum(result.facets["org"].values()) == result.total

    cluster.nodes[1].start()  # back, with its data (RT indexes replay their binlog)
    again = everything(engine)
    assert not again.partial and again.total == complete.total


def test_the_first_node_killed_the_second_answers(
        start_searchd: Callable[..., Cluster], indexed_archive: IndexedArchive) -> None:
    records = [r for r in catalog_records(indexed_archive.index_dir) if r["status"] == "ok"]
    cluster = start_searchd(2)
    engine = filled(cluster, records)
    cluster.nodes[0].kill()
    result = everything(engine, "隐患")
    assert result.missing == ("shard0",)
    assert {h.doc_id for h in result.hits} <= on_shard(records, 1)
    assert engine.count() == len(on_shard(records, 1))


def test_a_mirror_takes_over(start_searchd: Callable[..., Cluster],
                             indexed_archive: IndexedArchive) -> None:
    records = [r for r in catalog_records(indexed_archive.index_dir) if r["status"] == "ok"]
    cluster = start_searchd(2, mirrors=2)  # nodes: shard0 a, shard1 a, shard0 b, shard1 b
    engine = filled(cluster, records)
    complete = everything(engine, "户号")
    cluster.nodes[1].kill()  # shard1's first mirror
    for _ in range(5):  # every query, whichever mirror the distributed index picks
        result = everything(engine, "户号")
        assert not result.partial
        assert (result.total, result.facets) == (complete.total, complete.facets)
    cluster.nodes[0].kill()  # shard0's first mirror too: the second ones answer everything
    result = everything(engine, "户号")
    assert not result.partial and result.total == complete.total


def test_a_wiped_node_is_filled_again_from_the_catalog(
        start_searchd: Callable[..., Cluster], indexed_archive: IndexedArchive) -> None:
    records = [r for r in catalog_records(indexed_archive.index_dir) if r["status"] == "ok"]
    cluster = start_searchd(2)
    engine = filled(cluster, records)
    assert engine.applied_batch() == 1
    cluster.nodes[1].kill()
    cluster.nodes[1].wipe()
    cluster.nodes[1].start()
    assert everything(engine).total == len(on_shard(records, 0))
    assert engine.applied_batch() == 0  # a node lost its data: catch up from the start
    catalog = catalog_of(indexed_archive.index_dir)
    assert catch_up(engine, catalog) > 0  # as the next indexing run does
    assert everything(engine).total == len(records)
    assert engine.applied_batch() == catalog.last_batch()


def test_writing_to_a_killed_node_fails_and_applies_nothing(
        start_searchd: Callable[..., Cluster], indexed_archive: IndexedArchive) -> None:
    """Rows are sent from a thread of their own: a failed write is raised by the next one
    (here, within the same ``replace``), and the batch is not recorded as applied."""
    records = [r for r in catalog_records(indexed_archive.index_dir) if r["status"] == "ok"]
    assert len(records) > 20  # with two rows a batch, well over the sends that see it
    cluster = start_searchd(2)
    filled(cluster, records)
    engine = cluster.engine(batch_size=2)
    cluster.nodes[1].kill()
    with pytest.raises(UnavailableError, match="无法写入"):
        engine.replace([{**r, "title": r["title"] + "（更正）"} for r in records])
    cluster.nodes[1].start()
    assert engine.applied_batch() == 1
    engine.replace(records)  # the engine writes again once the node is back
    engine.commit(batch=2)
    assert engine.applied_batch() == 2 and everything(engine).total == len(records)
