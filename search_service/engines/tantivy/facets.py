"""Exact facet counts from tantivy's terms aggregations over the fast filter fields.

Facets are counted multi-select style: every facet without a filter of the user's on it is
counted in one aggregation under all the request's conditions; a facet the user filtered on
is counted under all conditions but its own filter (one aggregation each).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import tantivy

from search_service.engines.base import SearchRequest
from search_service.engines.tantivy.query import search_query

# Values counted per facet and segment: far above any facet's distinct values, so every
# bucket is returned and the counts are exact (tantivy reports an error bound otherwise).
BUCKETS = 65_536


def aggregation(names: Iterable[str]) -> dict[str, Any]:
    """A terms aggregation per facet field."""
    return {name: {"terms": {"field": name, "size": BUCKETS, "segment_size": BUCKETS}}
            for name in names}


def buckets(answer: dict[str, Any], names: Iterable[str]) -> dict[str, dict[str, int]]:
    """Counts per facet value from an aggregation's answer (empty values are never held)."""
    return {name: {str(b["key"]): int(b["doc_count"])
                   for b in answer.get(name, {}).get("buckets", ())} for name in names}


def counts(searcher: tantivy.Searcher, schema: tantivy.Schema, request: SearchRequest,
           query: tantivy.Query | None, total: int) -> dict[str, dict[str, int]]:
    """Counts of every facet of ``request``; ``query`` and ``total`` are its search's."""
    selected = {name for name, values in request.filters.items() if values}
    together = [n for n in request.facets if n not in selected]
    separate = [n for n in request.facets if n in selected]
    found: dict[str, dict[str, int]] = {name: {} for name in request.facets}
    if together and query is not None and total:
        found.update(buckets(searcher.aggregate(query, aggregation(together)), together))
    for name in separate:
        without = search_query(schema, request, skip=name)
        if without is not None:
            found.update(buckets(searcher.aggregate(without, aggregation([name])), [name]))
    return found
