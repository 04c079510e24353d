"""Faceted search through the configured engine, free of any web framework.

``run_search(engine, catalog, params)`` turns the query into a plan, hands plan, filters and
the user's scope (data) to the search engine, which matches, counts multi-select facets
(each facet's counts ignore that facet's own selection) and pages inside the scope; the hits'
fields and snippets come from the catalog, so they are identical whichever engine matched.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import Any

from indexer import doctypes
from indexer.analysis import fold
from indexer.catalog.store import Catalog
from indexer.schema import FACET_FIELDS, SNIPPET_FIELDS
from search_service.access.masking import mask_record
from search_service.access.scope import Scope
from search_service.engines.base import EngineResult, SearchEngine, SearchRequest
from search_service.errors import QueryError
from search_service.query.closest import MAX_CLOSEST, closest
from search_service.query.parse import word_clause
from search_service.query.plan import QueryPlan
from search_service.query.understand import AS_WRITTEN, QueryContext, readings
from search_service.viewer.highlight import compile_phrases, snippet

EXACT_MATCH, LOOSE_MATCH = "exact", "loose"  # SearchResult.match

SORTS = ("relevance", "date_desc", "date_asc")
MAX_PAGE_SIZE = 100

HIT_FIELDS = (
    "doc_id", "title", "path", "account_no", "customer_name", "doc_type", "doc_type_name",
    "org", "customer_class", "volt_level", "doc_date", "file_type", "pages", "hazard_status",
)
# What a hit is made of: its fields, the text and where the text's personal numbers stand.
_HIT_COLUMNS = (*HIT_FIELDS[1:], "content", "numbers")


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
    scope: Scope = field(default_factory=Scope)  # the user's access scope (default: all)
    context: QueryContext | None = None  # the archive's vocabulary, chips turned off
    masked: bool = False  # personal numbers masked in the text before snippets are cut


@dataclass
class SearchResult:
    total: int
    page: int
    page_size: int
    hits: list[dict[str, Any]]
    facets: dict[str, list[dict[str, Any]]]
    took_ms: float  # the whole search: plan, engine, catalog rows, snippets
    engine_ms: float = 0.0  # of which in the engine (every query it ran for this search)
    missing: tuple[str, ...] = ()  # shards of the engine that did not answer
    understood: list[dict[str, str]] = field(default_factory=list)
    reading: str = AS_WRITTEN  # how the query was read (query.understand: as written, …)
    hints: dict[str, Any] = field(default_factory=dict)  # nothing found: what to try instead
    match: str = EXACT_MATCH  # loose: a name or 户号 of the query matches no customer
    read_as: dict[str, Any] = field(default_factory=dict)  # QueryPlan.reading(), + unknown
    did_you_mean: list[dict[str, str]] = field(default_factory=list)  # closest customers

    @property
    def partial(self) -> bool:
        """Whether some documents could not be searched (a shard's nodes are down)."""
        return bool(self.missing)

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "page": self.page, "page_size": self.page_size,
                "hits": self.hits, "facets": self.facets, "took_ms": self.took_ms,
                "partial": self.partial, "missing_shards": list(self.missing),
                "understood": self.understood, "reading": self.reading, "hints": self.hints,
                "match": self.match, "read_as": self.read_as, "did_you_mean": self.did_you_mean}


def run_search(engine: SearchEngine, catalog: Catalog, params: SearchParams) -> SearchResult:
    """Run one search and return a page of hits with facets (a page past the last one shows
    the last page). The query's readings are tried in order (as written, understood as its
    parts, as words) until one finds documents."""
    began = time.perf_counter()
    timed = _Timed(engine)
    if params.sort not in SORTS:
        raise QueryError(f"不支持的排序方式“{params.sort}”，可选：{'、'.join(SORTS)}")
    if params.page < 1 or not 1 <= params.page_size <= MAX_PAGE_SIZE:
        raise QueryError(f"页码须不小于 1，每页条数须在 1 到 {MAX_PAGE_SIZE} 之间")
    for reading, plan in readings(params.q, params.context):
        request = search_request(plan, params)
        found = timed.search(request)
        if found.total or found.missing:
            break
    page = params.page
    if not found.hits and found.total and request.offset:
        page = math.ceil(found.total / params.page_size)  # past the end: the last page
        found = timed.search(replace(request, offset=(page - 1) * params.page_size))
    plan = within_scope(plan, params)
    unknown = unknown_parts(timed, plan, params) if reading != AS_WRITTEN else ()
    return SearchResult(
        total=found.total, page=page if found.total else 1, page_size=params.page_size,
        hits=hits_of(catalog, found, plan, params.masked),
        facets={name: _facet_values(name, found.facets.get(name, {}), params)
                for name in FACET_FIELDS if params.facets},
        took_ms=round((time.perf_counter() - began) * 1000, 1),
        engine_ms=round(timed.spent * 1000, 2), missing=found.missing,
        understood=[u.to_dict() for u in plan.understood], reading=reading,
        match=LOOSE_MATCH if unknown else EXACT_MATCH,
        read_as={**plan.reading(), "unknown": list(unknown)},
        did_you_mean=did_you_mean(unknown, params),
    )


class _Timed:
    """An engine that counts the time its searches take."""

    def __init__(self, engine: SearchEngine) -> None:
        self.engine = engine
        self.spent = 0.0

    def search(self, request: SearchRequest) -> EngineResult:
        began = time.perf_counter()
        try:
            return self.engine.search(request)
        finally:
            self.spent += time.perf_counter() - began


def within_scope(plan: QueryPlan, params: SearchParams) -> QueryPlan:
    """``plan`` with its corrections (明园 → 明远) kept to names of customers the user may
    read: a correction must not tell that a name exists in another unit."""
    if params.scope.unlimited or params.context is None or not plan.corrections:
        return plan
    lexicon, scope = params.context.lexicon, params.scope
    visible = {fold(n) for c in lexicon.customers
               if c.org in (scope.units or ()) or c.account_no in scope.accounts
               for n in (c.name, lexicon.brands.get(c.account_no, "")) if n}
    kept = tuple(replace(c, meant=tuple(m for m in c.meant if m in visible))
                 for c in plan.corrections)
    hidden = {m for c in plan.corrections for m in c.meant} - visible
    return replace(plan, corrections=tuple(c for c in kept if c.meant),
                   names=tuple(n for n in plan.names if n not in hidden))


def unknown_parts(engine: SearchEngine | _Timed, plan: QueryPlan,
                  params: SearchParams) -> tuple[str, ...]:
    """The parts of ``plan`` that may name a customer and match no document the user may
    read, in any field (a word of the text is no unknown name), uncorrected."""
    missing = []
    for part in plan.uncorrected():
        clause = word_clause(part)
        probe = SearchRequest(plan=QueryPlan(text=part, clauses=(clause,)) if clause else plan,
                              scope=params.scope, limit=1)
        if clause is None or part.isdigit() or not engine.search(probe).total:
            missing.append(part)
    return tuple(missing)


def did_you_mean(unknown: tuple[str, ...], params: SearchParams) -> list[dict[str, str]]:
    """The customers closest to the unknown parts, within the user's scope."""
    if not unknown or params.context is None:
        return []
    found: dict[str, dict[str, str]] = {}
    for part in unknown:
        for c in closest(params.context.lexicon, part, params.scope.units, params.scope.accounts):
            found.setdefault(c.account_no, {"account_no": c.account_no, "name": c.name,
                                            "org": c.org})
    return list(found.values())[:MAX_CLOSEST]


def search_request(plan: QueryPlan, params: SearchParams) -> SearchRequest:
    """The engine's request for ``params`` (an empty query browses newest first)."""
    sort = params.sort
    if sort == "relevance":  # 上次检查单: newest first; an empty query browses newest first
        sort = plan.sort or ("date_desc" if plan.is_empty else sort)
    return SearchRequest(
        plan=plan, filters={k: tuple(v) for k, v in params.filters.items() if v},
        date_from=max(params.date_from, plan.date_from),
        date_to=min((d for d in (params.date_to, plan.date_to) if d), default=""),
        account_no=params.account_no or plan.customer,
        scope=params.scope, facets=FACET_FIELDS if params.facets else (), sort=sort,
        offset=(params.page - 1) * params.page_size, limit=params.page_size)


def hits_of(catalog: Catalog, found: EngineResult, plan: QueryPlan,
            masked: bool = False) -> list[dict[str, Any]]:
    """The page's hits from their catalog rows, snippets marked from the catalog's text;
    ``masked``: every field masked, and the text masked before its snippet is cut (once:
    that equals cutting the text masked whole, and nothing is left for another pass)."""
    rows = catalog.searchable_rows([h.doc_id for h in found.hits], _HIT_COLUMNS)
    pattern = compile_phrases(plan.highlight_phrases(SNIPPET_FIELDS))
    hits = []
    for hit in found.hits:
        row = rows.get(hit.doc_id)
        if row is not None:  # else removed or failed, not yet dropped by the engine: skipped
            item = {name: row.get(name) or ("" if name != "pages" else 0) for name in HIT_FIELDS}
            if masked:
                item = mask_record(item)
            item["score"] = round(hit.score, 3) if hit.score is not None else None
            item["snippet"] = snippet(row.get("content") or "", pattern, masked=masked,
                                      numbers=row.get("numbers") or "")
            hits.append(item)
    return hits


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
    if name in ("doc_type", "missing_types"):
        return f"{doctypes.name_of(value) or value}"
    if name == "file_type":
        return value.upper()
    return value


def match_pattern(q: str, context: QueryContext | None = None) -> Any:
    """What to mark in a document's text for query ``q`` (None: nothing): the words of
    every reading of it (as written, understood, as words)."""
    if not q.strip():
        return None
    phrases = [phrase for _, plan in readings(q, context)
               for phrase in plan.highlight_phrases(SNIPPET_FIELDS)]
    return compile_phrases(phrases)
