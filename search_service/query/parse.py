"""From query text to a :class:`QueryPlan`, as written: words separated by spaces, quoted
phrases, identifiers, and names typed in pinyin.

Each word (or quoted phrase) is one clause; a document must match all of them. A clause
matches a word as a phrase of the analyzer's tokens in any full-text search field, or as the
whole value of an identifier field (户号, 档号). An all-letters query also matches customer
names in pinyin (full syllables or initials).
"""

from __future__ import annotations

import re

from indexer.analysis import tokenize
from indexer.pinyin import pinyin_matches
from indexer.schema import SEARCH_FIELDS
from search_service.errors import QueryError
from search_service.query.plan import EXACT, PHRASE, Clause, Match, QueryPlan

# Identifier fields are matched whole; the others through the analyzer's tokens.
ID_FIELDS = ("account_no", "archive_no")
TEXT_FIELDS = tuple(f for f in SEARCH_FIELDS if f not in ID_FIELDS)

# Chinese and full-width punctuation separates words in a query ("明远，纺织"). Chinese
# quotation marks quote a phrase like ASCII ones; the middle dot of 档号 (YX·2023) is kept.
_QUERY_QUOTES = str.maketrans({c: '"' for c in "“”「」＂"})
_QUERY_PUNCTUATION = re.compile(r"[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40"
                                r"\uff5b-\uff65\u2012-\u2027]+")
_PART = re.compile(r'"([^"]*)"?|(\S+)')


def normalize(text: str) -> str:
    """The query with Chinese quotes made ASCII and punctuation turned into spaces."""
    return _QUERY_PUNCTUATION.sub(" ", text.translate(_QUERY_QUOTES)).strip()


def split_words(text: str) -> list[str]:
    """The words and quoted phrases of a normalized query, in order."""
    return [m.group(1) if m.group(1) is not None else m.group(2)
            for m in _PART.finditer(text) if (m.group(1) or m.group(2) or "").strip()]


def word_clause(word: str) -> Clause | None:
    """One word or phrase over every search field; None when it has nothing to search."""
    tokens = tuple(tokenize(word))
    alternatives = [Match(field, tokens) for field in TEXT_FIELDS] if tokens else []
    value = word.strip()
    if value and " " not in value and '"' not in value:
        alternatives += [Match(field, (value,), EXACT) for field in ID_FIELDS]
    return Clause(word, tuple(alternatives)) if alternatives else None


def pinyin_clause(text: str) -> Clause | None:
    """The whole query as a name in pinyin, or None when it is not letters only."""
    matches = pinyin_matches(text)
    if not matches:
        return None
    tokens = tuple(tokenize(text))
    alternatives = [Match(field, tuple(t)) for field, t in matches]
    alternatives += [Match(field, tokens) for field in TEXT_FIELDS]
    return Clause(text, tuple(alternatives))


def plan_query(text: str) -> QueryPlan:
    """The plan of ``text`` as written; empty text means every document."""
    text = text.strip()
    if not text:
        return QueryPlan()
    cleaned = normalize(text)
    by_pinyin = pinyin_clause(cleaned)
    if by_pinyin is not None:
        return QueryPlan(text=text, clauses=(by_pinyin,))
    clauses = tuple(c for c in map(word_clause, split_words(cleaned)) if c is not None)
    if not clauses:
        raise QueryError(f"检索式“{text}”中没有可检索的词")
    return QueryPlan(text=text, clauses=clauses)


__all__ = ["ID_FIELDS", "PHRASE", "TEXT_FIELDS", "normalize", "plan_query", "split_words",
           "word_clause"]
