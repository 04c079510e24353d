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
class Correction:
    """A name part that matched no customer, read as the customer name it probably means."""

    typed: str
    meant: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {"typed": self.typed, "meant": list(self.meant)}


@dataclass(frozen=True)
class QueryPlan:
    """What a query asks for.

    - no clauses: every document (browse by filters), ranked newest first;
    - ``require_all``: a document must match every clause (ranked by score);
      otherwise it must match at least one, and documents are ranked first by how many
      clauses they match (all parts above most parts, whatever the scores), then by score;
    - ``boosts``: matches that only add score (e.g. the whole query as one phrase), never
      admit a document on their own; when not ``require_all``, matching any boost counts
      as matching one more clause, so the query as written ranks above its parts;
    - ``filters``: facet values understood from the query (OR within a field), AND-ed with
      the user's filters; ``understood`` says where each came from (shown as chips);
    - ``date_from`` / ``date_to`` (ISO dates, from time words) narrow the user's date range;
      ``sort`` (from 最新, 上次 …) replaces a relevance sort, and ``customer`` then keeps
      to the one customer whose whole 户名 the query names (上次检查单 of that customer);
    - ``names``: the parts read as a customer name (or pinyin), ``account``: a 户号 typed with
      separators; ``unknown``: parts that may name a customer none has (a word known nowhere
      in the archive, a company name, a 户号 start); the search keeps those that match no
      document, and the answer is then loose unless ``corrections`` read them as a real
      customer's name.

    A Match's ``boost`` multiplies its score; within one clause an EXACT identifier match
    carries a higher boost than a PREFIX one, so a whole 户号 ranks above its prefixes.
    """

    text: str = ""
    clauses: tuple[Clause, ...] = ()
    require_all: bool = True
    boosts: tuple[Match, ...] = ()
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    understood: tuple[Understood, ...] = ()
    date_from: str = ""
    date_to: str = ""
    sort: str = ""
    names: tuple[str, ...] = ()
    account: str = ""
    customer: str = ""  # 户号 of the one customer a newest-first query names in full
    unknown: tuple[str, ...] = ()
    corrections: tuple[Correction, ...] = ()

    def uncorrected(self) -> tuple[str, ...]:
        """The unknown parts no correction reads as a real name."""
        return tuple(u for u in self.unknown if all(c.typed != u for c in self.corrections))

    def reading(self) -> dict[str, object]:
        """What became what, for the API, the CLI and the page alike."""
        values = {f: [u.value for u in self.understood if u.field == f]
                  for f in ("org", "doc_type", "year", "hazard_status")}
        return {"names": list(self.names), "account_no": self.account or self.customer,
                "units": values["org"], "doc_types": values["doc_type"],
                "years": values["year"], "hazard_status": values["hazard_status"],
                "date_from": self.date_from, "date_to": self.date_to, "sort": self.sort,
                "corrections": [c.to_dict() for c in self.corrections]}

    @property
    def is_empty(self) -> bool:
        return not self.clauses

    def highlight_phrases(self, text_fields: frozenset[str] | set[str]) -> list[tuple[str, ...]]:
        """Token sequences to mark in snippets: every phrase over one of ``text_fields``."""
        found = [m.tokens for c in self.clauses for m in c.alternatives
                 if m.kind == PHRASE and m.field in text_fields]
        found += [m.tokens for m in self.boosts if m.kind == PHRASE and m.field in text_fields]
        return list(dict.fromkeys(found))
