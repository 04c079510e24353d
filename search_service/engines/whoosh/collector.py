"""The straightforward Whoosh search: its own collector, ``groupedby`` facets, filters as
queries. This is how the service searched before :mod:`whoosh_search`; it is kept as the
reference the fast path must equal (tests compare them on every query kind) and as the
"before" of ``bench/bench_engine.py``. Not used to serve requests.
"""

from __future__ import annotations

from collections import Counter

from whoosh import query as wq
from whoosh import sorting
from whoosh.searching import Searcher

from indexer.schema import MULTI_FACETS
from search_service.access.scope import Scope
from search_service.engines.base import EngineHit, EngineResult, SearchRequest
from search_service.engines.whoosh.query import plan_query


def scope_query(scope: Scope) -> wq.Query | None:
    """The scope as a Whoosh filter (None: every document)."""
    if scope.unlimited:
        return None
    terms = [wq.Term("org", u) for u in scope.units or ()]
    terms += [wq.Term("account_no", a) for a in scope.accounts]
    terms += [wq.Term("doc_id", d) for d in scope.doc_ids]
    return wq.Or(terms) if terms else wq.NullQuery


def filter_query(request: SearchRequest, skip: str | None = None) -> wq.Query | None:
    """Every filter AND-ed (values within one filter OR-ed), without facet ``skip``; None
    when nothing filters."""
    parts: list[wq.Query] = []
    for name, values in request.filters.items():
        if name != skip and values:
            parts.append(wq.Or([wq.Term(name, v) for v in values]))
    for name, values in request.plan.filters.items():  # understood: never multi-select
        parts.append(wq.Or([wq.Term(name, v) for v in values]))
    if request.date_from or request.date_to:
        parts.append(wq.TermRange("doc_date", request.date_from or None,
                                  request.date_to or None))
    if request.account_no:
        parts.append(wq.Term("account_no", request.account_no))
    scope = scope_query(request.scope)
    if scope is not None:
        parts.append(scope)
    return wq.And(parts) if parts else None


def restrict(query: wq.Query, filters: wq.Query | None) -> wq.Query:
    """``query`` AND ``filters`` (for matching only: a zero constant score counts as 1.0 in
    Whoosh's ListMatcher, so scores are taken from ``search(filter=…)`` instead)."""
    return query if filters is None else wq.And([query, wq.ConstantScoreQuery(filters, 0.0)])


def search(searcher: Searcher, request: SearchRequest) -> EngineResult:
    query = wq.Every() if request.plan.is_empty else plan_query(request.plan)
    selected = {k for k, v in request.filters.items() if v}
    unselected = [f for f in request.facets if f not in selected]
    sort = {} if request.sort == "relevance" and not request.plan.is_empty else {
        "sortedby": "doc_date", "reverse": request.sort != "date_asc"}
    results = searcher.search(
        query, filter=filter_query(request), limit=request.offset + request.limit,
        groupedby={n: _facet(n) for n in unselected} or None,
        maptype=sorting.Count, **sort)
    facets = {name: results.groups(name) for name in unselected}
    for name in sorted(selected & set(request.facets)):
        matching = restrict(query, filter_query(request, skip=name))
        facets[name] = dict(Counter(v for n in _docs(searcher, matching)
                                    for v in _values(searcher, name, n)))
    hits = [EngineHit(hit["doc_id"], hit.score if isinstance(hit.score, float) else None)
            for hit in results[request.offset:request.offset + request.limit]]
    return EngineResult(total=len(results), hits=hits, facets={
        name: {v: c for v, c in counts.items() if v} for name, counts in facets.items()})


def _docs(searcher: Searcher, query: wq.Query):  # noqa: ANN202
    for leaf, offset in searcher.leaf_searchers():
        matcher = query.matcher(leaf)
        while matcher.is_active():
            yield matcher.id() + offset
            matcher.next()


def _facet(name: str) -> sorting.FacetType:
    return sorting.FieldFacet(name, allow_overlap=name in MULTI_FACETS)


def _values(searcher: Searcher, name: str, docnum: int) -> list[str]:
    """The values of facet ``name`` of a document: its column, or the terms it holds."""
    reader = searcher.reader()
    if name not in MULTI_FACETS:
        return [reader.column_reader(name)[docnum]]
    return [t.decode() if isinstance(t, bytes) else t for t in reader.lexicon(name)
            if docnum in set(reader.postings(name, t).all_ids())]
