"""Pinyin for customer names: clerks often type 户名 in pinyin (mingyuan, hzmy).

Names only, never document bodies. A name is indexed twice in pinyin: as full syllables
(``ming yuan``) and as bigrams of syllable initials (``hz zm my``), both with ordinal
positions, so a query in full pinyin or in initials is a phrase query, like the Han bigrams.
A polyphonic surname (曾 zeng/ceng, 单 shan/dan) gets every reading at the same position.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import Token, Tokenizer

from indexer.analysis import is_han

FULL_FIELD = "name_pinyin"
INITIALS_FIELD = "name_initials"
_ASCII_QUERY = re.compile(r"^[a-z]+(?: [a-z]+)*$")
_MIN_INITIALS = 2


def readings(name: str) -> list[list[str]]:
    """Per Han character of ``name``, its readings (context-aware; every reading for the first)."""
    from pypinyin import Style, lazy_pinyin, pinyin

    han = "".join(ch for ch in name if is_han(ch))
    if not han:
        return []
    main = lazy_pinyin(han, style=Style.NORMAL, errors="ignore")
    if len(main) != len(han):  # a character pypinyin does not know: fall back to one by one
        main = [(lazy_pinyin(ch, style=Style.NORMAL) or [""])[0] for ch in han]
    first = pinyin(han[0], heteronym=True, style=Style.NORMAL)[0]
    alternatives = [[main[0], *[p for p in first if p != main[0]]]]
    return [r for r in alternatives + [[p] for p in main[1:]] if r[0]]


class _PositionedTokenizer(Tokenizer):
    """Emit ``(texts at one position)`` lists from :meth:`positions` as Whoosh tokens."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def positions(self, value: str) -> list[list[str]]:
        raise NotImplementedError

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs: object) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, texts in enumerate(self.positions(value) if tokenize else [[value]], start_pos):
            for text in texts:
                token.text, token.boost, token.stopped = text, 1.0, False
                if positions:
                    token.pos = pos
                if chars:
                    token.startchar = token.endchar = start_char
                yield token


class FullPinyinTokenizer(_PositionedTokenizer):
    """``杭州明远`` → hang | zhou | ming | yuan."""

    def positions(self, value: str) -> list[list[str]]:
        return readings(value)


class InitialsTokenizer(_PositionedTokenizer):
    """``杭州明远`` → hz | zm | my (bigrams of initials; alternatives for the surname)."""

    def positions(self, value: str) -> list[list[str]]:
        letters = [sorted({r[0] for r in options}) for options in readings(value)]
        return [sorted({a + b for a in left for b in right})
                for left, right in zip(letters, letters[1:])]


@lru_cache(maxsize=1)
def syllables() -> frozenset[str]:
    """Every toneless pinyin syllable pypinyin knows (ü written v)."""
    from pypinyin.pinyin_dict import pinyin_dict

    found = set()
    for marked in pinyin_dict.values():
        for reading in marked.split(","):
            plain = unicodedata.normalize("NFD", reading.replace("ü", "v"))
            found.add("".join(c for c in plain if not unicodedata.combining(c)))
    return frozenset(s for s in found if s.isalpha() and s.isascii())


def split_syllables(text: str) -> list[str] | None:
    """Split ``mingyuan`` into ``[ming, yuan]`` (fewest syllables), or None if it is not pinyin."""
    known = syllables()
    best: list[list[str] | None] = [[]] + [None] * len(text)
    for end in range(1, len(text) + 1):
        for start in range(max(0, end - 6), end):
            head = best[start]
            if head is not None and text[start:end] in known:
                if best[end] is None or len(head) + 1 < len(best[end]):
                    best[end] = head + [text[start:end]]
    return best[-1]


def pinyin_matches(text: str) -> list[tuple[str, list[str]]]:
    """For an all-letters query, the pinyin fields and the tokens to match there as a phrase
    (full syllables, and bigrams of initials); empty for anything else."""
    text = text.strip().lower()
    if not _ASCII_QUERY.match(text):
        return []
    found: list[tuple[str, list[str]]] = []
    full = split_syllables(text.replace(" ", ""))
    if full and len(full) >= 2:
        found.append((FULL_FIELD, full))
    letters = text.replace(" ", "")
    if _MIN_INITIALS <= len(letters) <= 8:
        found.append((INITIALS_FIELD, [letters[i:i + 2] for i in range(len(letters) - 1)]))
    return found
