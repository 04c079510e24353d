"""The service on the tantivy engine, through HTTP: the same answers as on Whoosh (hits,
totals, facets, snippets; for an archivist and a clerk of one unit), and a commit by another
process is served without a restart."""

from __future__ import annotations

import pytest

from indexer.sync import rebuild
from search_service.access.policy import DEFAULT_CITY
from search_service.config import Settings
from search_service.engines import open_engine
from tests.search_service.conftest import IndexedArchive, signed_in
from tests.search_service.engines.parity import assert_api_alike, rebuilt
from tests.searching import catalog_of


@pytest.fixture(scope="module")
def on_tantivy(indexed_archive: IndexedArchive) -> Settings:
    """The fixture archive's settings on tantivy (its index beside Whoosh's, in the same
    index directory), rebuilt from the catalog as ``reindex --engine tantivy`` does."""
    return rebuilt(indexed_archive.settings(search_engine="tantivy"), indexed_archive.index_dir)


@pytest.mark.parametrize("role,org", [("archivist", DEFAULT_CITY), ("clerk", "城东供电所")])
def test_the_api_answers_alike(indexed_archive: IndexedArchive, on_tantivy: Settings,
                               role: str, org: str) -> None:
    whoosh = signed_in(indexed_archive.settings(), f"tw-{role}", role, org)
    tantivy = signed_in(on_tantivy, f"tt-{role}", role, org)
    assert_api_alike(whoosh, tantivy)


def test_another_writers_commit_is_served_without_restart(indexed_archive: IndexedArchive,
                                                          on_tantivy: Settings) -> None:
    client = signed_in(on_tantivy, "tt-live")
    before = client.get("/api/search?q=明远").json()
    assert before["total"] >= 2
    writer = open_engine(on_tantivy)  # another process's engine: its own writer
    try:
        writer.delete([before["hits"][0]["doc_id"]])
        writer.commit()
        assert client.get("/api/search?q=明远").json()["total"] == before["total"] - 1
    finally:
        rebuild(writer, catalog_of(indexed_archive.index_dir))  # as it was, for other tests
        writer.close()
    assert client.get("/api/search?q=明远").json()["total"] == before["total"]
