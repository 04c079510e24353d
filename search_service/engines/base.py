"""The one interface between the service (and the indexer) and a search engine.

The catalog in the database is the record of every document; an engine holds a projection
of it for matching, ranking, filtering and facet counting, and can be rebuilt from the
catalog at will. Everything crossing this interface is data: the query as a
:class:`QueryPlan` of analyzer tokens, filters and the user's scope as field values, so each
engine applies them inside its own query and totals and facet counts never include a
document outside the scope. Engines return document ids and scores; hit fields and snippets
come from the catalog, identical whichever engine matched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from search_service.access.scope import Scope
from search_service.query.plan import QueryPlan

SORTS = ("relevance", "date_desc", "date_asc")


@dataclass(frozen=True)
class SearchRequest:
    """One search: the plan, filters (OR within a field, AND across), scope, facets, a page.

    ``facets`` are counted multi-select style: each facet's counts ignore that facet's own
    filter, so choosing one 供电所 still shows how many hits the others have.
    """

    plan: QueryPlan = field(default_factory=QueryPlan)
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: str = ""
    date_to: str = ""
    account_no: str = ""
    scope: Scope = field(default_factory=Scope)
    facets: tuple[str, ...] = ()
    sort: str = "relevance"
    offset: int = 0
    limit: int = 20


@dataclass(frozen=True)
class EngineHit:
    doc_id: str
    score: float | None = None


@dataclass
class EngineResult:
    """Matching documents of one page, the exact total, and counts per facet value.

    ``missing`` names shards that did not answer (the result is then partial)."""

    total: int
    hits: list[EngineHit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    missing: tuple[str, ...] = ()

    @property
    def partial(self) -> bool:
        return bool(self.missing)


class SearchEngine(Protocol):
    """A search engine holding a projection of the catalog's searchable documents."""

    name: str
    # Whether the engine indexes the analyzer's token texts of a record (tantivy, Manticore:
    # a rebuild may then analyse in worker processes) rather than analysing it itself.
    takes_tokens: bool

    def replace(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Add or replace documents (records keyed by ``doc_id``, fields as in the schema)."""

    def delete(self, doc_ids: Iterable[str]) -> None:
        """Remove documents; unknown ids are ignored."""

    def commit(self, batch: int | None = None) -> None:
        """Make every change since the last commit searchable, atomically; ``batch`` (when
        given) is remembered as the last catalog batch the engine now holds."""

    def clear(self) -> None:
        """Start over empty (a rebuild): searches see the old documents until the next
        commit, which swaps the rebuilt index in."""

    def applied_batch(self) -> int:
        """The last catalog batch committed (0: none); the engine catches up from there."""

    def search(self, request: SearchRequest) -> EngineResult: ...

    def count(self) -> int:
        """How many documents the engine holds."""

    def generation(self) -> str:
        """Changes whenever a commit changed what searches see (for caches and health)."""

    def close(self) -> None: ...
