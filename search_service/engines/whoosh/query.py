"""A :class:`QueryPlan` as a Whoosh query tree."""

from __future__ import annotations

from collections.abc import Callable

from whoosh import matching
from whoosh import query as wq
from whoosh.matching.wrappers import WrappingMatcher

from search_service.query.plan import EXACT, PREFIX, Match, QueryPlan

Leaf = Callable[..., wq.Query]  # wq.Phrase / wq.Term or a subclass (same arguments)

# Score added per matched clause when not require_all: above any field score, so the
# number of matched clauses decides the order and the score only breaks ties.
TIER = 10_000.0


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

    clauses = [union([leaf(m) for m in c.alternatives]) for c in plan.clauses]
    boost = union([leaf(m) for m in plan.boosts]) if plan.boosts else None
    if plan.require_all or len(clauses) == 1:
        core = clauses[0] if len(clauses) == 1 else wq.And(clauses)
        return wq.AndMaybe(core, boost) if boost is not None else core
    core = union([Tiered(c) for c in clauses])
    return wq.AndMaybe(core, Tiered(boost)) if boost is not None else core


def union(queries: list[wq.Query]) -> wq.Query:
    """An Or scored as the sum of what matched. Whoosh's array union (which it picks on
    indexes under 5,000 documents) loses the scores of some subqueries once an And skips
    it forward, so documents matching every clause ranked below those matching one."""
    found = wq.Or(queries)
    found.matcher_type = wq.Or.DEFAULT_MATCHER
    return found


class Tiered(wq.WrappingQuery):
    """``child`` with :data:`TIER` added to the score of every document it matches."""

    def _rewrap(self, child: wq.Query) -> "Tiered":
        return Tiered(child)

    def matcher(self, searcher, context=None):  # noqa: ANN001, ANN201 - Whoosh's signature
        child = self.child.matcher(searcher, context)
        if isinstance(child, matching.NullMatcherClass):
            return child
        return TieredMatcher(child)


class TieredMatcher(WrappingMatcher):
    def _replacement(self, newchild):  # noqa: ANN001, ANN202
        return TieredMatcher(newchild)

    def copy(self):  # noqa: ANN202
        return TieredMatcher(self.child.copy())

    def supports_block_quality(self) -> bool:
        return False

    def max_quality(self) -> float:
        return self.child.max_quality() + TIER

    def score(self) -> float:
        return self.child.score() + TIER
