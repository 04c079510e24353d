"""A :class:`QueryPlan` as a Whoosh query tree."""

from __future__ import annotations

from whoosh import query as wq

from search_service.query.plan import EXACT, PREFIX, Match, QueryPlan


def match_query(match: Match) -> wq.Query:
    """One match: a term, a phrase of adjacent tokens, or an identifier (whole or prefix)."""
    if match.kind == PREFIX:
        return wq.Prefix(match.field, match.tokens[0], boost=match.boost)
    if match.kind == EXACT or len(match.tokens) == 1:
        return wq.Term(match.field, match.tokens[0], boost=match.boost)
    return wq.Phrase(match.field, list(match.tokens), boost=match.boost)


def plan_query(plan: QueryPlan) -> wq.Query:
    """The plan's matching and ranking as one query (filters are applied by the caller)."""
    if plan.is_empty:
        return wq.Every()
    clauses = [wq.Or([match_query(m) for m in c.alternatives]) for c in plan.clauses]
    core = wq.And(clauses) if plan.require_all else wq.Or(clauses)
    if plan.boosts:
        return wq.AndMaybe(core, wq.Or([match_query(m) for m in plan.boosts]))
    return core
