"""Record values as the engines beside Whoosh hold them, shared so they index the same.

Whoosh analyzes a record itself (:mod:`indexer.analysis`, :mod:`indexer.pinyin`); Manticore
and tantivy are handed the same analyzer tokens pre-split by spaces (Han bigrams, words,
pinyin syllables), so a phrase over adjacent tokens matches exactly what the Whoosh phrase
over the same tokens matches. Dates become numbers compared as Whoosh compares the strings.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from indexer.analysis import token_text
from indexer.pinyin import FullPinyinTokenizer, InitialsTokenizer
from indexer.schema import MULTI_FACETS
from search_service.errors import QueryError

if TYPE_CHECKING:
    from search_service.engines.base import SearchRequest

# Between the alternative readings of a name in pinyin: never a query token, so no phrase
# spans two readings.
READING_BREAK = "zzzreadingbreak"
_MAX_READINGS = 8


def pinyin_text(tokenizer: Any, name: str) -> str:
    """Every reading of ``name`` as a token sequence, the readings kept apart by a break."""
    positions = tokenizer.positions(name)
    readings = itertools.islice(itertools.product(*positions), _MAX_READINGS) if positions else []
    return f" {READING_BREAK} ".join(" ".join(r) for r in readings)


@lru_cache(maxsize=8192)
def name_in_pinyin(name: str) -> tuple[str, str]:
    """The name_pinyin and name_initials texts of a customer name (a customer's documents
    share it, and pypinyin is the slowest step of projecting a record)."""
    return pinyin_text(FullPinyinTokenizer(), name), pinyin_text(InitialsTokenizer(), name)


# A record's text fields as the analyzer's token texts (:func:`analysed`), when computed
# before the record reached its engine (a rebuild analyses in a worker process).
ANALYSED = "analysed"
ANALYSED_FIELDS = ("customer_name", "title", "content", "address", "name_pinyin",
                   "name_initials")


def analysed(record: Mapping[str, Any]) -> dict[str, str]:
    """The token text of each of :data:`ANALYSED_FIELDS` of ``record`` (Han bigrams and
    words; the customer name in pinyin): what tantivy and Manticore index; the record's own
    when it carries them (:data:`ANALYSED`)."""
    if ANALYSED in record:
        return record[ANALYSED]
    texts = {f: token_text(str(record.get(f) or "")) for f in ANALYSED_FIELDS[:4]}
    texts["name_pinyin"], texts["name_initials"] = name_in_pinyin(
        str(record.get("customer_name") or ""))
    return texts


def values_of(field: str, value: Any) -> list[str]:
    """A record's non-empty values of ``field`` (a multi-valued one as a list or as its
    space-separated string attribute)."""
    if field in MULTI_FACETS:
        return [str(v) for v in (value.split() if isinstance(value, str) else value or ()) if v]
    return [str(value)] if value else []


def date_number(value: str) -> int:
    """``2023-05-01`` as 20230501; 0 for no date."""
    digits = value.replace("-", "")
    return int(digits) if len(digits) == 8 and digits.isdigit() else 0


def date_bounds(date_from: str, date_to: str) -> tuple[int, int] | None:
    """``doc_date`` between the bounds (inclusive, compared as the strings Whoosh compares)
    as a range of :func:`date_number` values; None when neither bound is given."""
    if not (date_from or date_to):
        return None
    low = date_number(_pad(date_from, "0")) if date_from else 1
    high = date_number(_pad(date_to, "9")) if date_to else 99999999
    if date_to and len(date_to.replace("-", "")) < 8:
        high = date_number(_pad(date_to, "0")) - 1  # "2023" sorts before "2023-01-01"
    if date_from and not low or date_to and not high:
        raise QueryError("日期格式应为 YYYY-MM-DD")
    return max(low, 1), high


def _pad(value: str, digit: str) -> str:
    digits = value.replace("-", "")
    return digits + digit * (8 - len(digits)) if digits.isdigit() and len(digits) <= 8 else ""


def filter_values(request: "SearchRequest", fields: Collection[str],
                  skip: str | None = None) -> list[tuple[str, tuple[str, ...]]]:
    """The request's filters understood from the query, then the user's but the one on
    ``skip`` (multi-select facets): (field, values), every field one of ``fields``."""
    user = [(n, v) for n, v in request.filters.items() if n != skip]
    found = [(name, tuple(values)) for name, values in [*request.plan.filters.items(), *user]
             if values]
    unknown = [name for name, _ in found if name not in fields]
    if unknown:
        raise QueryError(f"不支持按“{unknown[0]}”筛选")
    return found
