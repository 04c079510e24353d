"""The service on the Manticore engine, through HTTP: the same answers as on Whoosh (hits,
totals, facets, snippets; for an archivist and a clerk of one unit), and a node down gives a
partial result with a notice on the page, not an error."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from search_service.access.policy import DEFAULT_CITY
from search_service.config import Settings
from search_service.engines import open_engine
from tests.search_service.conftest import IndexedArchive, signed_in
from tests.search_service.engines.parity import assert_api_alike, rebuilt

from .conftest import Cluster, searchd_starter


def manticore_settings(archive: IndexedArchive, cluster: Cluster) -> Settings:
    return rebuilt(archive.settings(search_engine="manticore",
                                    manticore_nodes=cluster.topology.spec()), archive.index_dir)


@pytest.fixture(scope="module")
def on_manticore(indexed_archive: IndexedArchive,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    for start in searchd_starter(lambda: tmp_path_factory.mktemp("searchd")):
        yield manticore_settings(indexed_archive, start(2))


@pytest.mark.parametrize("role,org", [("archivist", DEFAULT_CITY), ("clerk", "城东供电所")])
def test_the_api_answers_alike(indexed_archive: IndexedArchive, on_manticore: Settings,
                               role: str, org: str) -> None:
    whoosh = signed_in(indexed_archive.settings(), f"w-{role}", role, org)
    manticore = signed_in(on_manticore, f"m-{role}", role, org)
    assert_api_alike(whoosh, manticore)


def test_a_node_down_gives_a_partial_result_and_a_notice(
        indexed_archive: IndexedArchive, start_searchd: Callable[..., Cluster]) -> None:
    cluster = start_searchd(2)
    client: TestClient = signed_in(manticore_settings(indexed_archive, cluster), "m-down")
    complete = client.get("/api/search?q=户号").json()
    assert complete["partial"] is False
    cluster.nodes[1].kill()
    body = client.get("/api/search?q=户号").json()
    assert body["partial"] is True and body["missing_shards"] == ["shard1"]
    assert 0 < body["total"] < complete["total"]
    page = client.get("/?q=户号")
    assert page.status_code == 200 and "以下结果不完整" in page.text and "shard1" in page.text
    cluster.nodes[0].kill()
    gone = client.get("/api/search?q=户号")
    assert gone.status_code == 503 and gone.json()["error"]["code"] == "unavailable"


def test_reindex_brings_a_wiped_node_back(
        indexed_archive: IndexedArchive, start_searchd: Callable[..., Cluster],
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from search_service.cli.main import main

    cluster = start_searchd(2)
    settings = manticore_settings(indexed_archive, cluster)
    engine = open_engine(settings)
    complete = engine.count()
    cluster.nodes[1].kill()
    cluster.nodes[1].wipe()
    cluster.nodes[1].start()
    assert 0 < engine.count() < complete
    monkeypatch.setenv("ARCHIVE_SEARCH_MANTICORE_NODES", settings.manticore_nodes)
    assert main(["reindex", "--index", str(indexed_archive.index_dir), "--engine", "manticore",
                 "--quiet"]) == 0
    assert f"重建完成（manticore）：可检索文档 {complete} 篇" in capsys.readouterr().out
    assert engine.count() == complete
    engine.close()
