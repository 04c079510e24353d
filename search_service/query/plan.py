"""The engine-neutral query plan: what to match, how to rank, which filters were understood.

A plan holds analyzer tokens, never engine query objects, so every engine translates the same
plan (Whoosh into its query tree, Manticore into a SphinxQL ``MATCH()``) and indexes the same
tokens. Scope and the user's filters travel beside it in
:class:`search_service.engines.base.SearchRequest`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Match kinds.
PHRASE = "phrase"  # the tokens in order, adjacent (one token: a term)
EXACT = "exact"  # an identifier field equals the single token (户号, 档号)
PREFIX = "prefix"  # an identifier field starts with the single token


@dataclass(frozen=True)
class Match:
    """One way to match: ``tokens`` in ``field`` (tokens as the field's analyzer makes them)."""

    field: str
    tokens: tuple[str, ...]
    kind: str = PHRASE
    boost: float = 1.0


@dataclass(frozen=True)
class Clause:
    """One part of the query; a document matches it when it matches any alternative.

    ``text`` is what the user typed for this part (shown, and marked in snippets).
    """

    text: str
    alternatives: tuple[Match, ...]


@dataclass(frozen=True)
class Understood:
    """A part of the query read as a filter (shown as a removable chip)."""

    field: str  # a facet field, e.g. "org", "doc_type", "year", "hazard_status"
    value: str
    text: str  # the words of the query it came from

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "value": self.value, "text": self.text}


@dataclass(frozen=True)
class QueryPlan:
    """What a query asks for.

    - no clauses: every document (browse by filters), ranked newest first;
    - ``require_all``: a document must match every clause (ranked by score);
      otherwise it must match at least one, and documents matching more clauses rank first;
    - ``boosts``: matches that only add score (e.g. the whole query as one phrase), never
      admit a document on their own;
    - ``filters``: facet values understood from the query, AND-ed with the user's filters.
    """

    text: str = ""
    clauses: tuple[Clause, ...] = ()
    require_all: bool = True
    boosts: tuple[Match, ...] = ()
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    understood: tuple[Understood, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.clauses

    def highlight_phrases(self, text_fields: frozenset[str] | set[str]) -> list[tuple[str, ...]]:
        """Token sequences to mark in snippets: every phrase over one of ``text_fields``."""
        found = [m.tokens for c in self.clauses for m in c.alternatives
                 if m.kind == PHRASE and m.field in text_fields]
        found += [m.tokens for m in self.boosts if m.kind == PHRASE and m.field in text_fields]
        return list(dict.fromkeys(found))
