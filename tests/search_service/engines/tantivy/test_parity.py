"""Parity: the tantivy engine answers every case of the parity suite as the Whoosh engine
does (the same documents, exact totals and facet counts), projected from the same catalog."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.sync import rebuild
from search_service.engines.base import SearchEngine
from search_service.engines.tantivy import TantivyEngine
from tests.search_service.conftest import IndexedArchive
from tests.search_service.engines.parity import CASES, Case, assert_account_first, assert_same
from tests.searching import catalog_of


@pytest.fixture(scope="module")
def tantivy_archive(indexed_archive: IndexedArchive,
                    tmp_path_factory: pytest.TempPathFactory) -> Iterator[TantivyEngine]:
    """The service's fixture archive in a tantivy index, rebuilt from its catalog."""
    engine = TantivyEngine(Path(tmp_path_factory.mktemp("tantivy")))
    rebuild(engine, catalog_of(indexed_archive.index_dir))
    yield engine
    engine.close()


@pytest.mark.parametrize("case", CASES, ids=lambda c: repr(c)[5:60])
def test_same_hits_totals_and_facets(whoosh: SearchEngine, tantivy_archive: TantivyEngine,
                                     dates: dict[str, str], case: Case) -> None:
    assert_same(whoosh, tantivy_archive, dates, case)


def test_a_full_account_number_ranks_that_customer_first_in_both(
        whoosh: SearchEngine, tantivy_archive: TantivyEngine, indexed_archive: IndexedArchive) -> None:
    assert_account_first(whoosh, tantivy_archive, indexed_archive.index_dir)
