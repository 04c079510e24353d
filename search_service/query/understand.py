"""Understanding a query the way staff type it: unspaced runs that join several ideas.

A query is tried as written first (:func:`readings`): when its words, as phrases, find
documents, that is the answer, as before. Otherwise it is read as its parts (the whole of
each unspaced run stays a phrase boost, so documents containing it exactly rank highest):

- a unit, document type, year or hazard status becomes a filter, reported in
  ``plan.understood`` (a chip the user can remove: its text is then passed in
  :attr:`QueryContext.without` and that part of the query is left out);
- a run of 4–9 digits is the start of a 户号 (prefix match), the start of a 档号
  (``G017-YX·2023``) an 档号 prefix;
- customer names, brands and the remaining words are clauses; documents matching all of
  them rank first, then those matching most (``require_all=False``).

A run that occurs inside a customer's name (``明远纺织``) is never split. A single word that
names a document type stays text (``计量装置`` is searched as written).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from indexer.analysis import tokenize
from search_service.errors import QueryError
from search_service.query.lexicon import DOC_TYPE, EMPTY, LEGAL_FORMS, ORG, Entity, Lexicon
from search_service.query.parse import (ID_FIELDS, TEXT_FIELDS, normalize, pinyin_clause,
                                        plan_query, quoted_parts, word_clause)
from search_service.query.plan import EXACT, PHRASE, PREFIX, Clause, Match, QueryPlan, Understood
from search_service.query.segment import segment

# Inside an unquoted word: a year, an identifier (digits, 档号), other ASCII, a Han run.
_PIECE = re.compile(
    r"(?P<year>(?:19[89]\d|20\d\d)年)"
    r"|(?P<archive>[A-Za-z]\d{2,}(?:[-·.A-Za-z0-9]*)?)"
    r"|(?P<digits>\d+)"
    r"|(?P<ascii>[0-9A-Za-z][-0-9A-Za-z/.]*)"
    r"|(?P<han>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)"
)
ACCOUNT_PREFIX = re.compile(r"^\d{4,9}$")
EXACT_BOOST = 4.0  # a whole identifier above its prefixes
WHOLE_BOOST = 2.0  # the run as written
# Readings of a query (SearchResult.reading).
AS_WRITTEN = "as_written"
UNDERSTOOD = "understood"
AS_WORDS = "as_words"
TYPO_BOOST = 0.5  # a name one character away from what was typed


@dataclass(frozen=True)
class QueryContext:
    """What understanding may use: the archive's vocabulary and the chips turned off."""

    lexicon: Lexicon = EMPTY
    plain: frozenset[str] = field(default_factory=frozenset)  # entity words matched as words
    without: frozenset[str] = field(default_factory=frozenset)  # chips removed: words ignored


@dataclass(frozen=True)
class Piece:
    text: str
    kind: str  # "word", "digits", "archive", "quoted"
    entity: Entity | None = None


def understand(text: str, context: QueryContext | None = None) -> QueryPlan:
    """The plan for ``text`` as staff mean it; empty text means every document."""
    context = context or QueryContext()
    text = text.strip()
    cleaned = normalize(text)
    if not text or pinyin_clause(cleaned) is not None:
        return plan_query(text)  # nothing to split: empty, or a name in pinyin
    pieces: list[Piece] = []
    boosts: list[Match] = []
    for run, quoted in quoted_parts(cleaned):
        found = [Piece(run, "quoted")] if quoted else split_run(run, context.lexicon)
        if len(found) > 1:
            boosts += [Match(f, tuple(tokenize(run)), PHRASE, WHOLE_BOOST) for f in TEXT_FIELDS]
        pieces += found
    return _plan(text, pieces, boosts, context)


def split_run(run: str, lexicon: Lexicon) -> list[Piece]:
    """The parts of one unquoted word; a word inside a customer name stays whole."""
    if lexicon.in_a_name(run):
        return [Piece(run, "word", lexicon.entity(run))]
    pieces: list[Piece] = []
    for match in _PIECE.finditer(run):
        value, kind = match.group(), match.lastgroup or "ascii"
        if kind == "han":
            pieces += [Piece(w, "word", lexicon.entity(w)) for w in segment(value, lexicon)]
        elif kind == "year":
            pieces.append(Piece(value, "word", lexicon.entity(value)))
        else:
            pieces.append(Piece(value, kind if kind != "ascii" else "word",
                                lexicon.entity(value) if kind == "digits" else None))
    return pieces or [Piece(run, "word")]


def _plan(text: str, pieces: list[Piece], boosts: list[Match],
          context: QueryContext) -> QueryPlan:
    filters: dict[str, tuple[str, ...]] = {}
    understood: list[Understood] = []
    clauses: list[Clause] = []
    parts = len(pieces)
    if len(pieces) > 1:  # 公司 adds nothing beside a name (it stays in the phrase boost)
        pieces = [p for p in pieces if p.text not in LEGAL_FORMS] or pieces
    if len(pieces) > 1:  # a removed chip's words no longer narrow nor match
        pieces = [p for p in pieces if not (p.entity and p.entity.is_filter
                                            and p.text in context.without)] or pieces
    for piece in pieces:
        entity = piece.entity
        if entity is not None and _as_filter(entity, parts, context):
            filters[entity.kind] = tuple(dict.fromkeys(filters.get(entity.kind, ()) + entity.values))
            understood += [Understood(entity.kind, v, piece.text) for v in entity.values]
            if entity.kind == DOC_TYPE:  # 合同 filters YK11 and YK12; titles saying it first
                boosts.append(Match("title", tuple(tokenize(piece.text)), PHRASE, WHOLE_BOOST))
            continue
        clause = piece_clause(piece, context.lexicon)
        if clause is not None:
            clauses.append(clause)
    if not clauses and not filters:
        raise QueryError(f"检索式“{text}”中没有可检索的词")
    return QueryPlan(text=text, clauses=tuple(clauses), require_all=len(clauses) <= 1,
                     boosts=tuple(boosts) if clauses else (), filters=filters,
                     understood=tuple(understood))


def _as_filter(entity: Entity, parts: int, context: QueryContext) -> bool:
    """Whether an entity filters: not turned off, and a document type only beside other
    words (alone, a type word is searched as written)."""
    if not entity.is_filter or entity.text in context.plain:
        return False
    return parts > 1 or entity.kind not in (DOC_TYPE,)


def piece_clause(piece: Piece, lexicon: Lexicon = EMPTY) -> Clause | None:
    """The clause of one part: identifiers by prefix, everything else as words; a word that
    names nothing known also matches the customer names it is probably a typo of."""
    if piece.kind == "digits" and ACCOUNT_PREFIX.match(piece.text):
        return _prefix_clause(piece.text, "account_no", piece.text)
    if piece.kind == "archive":
        return _prefix_clause(piece.text, "archive_no", piece.text.upper())
    if piece.text in lexicon.regions:  # 杭州 of 杭州明远…: a name's part, not any address
        return Clause(piece.text, (Match("customer_name", tuple(tokenize(piece.text))),))
    clause = word_clause(piece.text)
    if clause is None or piece.kind == "quoted" or piece.entity is not None \
            or lexicon.in_a_name(piece.text):
        return clause
    guesses = [Match("customer_name", tuple(tokenize(w)), PHRASE, TYPO_BOOST)
               for w in lexicon.similar(piece.text)]
    return replace(clause, alternatives=clause.alternatives + tuple(guesses)) if guesses else clause


def _prefix_clause(text: str, field_name: str, value: str) -> Clause:
    """An identifier's start: exact above prefix, plus the digits anywhere in the text."""
    tokens = tuple(tokenize(text))
    alternatives = [Match(field_name, (value,), EXACT, EXACT_BOOST),
                    Match(field_name, (value,), PREFIX)]
    alternatives += [Match(f, tokens) for f in TEXT_FIELDS if tokens]
    return Clause(text, tuple(alternatives))


def readings(text: str, context: QueryContext | None = None) -> Iterator[tuple[str, QueryPlan]]:
    """The ways to read ``text``, to be tried in order until one finds documents: as written
    (today's phrases), understood as its parts, then with the understood filters as words."""
    written = plan_query(text)
    yield AS_WRITTEN, written
    if written.is_empty:
        return
    understood = understand(text, context)
    if understood == written:
        return
    yield UNDERSTOOD, understood
    wider = relaxed(understood, context)
    if wider is not None and wider != understood:
        yield AS_WORDS, wider


def relaxed(plan: QueryPlan, context: QueryContext | None = None) -> QueryPlan | None:
    """The plan with every understood filter turned back into words (None: nothing to relax):
    what to run when the understood reading finds nothing."""
    if not plan.understood:
        return None
    context = context or QueryContext()
    plain = context.plain | {u.text for u in plan.understood}
    return understand(plan.text, replace(context, plain=frozenset(plain)))


__all__ = ["AS_WORDS", "AS_WRITTEN", "ID_FIELDS", "ORG", "UNDERSTOOD", "QueryContext",
           "readings", "relaxed", "split_run", "understand"]
