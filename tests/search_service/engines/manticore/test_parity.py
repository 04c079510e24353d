"""Parity: the Manticore engine and the Whoosh engine answer the same requests alike.

The service's fixture archive is indexed once (Whoosh engine and catalog); the catalog is
projected into a two-shard searchd cluster. Both engines answer every case of
:mod:`tests.search_service.engines.parity` alike.
"""

from __future__ import annotations

import pytest
from search_service.engines.base import SearchEngine
from search_service.engines.manticore import ManticoreEngine
from tests.search_service.conftest import IndexedArchive
from tests.search_service.engines.parity import (
    CASES, Case, answer, assert_account_first, assert_same,
)


@pytest.mark.parametrize("case", CASES, ids=lambda c: repr(c)[5:60])
def test_same_hits_totals_and_facets(whoosh: SearchEngine, manticore_archive: ManticoreEngine,
                                     dates: dict[str, str], case: Case) -> None:
    assert_same(whoosh, manticore_archive, dates, case)


def test_the_cases_are_not_trivial(whoosh: SearchEngine) -> None:
    """Most cases find something, some find nothing, and some fill several facet values."""
    answers = [answer(whoosh, case) for case in CASES]
    assert sum(1 for _, total, _ in answers if total) >= len(CASES) - 6
    assert sum(1 for _, total, _ in answers if not total) >= 3
    assert any(len(f["org"]) == 2 and len(f["year"]) >= 3 for _, _, f in answers)
    assert any(len(f["missing_types"]) >= 3 for _, _, f in answers)  # several per document
    assert any(f["complete"] and f["contract_state"] for _, _, f in answers)


def test_a_full_account_number_ranks_that_customer_first_in_both(
        whoosh: SearchEngine, manticore_archive: ManticoreEngine, indexed_archive: IndexedArchive) -> None:
    assert_account_first(whoosh, manticore_archive, indexed_archive.index_dir)
