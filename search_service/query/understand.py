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

Some queries skip the reading as written: a 户号 typed with separators or full-width digits
(``3301 0001 23``) is only that 户号, exact or prefix; a query with time words (去年, 近三年,
上次 …, :mod:`search_service.query.timewords`) is read as its parts at once, the time words
as a date range or a newest-first sort. Letters beside Chinese (``mingyuan合同``) are a name
in pinyin. A name part that matches no customer is reported (``plan.unknown``: the answer is
loose), unless it is one character or one sound away from a real name (``plan.corrections``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date

from indexer.analysis import FULL_WIDTH_TO_ASCII, fold, is_han, tokenize
from search_service.errors import QueryError
from search_service.query.lexicon import (BRAND, CUSTOMER, DOC_TYPE, EMPTY, INDUSTRIES,
                                          LEGAL_FORMS, ORG, Entity, Lexicon, is_company)
from search_service.query.parse import (ID_FIELDS, TEXT_FIELDS, normalize, pinyin_clause,
                                        plan_query, quoted_parts, word_clause)
from search_service.query.plan import (EXACT, PHRASE, PREFIX, Clause, Correction, Match,
                                       QueryPlan, Understood)
from search_service.query.segment import segment
from search_service.query.timewords import (TIME_WORDS, TimeWord, has_time_word,
                                            read_time_word, today_in)

# Inside an unquoted word: a year, an identifier (digits, 档号), other ASCII, a Han run.
_PIECE = re.compile(
    r"(?P<year>(?:19[89]\d|20\d\d)年)"
    r"|(?P<archive>[A-Za-z]\d{2,}(?:[-·.A-Za-z0-9]*)?)"
    r"|(?P<digits>\d+)"
    r"|(?P<ascii>[0-9A-Za-z][-0-9A-Za-z/.]*)"
    r"|(?P<han>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)"
)
ACCOUNT_PREFIX = re.compile(r"^\d{4,9}$")
# A 户号 typed with separators (spaces, dashes, dots) or full-width digits: 3301-000-123.
_TYPED_ACCOUNT = re.compile(r"^\d[\d\s\-.\u2010-\u2015\u3000\uff0d\uff0e]*\d$")
_ACCOUNT_DIGITS = range(4, 11)
_DATE_TYPED = re.compile(r"^(?:19|20)\d\d[-./ ](?:0?[1-9]|1[0-2])(?:[-./ ](?:0?[1-9]|[12]\d|3[01]))?$")
_PINYIN = re.compile(r"^[A-Za-z]{2,}$")
# Filter-like parts that are neither names nor words to match (time words, 户号 typed).
TIME = "date"  # Understood.field of a date range read from time words
SORT = "sort"  # Understood.field of a newest-first sort
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
    today: date | None = None  # time words are read against it (None: today in Asia/Shanghai)

    def day(self) -> date:
        return self.today or today_in()


@dataclass(frozen=True)
class Piece:
    text: str
    kind: str  # "word", "digits", "archive", "quoted", "time", "pinyin"
    entity: Entity | None = None


def understand(text: str, context: QueryContext | None = None) -> QueryPlan:
    """The plan for ``text`` as staff mean it; empty text means every document."""
    context = context or QueryContext()
    text = text.strip()
    cleaned = fold(normalize(text))
    if not text or pinyin_clause(cleaned) is not None:
        return plan_query(text)  # nothing to split: empty, or a name in pinyin
    pieces: list[Piece] = []
    boosts: list[Match] = []
    unknown: list[str] = []
    for run, quoted in quoted_parts(cleaned):
        found = [Piece(run, "quoted")] if quoted else split_run(run, context.lexicon)
        if len(found) > 1:
            boosts += [Match(f, tuple(tokenize(run)), PHRASE, WHOLE_BOOST) for f in TEXT_FIELDS]
        if not quoted and unknown_company(run, context.lexicon) and not any(
                not unknown_company(fixed, context.lexicon)
                for fixed in _corrected(run, found, context.lexicon)):
            unknown.append(run)
        pieces += found
    return _plan(text, pieces, boosts, context, tuple(unknown))


def split_run(run: str, lexicon: Lexicon) -> list[Piece]:
    """The parts of one unquoted word; a word inside a customer name stays whole."""
    if lexicon.in_a_name(run):
        return [Piece(run, "word", lexicon.entity(run))]
    pieces: list[Piece] = []
    start = 0
    for match in TIME_WORDS.finditer(run):  # time words first: 2022到2024年, 近三年
        pieces += _split_plain(run[start:match.start()], lexicon)
        pieces.append(Piece(match.group(), "time"))
        start = match.end()
    pieces += _split_plain(run[start:], lexicon)
    return pieces or [Piece(run, "word")]


def _split_plain(run: str, lexicon: Lexicon) -> list[Piece]:
    pieces: list[Piece] = []
    for match in _PIECE.finditer(run):
        value, kind = match.group(), match.lastgroup or "ascii"
        if kind == "han":
            pieces += [Piece(w, "word", lexicon.entity(w)) for w in segment(value, lexicon)]
        elif kind == "year":
            pieces.append(Piece(value, "word", lexicon.entity(value)))
        elif kind == "ascii" and _PINYIN.match(value) and pinyin_clause(value) is not None:
            pieces.append(Piece(value, "pinyin"))
        else:
            pieces.append(Piece(value, kind if kind != "ascii" else "word",
                                lexicon.entity(value) if kind == "digits" else None))
    return pieces


def _plan(text: str, pieces: list[Piece], boosts: list[Match],
          context: QueryContext, unknown: tuple[str, ...] = ()) -> QueryPlan:
    filters: dict[str, tuple[str, ...]] = {}
    understood: list[Understood] = []
    clauses: list[Clause] = []
    parts = len(pieces)
    if len(pieces) > 1:  # 公司 adds nothing beside a name (it stays in the phrase boost)
        pieces = [p for p in pieces if p.text not in LEGAL_FORMS] or pieces
    if len(pieces) > 1:  # a removed chip's words no longer narrow nor match
        pieces = [p for p in pieces if not (p.text in context.without and (
            p.kind == "time" or p.entity and p.entity.is_filter))] or pieces
    typed = any(p.entity is not None and p.entity.kind == DOC_TYPE for p in pieces)
    times = [read_time_word(p.text, context.day()) for p in pieces if p.kind == "time"]
    for piece in pieces:
        entity = piece.entity
        if piece.kind == "time" and (typed or not read_time_word(piece.text, context.day()).sort):
            continue
        if entity is not None and _as_filter(entity, parts, context):
            filters[entity.kind] = tuple(dict.fromkeys(filters.get(entity.kind, ()) + entity.values))
            understood += [Understood(entity.kind, v, piece.text) for v in entity.values]
            if entity.kind == DOC_TYPE:  # 合同 filters YK11 and YK12; titles saying it first
                boosts.append(Match("title", tuple(tokenize(piece.text)), PHRASE, WHOLE_BOOST))
            continue
        clause = piece_clause(piece, context.lexicon)
        if clause is not None:
            clauses.append(clause)
    when = _time_range(times, typed)
    understood += [Understood(SORT if t.sort else TIME, t.label, t.text) for t in when]
    if not clauses and not filters and not any(t.date_from or t.date_to for t in when):
        raise QueryError(f"检索式“{text}”中没有可检索的词")
    sort = next((t.sort for t in when if t.sort), "")
    names, guessed = _names(pieces, context.lexicon)
    named = [context.lexicon.accounts_named(p.text) for p in pieces
             if p.entity is not None and p.entity.kind == CUSTOMER]
    return QueryPlan(text=text, clauses=tuple(clauses),
                     require_all=len(clauses) <= 1 or bool(sort),
                     boosts=tuple(boosts) if clauses else (), filters=filters,
                     understood=tuple(understood),
                     date_from=max((t.date_from for t in when), default=""),
                     date_to=min((t.date_to for t in when if t.date_to), default=""),
                     sort=sort, names=names, corrections=guessed,
                     customer=named[0][0] if sort and len(named) == 1 and len(named[0]) == 1
                     else "",
                     unknown=unknown + _unknown(pieces, context.lexicon))


def _time_range(times: list[TimeWord], typed: bool) -> list[TimeWord]:
    """The time words that apply: every date range; a "latest" word only beside a document
    type (上次检查单); without one it is searched as a word."""
    return [t for t in times if not t.sort or typed]


def _names(pieces: list[Piece], lexicon: Lexicon) -> tuple[tuple[str, ...], tuple[Correction, ...]]:
    """The parts read as a customer's name, and the typos read as a real name."""
    names, corrections = [], []
    for piece in pieces:
        entity = piece.entity
        if piece.kind == "pinyin" or entity is not None and entity.kind in (CUSTOMER, BRAND):
            names.append(piece.text)
        elif piece.kind == "word" and entity is None and lexicon.in_a_name(piece.text) \
                and piece.text not in lexicon.regions and piece.text not in INDUSTRIES:
            names.append(piece.text)  # a region or industry alone names no one
        elif _name_like(piece, lexicon):
            meant = tuple(lexicon.similar(piece.text))
            if meant:
                names.append(meant[0])
                corrections.append(Correction(piece.text, meant))
    return tuple(dict.fromkeys(names)), tuple(corrections)


def _name_like(piece: Piece, lexicon: Lexicon) -> bool:
    """A Han word that names nothing this archive knows: a name no customer has, or a word
    of the documents' text (the search tells which:
    :func:`search_service.reading.search.unknown_parts`)."""
    text = piece.text
    return (piece.kind == "word" and piece.entity is None and len(text) >= 2
            and all(is_han(c) for c in text) and not lexicon.in_a_name(text)
            and text not in lexicon.regions and text not in INDUSTRIES
            and text not in LEGAL_FORMS)


def _unknown(pieces: list[Piece], lexicon: Lexicon) -> tuple[str, ...]:
    """Name-like parts no customer's name contains, and 户号 starts no customer has."""
    if not lexicon.customers:
        return ()
    found = [p.text for p in pieces if _name_like(p, lexicon)]
    found += [p.text for p in pieces if p.kind == "digits" and ACCOUNT_PREFIX.match(p.text)
              and not lexicon.has_account_prefix(p.text)]
    return tuple(found)


def _corrected(run: str, pieces: list[Piece], lexicon: Lexicon) -> list[str]:
    """``run`` with one typo corrected each way it can be (杭州明园纺织 → 杭州明远纺织)."""
    return [run.replace(p.text, meant) for p in pieces if p.kind == "word" and p.entity is None
            for meant in lexicon.similar(p.text)]


def unknown_company(run: str, lexicon: Lexicon) -> bool:
    """Whether ``run`` is written as a company name (…有限公司) that no customer has, even
    with 公司 for 有限公司: 杭州华丰机械有限公司 when there is none."""
    core = run
    for form in sorted(LEGAL_FORMS, key=len, reverse=True):
        if core.endswith(form) and len(core) > len(form) + 1:
            core = core[:-len(form)]
            break
    return bool(lexicon.customers) and is_company(run) and not lexicon.in_a_name(core)


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
    if piece.kind == "pinyin":
        return pinyin_clause(piece.text)
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
    (today's phrases), understood as its parts, then with the understood filters as words.
    A 户号 typed with separators has one reading; time words skip the one as written."""
    account = typed_account(text)
    if account:
        yield UNDERSTOOD, account_plan(text, account, context)
        return
    written = plan_query(text)
    understood = understand(text, context) if has_time_word(text) else None
    timed = understood is not None and bool(understood.date_from or understood.date_to
                                            or understood.sort)
    if not timed:  # time words read as dates are never searched as words
        yield AS_WRITTEN, written
    if written.is_empty:
        return
    understood = understood or understand(text, context)
    if _searches_alike(understood, written):
        return
    yield UNDERSTOOD, understood
    wider = relaxed(understood, context)
    if wider is not None and wider != understood:
        yield AS_WORDS, wider


def _searches_alike(a: QueryPlan, b: QueryPlan) -> bool:
    """Whether two plans find the same documents in the same order (what they report aside)."""
    return replace(a, names=(), unknown=(), corrections=()) == b


def typed_account(text: str) -> str:
    """The digits of a 户号 (or its start) typed with separators or full-width digits
    (``3301 0001 23``, ``3301-000-123``, ``３３０１…``); "" for anything else."""
    folded = text.strip().translate(FULL_WIDTH_TO_ASCII).replace("\u3000", " ")
    if folded == text.strip() and folded.isdigit() or not _TYPED_ACCOUNT.match(folded) \
            or _DATE_TYPED.match(folded):  # 2023-05-12 is a date, searched as written
        return ""
    digits = re.sub(r"\D", "", folded)
    return digits if len(digits) in _ACCOUNT_DIGITS else ""


def account_plan(text: str, digits: str, context: QueryContext | None = None) -> QueryPlan:
    """Only the 户号 field, exact above prefix: nothing else may come first."""
    lexicon = (context or QueryContext()).lexicon
    clause = Clause(text, (Match("account_no", (digits,), EXACT, EXACT_BOOST),
                           Match("account_no", (digits,), PREFIX)))
    known = not lexicon.customers or lexicon.has_account_prefix(digits)
    return QueryPlan(text=text, clauses=(clause,), account=digits,
                     unknown=() if known else (digits,))


def relaxed(plan: QueryPlan, context: QueryContext | None = None) -> QueryPlan | None:
    """The plan with every understood filter turned back into words (None: nothing to relax):
    what to run when the understood reading finds nothing."""
    if not plan.understood:
        return None
    context = context or QueryContext()
    plain = context.plain | {u.text for u in plan.understood}
    return understand(plan.text, replace(context, plain=frozenset(plain)))


__all__ = ["AS_WORDS", "AS_WRITTEN", "ID_FIELDS", "ORG", "SORT", "TIME", "UNDERSTOOD",
           "QueryContext", "account_plan", "readings", "relaxed", "split_run", "typed_account",
           "understand"]
