"""The Whoosh engine over the service's fixture archive, the reference of the parity suites."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from search_service.engines import open_engine
from search_service.engines.base import SearchEngine
from tests.search_service.conftest import IndexedArchive
from tests.searching import catalog_of


@pytest.fixture(scope="module")
def whoosh(indexed_archive: IndexedArchive) -> Iterator[SearchEngine]:
    engine = open_engine(indexed_archive.settings())
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def dates(indexed_archive: IndexedArchive) -> dict[str, str]:
    """Each document's date, by id."""
    catalog = catalog_of(indexed_archive.index_dir)
    return {r["doc_id"]: r["doc_date"] for r in catalog.changed_since(0)}
