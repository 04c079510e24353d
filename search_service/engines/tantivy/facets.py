"""Exact facet counts from tantivy's terms aggregations over the dense facet columns.

Facets are counted multi-select style: every facet without a filter of the user's on it is
counted in one aggregation under all the request's conditions; a facet the user filtered on
is counted under all conditions but its own filter (one aggregation each).

A broad query (电费: every document matches) costs most in counting, and its counts are those
of its conditions alone: when the plan matches every document its conditions allow (its
total equals theirs), the documents are the same, and so are the counts. Those are counted
over the conditions alone (no phrase or term to match again) and kept in
:class:`CountCache` for the reader's snapshot (a commit or a reload makes a new one), so a
broad query repeated before the next commit counts nothing.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

import tantivy

from search_service.engines.base import SearchRequest
from search_service.engines.tantivy.projection import FILTER_FIELDS, facet_column, facet_values
from search_service.engines.tantivy.query import plan_query, search_query
from search_service.engines.tokens import filter_values
from search_service.errors import UnavailableError

Counts = dict[str, dict[str, int]]
T = TypeVar("T")

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


class CountCache:
    """Counts and totals of one reader snapshot (``view``), the last :data:`SIZE` asked;
    a new snapshot drops the old one's (safe to share between threads)."""

    SIZE = 512

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._view: Hashable = None
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, view: Hashable, key: Hashable, make: Callable[[], T]) -> T:
        """The value of ``key`` in ``view``, made (outside the lock) when not kept."""
        with self._lock:
            if view == self._view and key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = make()
        with self._lock:
            if view != self._view:
                self._view, self._entries = view, OrderedDict()
            self._entries[key] = value
            while len(self._entries) > self.SIZE:
                self._entries.popitem(last=False)
        return value


class FacetCounter:
    """The counts of one search: its searcher, its reader snapshot and the shared cache."""

    def __init__(self, searcher: tantivy.Searcher, schema: tantivy.Schema,
                 view: Hashable, cache: CountCache) -> None:
        self.searcher, self.schema, self.view, self.cache = searcher, schema, view, cache

    def counts(self, request: SearchRequest, query: tantivy.Query | None, total: int) -> Counts:
        """Counts of every facet of ``request``; ``query`` and ``total`` are its search's."""
        selected = {name for name, values in request.filters.items() if values}
        together = [n for n in request.facets if n not in selected]
        separate = [n for n in request.facets if n in selected]
        found: Counts = {name: {} for name in request.facets}
        if together and query is not None and total:
            if total == self._total(request):
                found.update(self._within(request, together))
            else:
                found.update(self._aggregate(query, together))
        everywhere = bool(separate) and self._everywhere(request, total)
        for name in separate:
            if everywhere:
                found.update(self._within(request, [name], skip=name))
                continue
            without = search_query(self.schema, request, skip=name)
            if without is not None:
                found.update(self._aggregate(without, [name]))
        return found

    def _aggregate(self, query: tantivy.Query, names: list[str]) -> Counts:
        return buckets(self.searcher.aggregate(query, aggregation(names)), names)

    def _within(self, request: SearchRequest, names: list[str], skip: str | None = None
                ) -> Counts:
        """Counts over the conditions alone (kept per snapshot; a copy for the caller)."""
        within = search_query(self.schema, request, skip=skip, plan=False)
        if within is None:
            return {name: {} for name in names}
        kept = self.cache.get(self.view, ("counts", _conditions(request, skip), tuple(names)),
                              lambda: self._aggregate(within, names))
        return {name: dict(values) for name, values in kept.items()}

    def _total(self, request: SearchRequest) -> int:
        """How many documents the conditions alone allow (kept per snapshot)."""
        within = search_query(self.schema, request, plan=False)
        if within is None:
            return 0
        return self.cache.get(self.view, ("total", _conditions(request)),
                              lambda: self.searcher.search(within, 1, count=True).count)

    def _everywhere(self, request: SearchRequest, total: int) -> bool:
        """Whether the plan matches every document of the index (then a facet's counts
        without its own filter are those of the other conditions alone)."""
        plan = request.plan
        if plan.is_empty:
            return True
        if not total or total != self._total(request):
            return False  # it leaves out some of what its conditions allow
        return self.cache.get(self.view, ("everywhere", plan.clauses, plan.require_all),
                              lambda: self.searcher.search(plan_query(self.schema, plan), 1,
                                                           count=True).count
                              == self.searcher.num_docs)


def _conditions(request: SearchRequest, skip: str | None = None) -> Hashable:
    """What decides the documents of :func:`query.conditions` (a cache key)."""
    return (tuple(filter_values(request, FILTER_FIELDS, skip)), request.date_from,
            request.date_to, request.account_no, request.scope)
