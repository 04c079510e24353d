"""Faceted search over the index, free of any web framework.

``run_search(searcher, params)`` parses the query, applies filters (and, later, the user's
access scope) as a Whoosh filter before ranking and counting, and returns a page of hits with
highlighted snippets and multi-select facet counts: each facet's counts ignore that facet's
own selection, so choosing one 供电所 still shows how many hits the others have.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq
from whoosh import sorting
from whoosh.searching import Searcher

from indexer import doctypes
from indexer.schema import FACET_FIELDS, SNIPPET_FIELDS, STATUS_OK
from search_service.engines.whoosh_query import plan_query as whoosh_plan
from search_service.errors import QueryError
from search_service.highlight import compile_phrases, phrases_of, snippet
from search_service.query.parse import plan_query

SORTS = ("relevance", "date_desc", "date_asc")
MAX_PAGE_SIZE = 100

HIT_FIELDS = (
    "doc_id", "title", "path", "account_no", "customer_name", "doc_type", "doc_type_name",
    "org", "customer_class", "volt_level", "doc_date", "file_type", "pages", "hazard_status",
)


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: str = ""
    date_to: str = ""
    account_no: str = ""
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20
    facets: bool = True
    scope: wq.Query | None = None  # the user's access scope, applied like any filter


@dataclass
class SearchResult:
    total: int
    page: int
    page_size: int
    hits: list[dict[str, Any]]
    facets: dict[str, list[dict[str, Any]]]
    took_ms: float

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "page": self.page, "page_size": self.page_size,
                "hits": self.hits, "facets": self.facets, "took_ms": self.took_ms}


def parse_query(searcher: Searcher, text: str) -> wq.Query:
    """The user's query as written, over all search fields; empty text means every document."""
    return whoosh_plan(plan_query(text))


def filter_query(params: SearchParams, skip: str | None = None) -> wq.Query:
    """All filters AND-ed (values within one filter OR-ed), without facet ``skip``."""
    parts: list[wq.Query] = [wq.Term("status", STATUS_OK)]
    for name, values in params.filters.items():
        if name != skip and values:
            parts.append(wq.Or([wq.Term(name, v) for v in values]))
    if params.date_from or params.date_to:
        parts.append(wq.TermRange("doc_date", params.date_from or None,
                                  params.date_to or None))
    if params.account_no:
        parts.append(wq.Term("account_no", params.account_no))
    if params.scope is not None:
        parts.append(params.scope)
    return wq.And(parts)


def run_search(searcher: Searcher, params: SearchParams) -> SearchResult:
    """Run one search and return a page of hits with facets."""
    began = time.perf_counter()
    if params.sort not in SORTS:
        raise QueryError(f"不支持的排序方式“{params.sort}”，可选：{'、'.join(SORTS)}")
    if params.page < 1 or not 1 <= params.page_size <= MAX_PAGE_SIZE:
        raise QueryError(f"页码须不小于 1，每页条数须在 1 到 {MAX_PAGE_SIZE} 之间")
    query = parse_query(searcher, params.q)
    selected = {k for k, v in params.filters.items() if v}
    unselected = [f for f in FACET_FIELDS if f not in selected] if params.facets else []
    results = searcher.search_page(
        restrict(query, filter_query(params)), params.page, pagelen=params.page_size,
        groupedby=_facets(unselected) or None, maptype=sorting.Count,
        **_sort_args(params, query),
    )
    counts = {name: results.results.groups(name) for name in unselected}
    chosen = sorted(selected & set(FACET_FIELDS)) if params.facets else []
    for name in chosen:
        counts[name] = _facet_counts(searcher, query, params, name)
    pattern = _pattern(query)
    hits = [_hit(hit, pattern) for hit in results]
    return SearchResult(
        total=results.total, page=max(1, results.pagenum), page_size=params.page_size, hits=hits,
        facets={name: _facet_values(name, counts.get(name, {}), params)
                for name in FACET_FIELDS if params.facets},
        took_ms=round((time.perf_counter() - began) * 1000, 1),
    )


def _facets(names: list[str]) -> dict[str, sorting.FieldFacet]:
    return {name: sorting.FieldFacet(name) for name in names}


def _sort_args(params: SearchParams, query: wq.Query) -> dict[str, Any]:
    sort = params.sort
    if sort == "relevance" and isinstance(query, wq.Every):
        sort = "date_desc"  # nothing to rank by: newest first
    if sort == "relevance":
        return {}
    return {"sortedby": "doc_date", "reverse": sort == "date_desc"}


def restrict(query: wq.Query, filters: wq.Query) -> wq.Query:
    """``query`` AND ``filters``, the filters adding nothing to the score.

    Whoosh applies a ``filter=`` only after matching, so a phrase is checked in every document;
    inside an And the matcher skips straight to documents the filters allow.
    """
    return wq.And([query, wq.ConstantScoreQuery(filters, 0.0)])


def _facet_counts(searcher: Searcher, query: wq.Query, params: SearchParams,
                  name: str) -> dict[str, int]:
    """Counts for a selected facet under every filter except its own, read from its column."""
    matching = matching_docs(searcher, restrict(query, filter_query(params, skip=name)))
    column = searcher.reader().column_reader(name)
    return dict(Counter(column[docnum] for docnum in matching))


def matching_docs(searcher: Searcher, query: wq.Query) -> Iterator[int]:
    """Document numbers matching ``query``, stepping the matcher (Whoosh's own ``docs()``
    materialises each side of an And in full, which defeats the filter)."""
    for leaf, offset in searcher.leaf_searchers():
        matcher = query.matcher(leaf)
        while matcher.is_active():
            yield matcher.id() + offset
            matcher.next()


def _facet_values(name: str, counts: dict[Any, int],
                  params: SearchParams) -> list[dict[str, Any]]:
    chosen = set(params.filters.get(name, ()))
    values = [
        {"value": v, "label": _label(name, v), "count": c, "selected": v in chosen}
        for v, c in counts.items() if v
    ]
    values += [{"value": v, "label": _label(name, v), "count": 0, "selected": True}
               for v in chosen if v not in counts]
    if name == "year":
        return sorted(values, key=lambda f: f["value"], reverse=True)
    return sorted(values, key=lambda f: (-f["count"], f["value"]))


def _label(name: str, value: str) -> str:
    if name == "doc_type":
        return f"{doctypes.name_of(value) or value}"
    if name == "file_type":
        return value.upper()
    return value


def match_pattern(searcher: Searcher, q: str) -> re.Pattern[str] | None:
    """What to mark in a document's text for query ``q`` (None: nothing)."""
    return _pattern(parse_query(searcher, q)) if q.strip() else None


def _pattern(query: wq.Query) -> re.Pattern[str] | None:
    return compile_phrases(phrases_of(query, SNIPPET_FIELDS))


def find_document(searcher: Searcher, doc_id: str,
                  scope: wq.Query | None = None) -> dict[str, Any] | None:
    """The stored fields of one document (of any status) within ``scope``, or None."""
    query = wq.Term("doc_id", doc_id)
    results = searcher.search(query if scope is None else restrict(query, scope), limit=1)
    return dict(results[0].fields()) if results else None


def list_documents(searcher: Searcher, params: SearchParams) -> list[dict[str, Any]]:
    """Every searchable document matching ``params``' filters, newest first, no snippets."""
    query = restrict(parse_query(searcher, params.q), filter_query(params))
    results = searcher.search(query, limit=None, sortedby="doc_date", reverse=True)
    return [_hit(hit, None, with_snippet=False) for hit in results]


def _hit(hit: Any, pattern: Any, with_snippet: bool = True) -> dict[str, Any]:
    stored = hit.fields()
    item = {name: stored.get(name, "") for name in HIT_FIELDS}
    item["score"] = round(hit.score, 3) if isinstance(hit.score, float) else None
    if with_snippet:
        item["snippet"] = snippet(stored.get("content", ""), pattern)
    return item
