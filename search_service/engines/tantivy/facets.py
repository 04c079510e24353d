"""Exact facet counts from tantivy's terms aggregations over the dense facet columns.

Facets are counted multi-select style: every facet without a filter of the user's on it is
counted in one aggregation under all the request's conditions; a facet the user filtered on
is counted under all conditions but its own filter (one aggregation each).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import tantivy

from search_service.engines.base import SearchRequest
from search_service.engines.tantivy.projection import facet_column, facet_values
from search_service.engines.tantivy.query import search_query
from search_service.errors import UnavailableError

# Values counted per facet and segment: far above any facet's distinct values (or distinct
# sets of a multi-valued facet's values), so every bucket is returned and the counts are
# exact; :func:`buckets` refuses an answer that left any out.
BUCKETS = 65_536


def aggregation(names: Iterable[str]) -> dict[str, Any]:
    """A terms aggregation per facet, over its column (:func:`projection.facet_column`)."""
    return {name: {"terms": {"field": facet_column(name), "size": BUCKETS,
                             "segment_size": BUCKETS}} for name in names}


def buckets(answer: dict[str, Any], names: Iterable[str]) -> dict[str, dict[str, int]]:
    """Counts per facet value from an aggregation's answer (the "no value" bucket left out,
    a set of values counted for each of its values)."""
    found: dict[str, dict[str, int]] = {}
    for name in names:
        counted = answer.get(name, {})
        if counted.get("sum_other_doc_count"):
            raise UnavailableError(f"分面“{name}”的取值过多，无法精确计数")
        values: dict[str, int] = {}
        for bucket in counted.get("buckets", ()):
            for value in facet_values(name, str(bucket["key"])):
                values[value] = values.get(value, 0) + int(bucket["doc_count"])
        found[name] = values
    return found


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
