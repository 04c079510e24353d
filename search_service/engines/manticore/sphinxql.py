"""A :class:`SearchRequest` as SphinxQL: the plan as a ``MATCH()`` expression, filters and
scope as attribute filters, facets as ``FACET`` clauses.

User text never reaches the query as written: it arrives as analyzer tokens (which contain
only letters, digits and Han characters) or as identifiers spelled by
:func:`~search_service.engines.manticore.projection.encode_identifier`, and every keyword is
escaped again here; the whole expression is then a quoted SQL string literal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from pymysql.converters import escape_string

from indexer.schema import FACET_FIELDS, STATUS_OK
from search_service.engines.base import SearchRequest
from search_service.engines.manticore.projection import (
    BUILD_ATTR, DATE_ATTR, FACET_KEYS_ATTR, FIELD_WEIGHTS, FILTER_FIELDS, IDENTIFIER_FIELDS, SCOPE_ATTR, TEXT_FIELDS,
    encode_identifier, key_attr, scope_key, values_of,
)
from search_service.engines.tokens import date_bounds, filter_values
from search_service.errors import QueryError
from search_service.query.plan import EXACT, PREFIX, Match, QueryPlan

FACET_LIMIT = 1000  # values counted per facet
MIN_MAX_MATCHES = 1000
_SPECIAL = re.compile(r'([\\()|\-!@~"&/^$=<>*\[\]\'])')


def escape_keyword(token: str) -> str:
    """A token with every character of the extended query syntax escaped."""
    return _SPECIAL.sub(r"\\\1", token)


def quote(value: str) -> str:
    """A SphinxQL string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def literal(value: Any) -> str:
    """An attribute or field value as a SphinxQL literal (a tuple is a multi-value set)."""
    if isinstance(value, str):
        return "'" + escape_string(value) + "'"
    if isinstance(value, tuple):
        return "(" + ",".join(map(str, value)) + ")"
    return str(int(value))


def values_statements(head: str, rows: Iterable[Sequence[Any]],
                      max_bytes: int = 1 << 20) -> Iterator[str]:
    """``head`` (``REPLACE INTO … VALUES``) with ``rows`` as value lists, in statements of
    at most about ``max_bytes`` (searchd refuses packets above its ``max_packet_size``)."""
    parts: list[str] = []
    size = 0
    for row in rows:
        values = "(" + ", ".join(map(literal, row)) + ")"
        length = len(values.encode())
        if parts and size + length > max_bytes:
            yield head + " " + ", ".join(parts)
            parts, size = [], 0
        parts.append(values)
        size += length + 2
    if parts:
        yield head + " " + ", ".join(parts)


def _fields(names: Iterable[str]) -> str:
    names = list(names)
    return f"@{names[0]}" if len(names) == 1 else f"@({','.join(names)})"


def _phrase(match: Match) -> str:
    tokens = match.tokens[:1] if match.kind == EXACT else match.tokens
    words = [escape_keyword(t) for t in tokens]
    if match.kind == PREFIX:
        words[-1] += "*"
    return f'"{" ".join(words)}"'


def match_expression(matches: Sequence[Match]) -> str:
    """Matches that differ only in their field: a phrase of tokens over text fields, or an
    identifier keyword (whole, or a prefix)."""
    first = matches[0]
    if first.field in IDENTIFIER_FIELDS:
        star = "*" if first.kind == PREFIX else ""
        return f"@{IDENTIFIER_FIELDS[first.field]} {encode_identifier(first.tokens[0])}{star}"
    unknown = [m.field for m in matches if m.field not in TEXT_FIELDS]
    if unknown:
        raise QueryError(f"字段“{unknown[0]}”不能检索")
    return f"{_fields(dict.fromkeys(m.field for m in matches))} {_phrase(first)}"


def alternatives_expression(matches: Sequence[Match]) -> str:
    """Matches OR-ed; the same phrase over several text fields becomes one ``@(a,b) "…"``."""
    groups: dict[object, list[Match]] = {}
    for m in matches:
        key = m if m.field in IDENTIFIER_FIELDS else (_phrase(m),)
        groups.setdefault(key, []).append(m)
    return " | ".join(f"({match_expression(group)})" for group in groups.values())


def match_query(plan: QueryPlan) -> str:
    """The plan as an extended-syntax query ("" for the empty plan: every document)."""
    if plan.is_empty:
        return ""
    clauses = [f"({alternatives_expression(c.alternatives)})" for c in plan.clauses]
    core = (" " if plan.require_all else " | ").join(clauses)
    if plan.boosts:
        return f"({core}) MAYBE ({alternatives_expression(plan.boosts)})"
    return core




def where_clause(request: SearchRequest, match: str, build: int, skip: str | None = None) -> str:
    """Every condition of ``request`` as a WHERE clause, without the user's filter on
    ``skip`` (filters understood from the query always apply)."""
    parts = [f"MATCH({quote(match)})"] if match else []
    parts.append(f"{BUILD_ATTR} = {int(build)}")
    parts.append(f"status = {quote(STATUS_OK)}")
    for name, values in filter_values(request, FILTER_FIELDS, skip):
        keys = ", ".join(str(scope_key(name, v)) for v in values)
        parts.append(f"{key_attr(name)} IN ({keys})")
    bounds = date_bounds(request.date_from, request.date_to)
    if bounds is not None:
        parts.append(f"{DATE_ATTR} BETWEEN {bounds[0]} AND {bounds[1]}")
    if request.account_no:
        parts.append(f"account_no = {quote(request.account_no)}")
    keys = scope_keys(request)
    if keys is not None:
        parts.append(f"{SCOPE_ATTR} IN ({', '.join(map(str, keys))})")
    return " AND ".join(parts)


def scope_keys(request: SearchRequest) -> list[int] | None:
    """The keys a document must carry one of (None: no restriction; callers check emptiness)."""
    scope = request.scope
    if scope.units is None:
        return None
    return ([scope_key("unit", u) for u in scope.units]
            + [scope_key("account", a) for a in scope.accounts]
            + [scope_key("doc", d) for d in scope.doc_ids])


def ranked(request: SearchRequest, match: str) -> bool:
    """Whether hits are ordered by score (else by date: nothing to rank by, or asked to)."""
    return request.sort == "relevance" and bool(match)


def order_clause(request: SearchRequest, match: str) -> str:
    if ranked(request, match):
        return "ORDER BY WEIGHT() DESC, id ASC"
    sort = "date_desc" if request.sort == "relevance" else request.sort
    direction = "DESC" if sort == "date_desc" else "ASC"
    return f"ORDER BY {DATE_ATTR} {direction}, id ASC"


def options(request: SearchRequest, match: str) -> str:
    max_matches = max(MIN_MAX_MATCHES, FACET_LIMIT, request.offset + request.limit)
    if not ranked(request, match):
        return f"OPTION ranker=none, max_matches={max_matches}"
    weights = ", ".join(f"{f}={w}" for f, w in FIELD_WEIGHTS.items())
    return f"OPTION ranker=proximity_bm25, field_weights=({weights}), max_matches={max_matches}"


def search_statement(index: str, request: SearchRequest, build: int) -> str:
    """The page of hits (ids, doc ids, scores); ``SHOW META`` after it gives the total."""
    match = match_query(request.plan)
    return " ".join([
        f"SELECT id, doc_id, WEIGHT() FROM {index}",
        f"WHERE {where_clause(request, match, build)}",
        order_clause(request, match),
        f"LIMIT {request.offset}, {request.limit}",
        options(request, match),
    ])


def facets_statement(index: str, request: SearchRequest, build: int) -> str:
    """Counts of every facet value under all of ``request``'s conditions, in one pass: rows
    of (key, the facet fields of one document with that key, count)."""
    match = match_query(request.plan)
    limit = FACET_LIMIT * len(FACET_FIELDS)
    return " ".join([
        f"SELECT GROUPBY() AS k, {', '.join(FACET_FIELDS)}, COUNT(*) AS n FROM {index}",
        f"WHERE {where_clause(request, match, build)}",
        f"GROUP BY {FACET_KEYS_ATTR} ORDER BY n DESC LIMIT {limit}",
        f"OPTION ranker=none, max_matches={limit}",
    ])


def all_counts(rows: Iterable[Sequence[Any]], names: Iterable[str]) -> dict[str, dict[str, int]]:
    """Counts per facet of ``names`` from :func:`facets_statement`'s rows: a group's key
    names the facet whose value (in the group's document) has that key."""
    wanted = set(names)
    found: dict[str, dict[str, int]] = {name: {} for name in wanted}
    for key, *values, count in rows:
        for name, value in zip(FACET_FIELDS, values):
            chosen = value_with_key(name, value, int(key)) if name in wanted else None
            if chosen is not None:
                found[name][chosen] = int(count)
                break
    return found


def value_with_key(name: str, value: Any, key: int) -> str | None:
    """The value of facet ``name`` (in a document's string attribute ``value``) whose key is
    ``key``, if any."""
    return next((v for v in values_of(name, value) if scope_key(name, v) == key), None)


def facet_statement(index: str, request: SearchRequest, name: str, build: int) -> str:
    """Counts of facet ``name`` under every filter but its own (multi-select facets)."""
    match = match_query(request.plan)
    return " ".join([
        f"SELECT GROUPBY() AS k, {name}, COUNT(*) AS n FROM {index}",
        f"WHERE {where_clause(request, match, build, skip=name)}",
        f"GROUP BY {key_attr(name)} ORDER BY n DESC LIMIT {FACET_LIMIT}",
        f"OPTION ranker=none, max_matches={max(MIN_MAX_MATCHES, FACET_LIMIT)}",
    ])


def counts(name: str, rows: Iterable[Sequence[Any]]) -> dict[str, int]:
    """:func:`facet_statement`'s rows ``(key, value, count)`` as a mapping of facet values."""
    found = {}
    for key, value, n in rows:
        chosen = value_with_key(name, value, int(key))
        if chosen:
            found[chosen] = int(n)
    return found
