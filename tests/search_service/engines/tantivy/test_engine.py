"""The tantivy engine as the service and the indexer use it: built by ``reindex --engine
tantivy`` from the catalog, kept current by indexing runs (updates, removals), a killed run
leaving the last commit searchable, new commits seen without reopening, deep pages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from indexer.pipeline import run_index
from indexer.sync import catch_up
from search_service.cli.main import main
from search_service.config import Settings
from search_service.engines import open_engine, tantivy_home
from search_service.engines.base import SearchRequest
from search_service.engines.tantivy import TantivyEngine
from search_service.errors import UnavailableError
from search_service.query.parse import plan_query
from search_service.reading.search import SearchParams, run_search
from tests.factories import build_archive
from tests.searching import catalog_of

QUERIES = ["", "明远", "张三", "3301000001", "33010000", '"未配备灭火器"', "mingyuan", "hzmy",
           "合同", "隐患 电缆沟"]
CONTRACT = "城东供电所/3301000001_杭州明远纺织有限公司/业扩/供用电合同_2021-03-15.pdf"


def tantivy_settings(ix: Path) -> Settings:
    return Settings(index_dir=ix, search_engine="tantivy")


def results(ix: Path, engine_name: str) -> list[dict]:
    """What the service shows for :data:`QUERIES` (hits with snippets, totals, facets)."""
    engine = open_engine(Settings(index_dir=ix, search_engine=engine_name))
    found = []
    try:
        for q in QUERIES:
            body = run_search(engine, catalog_of(ix), SearchParams(q=q)).to_dict()
            body.pop("took_ms")
            found.append(body)
    finally:
        engine.close()
    return found


@pytest.fixture()
def indexed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """An archive indexed into Whoosh, and the same catalog rebuilt into tantivy by the CLI."""
    root = build_archive(tmp_path / "archive")
    run_index(root, tmp_path / "ix", workers=1, progress=False)
    assert main(["reindex", "--index", str(tmp_path / "ix"), "--engine", "tantivy",
                 "--quiet"]) == 0
    assert "重建完成（tantivy）：可检索文档 6 篇" in capsys.readouterr().out
    return root, tmp_path / "ix"


def test_reindex_builds_tantivy_and_the_service_shows_what_whoosh_shows(indexed) -> None:  # noqa: ANN001
    _, ix = indexed
    shown = results(ix, "tantivy")
    assert sum(1 for body in shown if body["total"]) >= len(QUERIES) - 1
    whoosh = results(ix, "whoosh")
    for ours, theirs in zip(shown, whoosh):
        assert ours["total"] == theirs["total"] and ours["facets"] == theirs["facets"]
        assert {h["path"] for h in ours["hits"]} == {h["path"] for h in theirs["hits"]}


def test_indexing_runs_update_and_delete_documents_in_tantivy(indexed) -> None:  # noqa: ANN001
    root, ix = indexed
    settings = tantivy_settings(ix)
    (root / CONTRACT).unlink()
    run_index(root, ix, workers=1, progress=False, engine=open_engine(settings))
    engine = open_engine(settings)
    try:
        assert engine.count() == 5
        assert engine.applied_batch() == catalog_of(ix).last_batch()
        assert catch_up(engine, catalog_of(ix)) == 0  # nothing applied twice
        found = engine.search(SearchRequest(plan=plan_query("供用电合同"), limit=50))
        assert CONTRACT not in {h.doc_id for h in found.hits} and found.total == 0
    finally:
        engine.close()


def test_a_killed_writer_leaves_the_last_commit_searchable(indexed) -> None:  # noqa: ANN001
    _, ix = indexed
    home = tantivy_home(ix)
    before = json.loads((home / "current.json").read_text())
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from search_service.engines.tantivy import TantivyEngine\n"
        "engine = TantivyEngine(Path(sys.argv[1]))\n"
        "engine.delete(['" + "', '".join(_all_ids(ix)) + "'])\n"
        "engine.replace([{'doc_id': 'half-written', 'content': '半途而废'}])\n"
        "os._exit(9)  # killed before the commit\n")
    run = subprocess.run([sys.executable, "-c", script, str(home)],
                         env={**os.environ, "PYTHONPATH": os.getcwd()}, timeout=60)
    assert run.returncode == 9
    engine = TantivyEngine(home)
    try:
        assert engine.count() == 6 and json.loads((home / "current.json").read_text()) == before
        assert engine.search(SearchRequest(plan=plan_query("半途而废"))).total == 0
        engine.replace([{"doc_id": "next-run", "content": "下一次运行"}])  # the lock is free
        engine.commit()
        assert engine.search(SearchRequest(plan=plan_query("下一次运行"))).total == 1
    finally:
        engine.close()


def _all_ids(ix: Path) -> list[str]:
    return [r["doc_id"] for r in catalog_of(ix).changed_since(0)]


def test_a_reader_sees_another_writers_commits_and_rebuilds(indexed) -> None:  # noqa: ANN001
    _, ix = indexed
    reader, writer = TantivyEngine(tantivy_home(ix)), TantivyEngine(tantivy_home(ix))
    try:
        generation = reader.generation()
        assert reader.search(SearchRequest(plan=plan_query("新增档案"))).total == 0
        writer.replace([{"doc_id": "added", "title": "新增档案", "org": "城东供电所"}])
        writer.commit()
        assert reader.search(SearchRequest(plan=plan_query("新增档案"))).total == 1
        assert reader.generation() != generation
        writer.clear()  # a rebuild: the reader keeps the old build until the swap
        writer.replace([{"doc_id": "only", "title": "重建之后"}])
        assert reader.count() == 7
        writer.commit(batch=1)
        assert reader.count() == 1 and reader.applied_batch() == 1
        assert [p.name for p in tantivy_home(ix).glob("build-*")] == [
            json.loads((tantivy_home(ix) / "current.json").read_text())["build"]]
    finally:
        reader.close()
        writer.close()


@pytest.mark.parametrize("sort", ["relevance", "date_desc", "date_asc"])
@pytest.mark.parametrize("q", ["", "杭州 明远", "隐患"])
def test_pages_cover_every_hit_once_in_the_order_of_one_long_page(indexed, q: str,
                                                                   sort: str) -> None:  # noqa: ANN001
    _, ix = indexed
    engine = TantivyEngine(tantivy_home(ix))
    try:
        whole = engine.search(SearchRequest(plan=plan_query(q), sort=sort, limit=100))
        pages = [engine.search(SearchRequest(plan=plan_query(q), sort=sort, offset=o, limit=2))
                 for o in range(0, whole.total + 2, 2)]
        assert whole.total >= 2
        assert all(p.total == whole.total for p in pages)
        assert [h.doc_id for p in pages for h in p.hits] == [h.doc_id for h in whole.hits]
    finally:
        engine.close()


def test_a_broken_build_is_unavailable_then_rebuilt_by_the_next_run(indexed) -> None:  # noqa: ANN001
    root, ix = indexed
    engine = open_engine(tantivy_settings(ix))
    build = engine.builds.current()
    (build / "meta.json").write_text("garbage")
    assert engine.applied_batch() == 0  # so the next run rebuilds it from the catalog
    engine.close()
    run_index(root, ix, workers=1, progress=False, engine=open_engine(tantivy_settings(ix)))
    assert open_engine(tantivy_settings(ix)).count() == 6


def test_an_unknown_engine_name_is_refused_naming_the_choices(indexed, capsys) -> None:  # noqa: ANN001
    _, ix = indexed
    assert main(["reindex", "--index", str(ix), "--engine", "lucene", "--quiet"]) == 2
    assert "whoosh、tantivy、manticore" in capsys.readouterr().err


def test_searches_from_many_threads_while_another_engine_commits(indexed) -> None:  # noqa: ANN001
    _, ix = indexed
    reader, writer = TantivyEngine(tantivy_home(ix)), TantivyEngine(tantivy_home(ix))
    request = SearchRequest(plan=plan_query("并发档案"), facets=("org",))

    def search(_: int) -> tuple[int, int]:
        found = reader.search(request)
        return found.total, sum(found.facets["org"].values())

    try:
        with ThreadPoolExecutor(8) as pool:
            pending = [pool.submit(lambda: [search(i) for i in range(40)]) for _ in range(8)]
            for n in range(1, 6):
                writer.replace([{"doc_id": f"c{n}", "title": "并发档案", "org": "城东供电所"}])
                writer.commit()
            seen = [answer for future in pending for answer in future.result()]
        assert all(total == counted and 0 <= total <= 5 for total, counted in seen)
        assert reader.search(request).total == 5
    finally:
        reader.close()
        writer.close()


def test_a_second_writer_is_told_the_index_is_busy(indexed) -> None:  # noqa: ANN001
    _, ix = indexed
    first, second = TantivyEngine(tantivy_home(ix)), TantivyEngine(tantivy_home(ix))
    try:
        first.replace([{"doc_id": "held", "title": "占用"}])
        with pytest.raises(UnavailableError, match="另一个进程写入"):
            second.replace([{"doc_id": "refused", "title": "等待"}])
        first.commit()
        second.replace([{"doc_id": "later", "title": "之后"}])  # free again after the commit
        second.commit()
        assert second.count() == 8
    finally:
        first.close()
        second.close()
