"""The tantivy engine's facet columns: dense (a value for "none", a multi-valued facet's set
as one value), counted exactly; a build of an older layout is rebuilt, never read."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from indexer.schema import FACET_FIELDS
from indexer.sync import catch_up
from search_service.engines.base import EngineResult, SearchEngine, SearchRequest
from search_service.engines.tantivy import TantivyEngine
from search_service.engines.tantivy.engine import LAYOUT_FILE
from search_service.engines.tantivy.facets import buckets
from search_service.errors import UnavailableError
from search_service.query.parse import plan_query
from tests.search_service.conftest import IndexedArchive
from tests.search_service.engines.parity import Case, assert_same
from tests.searching import catalog_of

# (hazard_status, missing_types) of generated records: most without a status, sets of
# missing types overlapping, some empty.
SHAPES = [("", ()), ("未整改", ("YK01",)), ("", ("YK01", "YK02")), ("逾期", ("YK02", "YK11")),
          ("", ("YK11", "YK01", "YK02")), ("已整改", ()), ("", ("YK02",))]


def record(n: int) -> dict[str, object]:
    status, missing = SHAPES[n % len(SHAPES)]
    return {"doc_id": f"d{n:03d}", "title": "电费通知", "content": "电费 结算", "org": "城东供电所",
            "year": "2023", "doc_date": "2023-05-01", "hazard_status": status,
            "missing_types": list(missing)}


@pytest.fixture()
def engine(tmp_path: Path) -> TantivyEngine:
    built = TantivyEngine(tmp_path / "tantivy", heap_bytes=20_000_000)
    built.clear()
    built.replace(record(n) for n in range(50))
    built.commit(batch=1)
    return built


def search(engine: TantivyEngine, q: str = "", **filters: tuple[str, ...]) -> EngineResult:
    return engine.search(SearchRequest(plan=plan_query(q), filters=filters,
                                       facets=("hazard_status", "missing_types", "org")))


def expected(records: list[dict[str, object]], field: str) -> dict[str, int]:
    return dict(Counter(v for r in records for v in (
        r[field] if isinstance(r[field], list) else [r[field]]) if v))


@pytest.mark.parametrize("q", ["", "电费"])
def test_sparse_and_multi_valued_facets_are_counted_exactly(engine: TantivyEngine, q: str) -> None:
    records = [record(n) for n in range(50)]
    found = search(engine, q)
    assert found.total == 50
    assert found.facets["hazard_status"] == expected(records, "hazard_status")
    assert found.facets["missing_types"] == expected(records, "missing_types")
    assert found.facets["org"] == {"城东供电所": 50}
    assert "" not in found.facets["hazard_status"] and "" not in found.facets["missing_types"]


def test_a_filter_on_a_multi_valued_facet_counts_the_others_under_it(engine: TantivyEngine) -> None:
    chosen = [r for r in (record(n) for n in range(50)) if "YK02" in r["missing_types"]]
    found = search(engine, "电费", missing_types=("YK02",))
    assert found.total == len(chosen)
    assert found.facets["hazard_status"] == expected(chosen, "hazard_status")
    # multi-select: the filtered facet is counted without its own filter
    assert found.facets["missing_types"] == expected([record(n) for n in range(50)],
                                                     "missing_types")


def test_an_empty_filter_value_finds_what_whoosh_finds(engine: TantivyEngine) -> None:
    records = [record(n) for n in range(50)]
    none = sum(not r["hazard_status"] for r in records)
    assert search(engine, hazard_status=("",)).total == none > 0  # no status, as on Whoosh
    overdue = sum(r["hazard_status"] == "逾期" for r in records)
    assert search(engine, hazard_status=("", "逾期")).total == none + overdue
    assert search(engine, missing_types=("",)).total == 0  # a multi-valued field: nothing


def test_an_answer_that_left_values_out_is_refused() -> None:
    with pytest.raises(UnavailableError):
        buckets({"org": {"buckets": [{"key": "城东供电所", "doc_count": 3}],
                         "sum_other_doc_count": 2}}, ["org"])


def test_a_build_of_an_older_layout_is_not_read_and_the_next_catch_up_rebuilds_it(
        indexed_archive: IndexedArchive, tmp_path: Path, whoosh: SearchEngine,
        dates: dict[str, str]) -> None:
    catalog = catalog_of(indexed_archive.index_dir)
    home = tmp_path / "tantivy"
    engine = TantivyEngine(home, heap_bytes=20_000_000)
    catch_up(engine, catalog)
    old = engine.builds.current()
    (old / LAYOUT_FILE).unlink()  # as a build made before layouts were recorded
    engine.close()

    engine = TantivyEngine(home, heap_bytes=20_000_000)
    with pytest.raises(UnavailableError, match="reindex"):
        engine.search(SearchRequest(plan=plan_query("电费"), facets=FACET_FIELDS))
    assert engine.applied_batch() == 0
    assert catch_up(engine, catalog) > 0
    assert engine.builds.current() != old and not old.exists()
    for case in (Case("电费"), Case(""), Case("", filters={"missing_types": ("YK11",)}),
                 Case("", filters={"hazard_status": ("",)}),  # ?hazard_status= : no status
                 Case("隐患", filters={"hazard_status": ("", "未整改")})):
        assert_same(whoosh, engine, dates, case)
    engine.close()


def test_a_broad_query_counts_again_after_every_commit(engine: TantivyEngine,
                                                       tmp_path: Path) -> None:
    assert search(engine, "电费").facets == search(engine, "").facets
    assert search(engine, "电费", missing_types=("YK02",)).total > 0
    # an update changes counts but no total
    engine.replace([{**record(3), "hazard_status": "已整改"}])
    engine.commit(batch=2)
    updated = [{**record(n), "hazard_status": "已整改"} if n == 3 else record(n)
               for n in range(50)]
    assert search(engine, "电费").facets["hazard_status"] == expected(updated, "hazard_status")
    engine.replace(record(n) for n in range(50, 64))
    engine.commit(batch=3)
    records = updated + [record(n) for n in range(50, 64)]
    again = search(engine, "电费")
    assert again.total == 64
    assert again.facets["missing_types"] == expected(records, "missing_types")
    # a commit by another writer (another process's run) is seen and counted too
    other = TantivyEngine(tmp_path / "tantivy", heap_bytes=20_000_000)
    other.replace([{**record(73), "hazard_status": "整改中"}])
    other.commit(batch=4)
    other.close()
    seen = search(engine, "电费", missing_types=("YK02",))
    assert seen.facets["hazard_status"]["整改中"] == 1
    assert seen.facets["missing_types"] == expected(records + [record(73)], "missing_types")


def test_a_query_matching_all_but_some_documents_counts_only_its_own(
        engine: TantivyEngine) -> None:
    engine.replace([{**record(n), "content": "其他", "title": "通知"} for n in (80, 81)])
    engine.commit(batch=2)
    records = [record(n) for n in range(50)]
    found = search(engine, "电费", missing_types=("YK11",))
    assert found.total == sum("YK11" in r["missing_types"] for r in records)
    assert found.facets["missing_types"] == expected(records, "missing_types")
    assert found.facets["hazard_status"] == expected(
        [r for r in records if "YK11" in r["missing_types"]], "hazard_status")
    assert search(engine, "").total == 52


def test_concurrent_searches_get_the_counts_of_their_own_requests(engine: TantivyEngine,
                                                                  tmp_path: Path) -> None:
    asked = [("电费", {}), ("", {"missing_types": ("YK02",)}), ("电费", {"hazard_status": ("逾期",)}),
             ("结算", {"missing_types": ("YK01", "YK11")}), ("没有", {})]
    alone = [search(engine, q, **f) for q, f in asked]
    fresh = TantivyEngine(tmp_path / "tantivy")  # its cache empty, filled by the threads
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(lambda i: search(fresh, asked[i % 5][0], **asked[i % 5][1]),
                                 range(200)))
    fresh.close()
    assert all(found == alone[i % 5] for i, found in enumerate(together))
    assert sum(bool(found.total) for found in alone) == 4
