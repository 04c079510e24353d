"""A :class:`QueryPlan` as a Whoosh query tree."""

from __future__ import annotations

from collections.abc import Callable

from whoosh import query as wq

from search_service.query.plan import EXACT, PREFIX, Match, QueryPlan

Leaf = Callable[..., wq.Query]  # wq.Phrase / wq.Term or a subclass (same arguments)


def match_query(match: Match, phrase: Leaf = wq.Phrase, term: Leaf = wq.Term) -> wq.Query:
    """One match: a term, a phrase of adjacent tokens, or an identifier (whole or prefix)."""
    if match.kind == PREFIX:
        return wq.Prefix(match.field, match.tokens[0], boost=match.boost)
    if match.kind == EXACT or len(match.tokens) == 1:
        return term(match.field, match.tokens[0], boost=match.boost)
    return phrase(match.field, list(match.tokens), boost=match.boost)


def plan_query(plan: QueryPlan, phrase: Leaf = wq.Phrase, term: Leaf = wq.Term) -> wq.Query:
    """The plan's matching and ranking as one query (filters are applied by the caller);
    ``phrase`` and ``term`` build the leaves (the fast engine matches them its own way)."""
    if plan.is_empty:
        return wq.Every()

    def leaf(match: Match) -> wq.Query:
        return match_query(match, phrase, term)

    clauses = [wq.Or([leaf(m) for m in c.alternatives]) for c in plan.clauses]
    core = wq.And(clauses) if plan.require_all else wq.Or(clauses)
    if plan.boosts:
        return wq.AndMaybe(core, wq.Or([leaf(m) for m in plan.boosts]))
    return core
