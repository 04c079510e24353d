"""The customers closest to a name that matches none: "您是不是要找" after a loose answer.

Similarity by characters (shared characters, in order), by sound (shared pinyin syllables)
and by edit distance, over the customers' names and brands; only customers of the units the
user may read are ever named.
"""

from __future__ import annotations

from collections.abc import Collection
from difflib import SequenceMatcher

from indexer.analysis import fold
from search_service.query.lexicon import CustomerEntry, Lexicon

MAX_CLOSEST = 5
MIN_SIMILARITY = 0.34


def _sound(text: str) -> list[str]:
    from indexer.pinyin import readings

    return [r[0] for r in readings(text)]


def similarity(typed: str, name: str) -> float:
    """0..1: the best of character overlap (edit-distance ratio) and pinyin overlap of
    ``typed`` against ``name`` or any same-length window of it."""
    typed, name = fold(typed), fold(name)
    windows = {name[i:i + len(typed)] for i in range(max(1, len(name) - len(typed) + 1))}
    chars = max(SequenceMatcher(None, typed, w).ratio() for w in windows)
    sound = _sound(typed)
    if not sound:
        return chars
    sounds = max(SequenceMatcher(None, sound, _sound(w)).ratio() for w in windows)
    return max(chars, sounds * 0.9)  # the same sound ranks just below the same characters


def closest(lexicon: Lexicon, typed: str, units: Collection[str] | None,
            accounts: Collection[str] = ()) -> list[CustomerEntry]:
    """Up to :data:`MAX_CLOSEST` customers most like ``typed`` (a name or a 户号), of
    ``units`` (None: all) or ``accounts``."""
    allowed = None if units is None else set(units)
    scored = []
    for customer in lexicon.customers:
        if allowed is not None and customer.org not in allowed and customer.account_no not in accounts:
            continue
        if typed.isdigit():
            score = SequenceMatcher(None, typed, customer.account_no[:len(typed)]).ratio()
        else:
            brand = lexicon.brands.get(customer.account_no, "")
            score = max(similarity(typed, customer.name), similarity(typed, brand) if brand else 0)
        if score >= MIN_SIMILARITY:
            scored.append((-score, customer.account_no, customer))
    return [c for _, _, c in sorted(scored)[:MAX_CLOSEST]]
