"""A :class:`SearchRequest` as one tantivy query: the plan scored, everything else a filter.

The plan is ranked as the Whoosh engine ranks it: an alternative's score is BM25 times the
field's weight times the match's boost, alternatives and clauses add up, and when not
``require_all`` every matched clause (and the boosts, as one more) adds :data:`TIER`, so
the number of clauses matched decides the order and the score breaks ties. Filters, the
date range, the customer and the scope are conditions of the same query scoring nothing,
so totals and facet counts never include a document outside them.
"""

from __future__ import annotations

from collections.abc import Sequence

import tantivy
from tantivy import Occur, Query

from search_service.engines.base import SearchRequest
from search_service.engines.tantivy.projection import (
    DATE_FIELD, FIELD_WEIGHTS, FILTER_FIELDS, IDENTIFIER_FIELDS,
)
from search_service.engines.tokens import date_bounds, filter_values
from search_service.errors import QueryError
from search_service.query.plan import EXACT, PREFIX, Match, QueryPlan

TIER = 10_000.0  # as the Whoosh engine's: above any score a document's matches add up to


def prefix_pattern(prefix: str) -> str:
    """A regular expression matching terms that start with ``prefix`` (every character
    but letters and digits written as a code point, so none is an operator)."""
    return "".join(ch if ch.isascii() and ch.isalnum() else f"\\x{{{ord(ch):x}}}"
                   for ch in prefix) + ".*"


def match_query(schema: tantivy.Schema, match: Match) -> Query:
    """One match, weighted: an identifier (whole or a prefix), a term, or a phrase."""
    if match.field not in FIELD_WEIGHTS:
        raise QueryError(f"字段“{match.field}”不能检索")
    weight = FIELD_WEIGHTS[match.field] * match.boost
    if match.kind == PREFIX:
        found = Query.regex_query(schema, match.field, prefix_pattern(match.tokens[0]))
    elif match.kind == EXACT or len(match.tokens) == 1 or match.field in IDENTIFIER_FIELDS:
        found = Query.term_query(schema, match.field, match.tokens[0])
    else:
        found = Query.phrase_query(schema, match.field, list(match.tokens))
    return Query.boost_query(found, weight)


def _union(queries: Sequence[Query]) -> Query:
    """Any of ``queries``, scored as the sum of those that matched."""
    if len(queries) == 1:
        return queries[0]
    return Query.boolean_query([(Occur.Should, q) for q in queries])


def _tiered(query: Query) -> Query:
    """``query`` with :data:`TIER` added to the score of every document it matches."""
    return Query.boolean_query([(Occur.Must, query),
                                (Occur.Should, Query.const_score_query(query, TIER))])


def plan_query(schema: tantivy.Schema, plan: QueryPlan) -> Query:
    """The plan's matching and ranking (every document for the empty plan)."""
    if plan.is_empty:
        return Query.all_query()
    clauses = [_union([match_query(schema, m) for m in c.alternatives]) for c in plan.clauses]
    boost = _union([match_query(schema, m) for m in plan.boosts]) if plan.boosts else None
    if plan.require_all or len(clauses) == 1:
        core = clauses[0] if len(clauses) == 1 else Query.boolean_query(
            [(Occur.Must, c) for c in clauses])
    else:
        core = _union([_tiered(c) for c in clauses])
        boost = _tiered(boost) if boost is not None else None
    if boost is None:
        return core
    return Query.boolean_query([(Occur.Must, core), (Occur.Should, boost)])


def conditions(schema: tantivy.Schema, request: SearchRequest,
               skip: str | None = None) -> list[Query] | None:
    """Every condition of ``request`` but the user's filter on ``skip`` (filters understood
    from the query always apply); None when the scope allows nothing."""
    found = [Query.term_set_query(schema, name, list(values))
             for name, values in filter_values(request, FILTER_FIELDS, skip)]
    bounds = date_bounds(request.date_from, request.date_to)
    if bounds is not None:
        found.append(Query.range_query(schema, DATE_FIELD, tantivy.FieldType.Integer, *bounds))
    if request.account_no:
        found.append(Query.term_query(schema, "account_no", request.account_no))
    scope = request.scope
    if scope.units is not None:
        inside = [Query.term_set_query(schema, field, list(values)) for field, values in (
            ("org", scope.units), ("account_no", scope.accounts), ("doc_id", scope.doc_ids))
            if values]
        if not inside:
            return None
        found.append(_union(inside))
    return found


def search_query(schema: tantivy.Schema, request: SearchRequest,
                 skip: str | None = None, plan: bool = True) -> Query | None:
    """The plan (without ``plan``: every document) under every condition (see
    :func:`conditions`); None: nothing can match."""
    found = conditions(schema, request, skip)
    if found is None:
        return None
    matched = plan_query(schema, request.plan) if plan else Query.all_query()
    if not found:
        return matched
    return Query.boolean_query([(Occur.Must, matched)] + [
        (Occur.Must, Query.const_score_query(q, 0.0)) for q in found])
