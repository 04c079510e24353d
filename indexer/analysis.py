"""The Chinese analyzer shared by indexing and querying.

Han text is indexed as overlapping character bigrams (a lone Han character as a unigram),
the approach of Lucene's ``cjk_bigram``: every substring of two or more characters is then
findable, phrases match adjacent text, and each token carries its ordinal position and exact
character offsets so highlighting marks the matched text. Whitespace between two Han
characters is transparent (PDF extraction breaks lines mid-word). Runs of ASCII letters and
digits (户号 3301234567, S11-M-630, 10kV) become single lowercased tokens. Full-width ASCII
is folded to half-width character by character, so offsets stay true. Look-alike code points
(Kangxi and supplement radicals such as ⻧ for 卤, compatibility ideographs) are read as the
ideograph they stand for (:func:`fold_lookalikes`), and traditional Han characters as
simplified ones (萬順電業 → 万顺电业) with OpenCC's character table, each one character for
one, at indexing and at query time (:func:`fold`), so either form finds the other.

This module's import path is pickled into every index: do not rename or move it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import Token, Tokenizer

def is_han(ch: str) -> bool:
    """True for CJK unified ideographs (basic block, extension A, compatibility)."""
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF


_HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE_CLASS = " \t\r\n\f\v\u3000\u00a0"
_WORD_CLASS = "0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"  # with full-width forms
_RUNS = re.compile(
    f"(?P<han>[{_HAN_CLASS}](?:[{_SPACE_CLASS}]*[{_HAN_CLASS}])*)|(?P<word>[{_WORD_CLASS}]+)"
)
_SPACE_RE = re.compile(f"[{_SPACE_CLASS}]")
_SPACES = frozenset(_SPACE_CLASS)
# str.translate table folding full-width ASCII (Ａ１) to half-width, one character for one.
FULL_WIDTH_TO_ASCII = {c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}


# CJK Radicals Supplement forms that stand for a whole ideograph (Unicode's
# EquivalentUnifiedIdeograph.txt; NFKC maps only two of them). Pairs: radical, ideograph.
_RADICAL_SUPPLEMENT = (
    "⺁厂⺅亻⺆冂⺉刂⺊卜⺎兀⺏尣⺐尢⺒巳⺓幺⺔彑⺖忄⺘扌⺙攵⺛旡⺝月⺞歺⺠民⺡氵⺢氺⺣灬⺤爫⺦丬⺨犭"
    "⺩王⺪疋⺫罒⺬示⺭礻⺯糸⺰纟⺲罒⺳罓⺹耂⺺肀⺼月⺾艹⺿艹⻀艹⻁虎⻂衤⻃覀⻄西⻅见⻆角⻈讠⻉贝"
    "⻋车⻌辶⻍辶⻎辶⻏阝⻐钅⻑長⻒镸⻓长⻔门⻖阝⻗雨⻘青⻙韦⻚页⻛风⻜飞⻝食⻟飠⻠饣⻢马⻣骨"
    "⻤鬼⻥鱼⻦鸟⻧卤⻨麦⻩黄⻪黾⻫斉⻬齐⻭歯⻮齿⻯竜⻰龙⻱龜⻲亀"
)


def _lookalike_table() -> dict[int, str]:
    """Code point to ideograph: every radical and compatibility ideograph whose NFKC form is one
    character, then the radical supplement table."""
    table = {}
    for low, high in ((0x2E80, 0x2EFF), (0x2F00, 0x2FDF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)):
        for code in range(low, high + 1):
            folded = unicodedata.normalize("NFKC", chr(code))
            if len(folded) == 1 and folded != chr(code):
                table[code] = folded
    pairs = _RADICAL_SUPPLEMENT
    table.update({ord(pairs[i]): pairs[i + 1] for i in range(0, len(pairs), 2)})
    return table


_LOOKALIKES = _lookalike_table()
# the blocks the table draws from, as ranges: a search for a range is fast, for a class of
# 1,300 single characters it costs as much as tokenizing
_LOOKALIKE_RE = re.compile("[\u2e80-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")


def fold_lookalikes(text: str) -> str:
    """``text`` with look-alike code points as the ideograph they stand for (⻧代烃 → 卤代烃,
    分⼦式 → 分子式), one character for one so offsets stay true; used at indexing and at
    query time through :func:`raw_tokens` and :func:`token_text`."""
    return _LOOKALIKE_RE.sub(_fold_one, text)


def _fold_one(match: re.Match[str]) -> str:
    char = match.group()
    return _LOOKALIKES.get(ord(char), char)


_CJK_BLOCKS = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))


@lru_cache(maxsize=1)
def _t2s() -> tuple[dict[int, str], re.Pattern[str]]:
    """OpenCC's traditional → simplified mapping of single Han characters (one character
    for one), and a pattern finding any of them. Built once per process (~10 ms)."""
    import opencc

    chars = [chr(c) for lo, hi in _CJK_BLOCKS for c in range(lo, hi)]
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    table = {ord(a): b for a, b in zip(chars, converted)
             if a != b and len(b) == 1 and is_han(b)}
    found = re.compile("[" + "".join(chr(c) for c in sorted(table)) + "]")
    return table, found


def fold(text: str) -> str:
    """``text`` with look-alike code points as their ideographs and traditional Han characters
    as simplified ones, character for character (offsets stay true)."""
    text = fold_lookalikes(text)
    table, found = _t2s()
    return text.translate(table) if found.search(text) else text


def _word(run: str) -> str:
    """A run of letters and digits as its token (full-width folded, lowercased)."""
    return (run if run.isascii() else run.translate(FULL_WIDTH_TO_ASCII)).lower()


def raw_tokens(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield ``(token_text, startchar, endchar)`` in order; the basis of the tokenizer.

    A regular expression finds the runs (in C); only Han runs are walked in Python. Token
    texts are folded (:func:`fold`); offsets are those of ``text``.
    """
    text = fold(text)
    for match in _RUNS.finditer(text):
        start, end = match.span()
        if match.lastgroup == "word":
            yield _word(match.group()), start, end
        elif end - start == 1:
            yield text[start], start, end
        elif not _SPACE_RE.search(match.group()):
            for i in range(start, end - 1):
                yield text[i:i + 2], i, i + 2
        else:
            chars = [start + k for k, ch in enumerate(match.group()) if ch not in _SPACES]
            if len(chars) == 1:
                yield text[chars[0]], chars[0], chars[0] + 1
            for a, b in zip(chars, chars[1:]):
                yield text[a] + text[b], a, b + 1


class BigramTokenizer(Tokenizer):
    """Whoosh tokenizer over :func:`raw_tokens` with ordinal positions and character offsets."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        for pos, (text, start, end) in enumerate(raw_tokens(value), start_pos):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = text
            if positions:
                token.pos = pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


def ChineseAnalyzer() -> BigramTokenizer:  # noqa: N802 - named like Whoosh's analyzer factories
    """The analyzer for every full-text field, at index and at query time."""
    return BigramTokenizer()


def tokenize(text: str) -> list[str]:
    """Token texts of ``text`` (for tests and query analysis)."""
    return [t for t, _, _ in raw_tokens(text)]


def token_text(text: str) -> str:
    """The token texts of ``text`` joined by spaces, as :func:`tokenize` finds them (what an
    engine indexing token streams is sent). A short text (a name, an address, a title: a
    customer's documents share them) is analysed once per process."""
    if len(text) <= _CACHED_LENGTH:
        return _short_token_text(text)
    return _token_text(text)


_CACHED_LENGTH = 64
# Whitespace between two Han characters (transparent); starts with the rare class, so the
# search skips the text at C speed.
_HAN_GAP = re.compile(f"[{_SPACE_CLASS}](?<=[{_HAN_CLASS}][{_SPACE_CLASS}])[{_SPACE_CLASS}]*"
                      f"(?=[{_HAN_CLASS}])")
_HAN_OR_WORD = re.compile(f"([{_HAN_CLASS}]+)|([{_WORD_CLASS}]+)")


def _token_text(text: str) -> str:
    """:func:`token_text` computed: runs found by one ``findall`` (no match objects), a Han
    run's bigrams made by ``map`` and joined once for the whole text."""
    tokens: list[str] = []
    for han, word in _HAN_OR_WORD.findall(_HAN_GAP.sub("", fold(text))):
        if not han:
            tokens.append(_word(word))
        elif len(han) == 1:
            tokens.append(han)
        else:
            tokens.extend(map(str.__add__, han[:-1], han[1:]))
    return " ".join(tokens)


_short_token_text = lru_cache(maxsize=65_536)(_token_text)
