"""Snippets with the matched text marked exactly.

The query's terms and phrases are turned into regular expressions over the case-folded text
that match what the analyzer would match (Han characters with optional whitespace between
them, whole ASCII words), so marking costs one regex scan per hit instead of re-tokenizing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from whoosh import query as wq

from indexer.analysis import FULL_WIDTH_TO_ASCII, fold, is_han, raw_tokens
from search_service.access.masking import LONGEST_NUMBER, mask_marked, numbers_in

_WORD = r"0-9a-z"
_TOKEN_CHARS = _WORD + r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_GAP = rf"[^{_TOKEN_CHARS}]*?"
# Full-width letters and digits (Ａ１): folded for matching. Full-width punctuation (the ：
# of every 户号：) is left alone, as it is no part of any match: translating a text costs a
# mapping lookup per character (20 µs for a 1 KB document), this scan under 1 µs.
_FULL_WIDTH_WORD = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def fold_text(text: str) -> str:
    """Lowercase, fold full-width letters and digits and traditional characters (萬 → 万, as
    the analyzer does) without changing the text's length."""
    folded = fold(text)
    if _FULL_WIDTH_WORD.search(folded):
        folded = folded.translate(FULL_WIDTH_TO_ASCII)
    lowered = folded.lower()
    return lowered if len(lowered) == len(folded) else "".join(
        c.lower() if len(c.lower()) == 1 else c for c in folded
    )


def phrases_of(query: wq.Query, text_fields: Iterable[str]) -> list[tuple[str, ...]]:
    """Token sequences to mark: each Phrase's words, each Term's text, from ``text_fields``."""
    fields = set(text_fields)
    found: list[tuple[str, ...]] = []
    for leaf in _leaves(query):
        if isinstance(leaf, wq.Phrase) and leaf.fieldname in fields:
            found.append(tuple(leaf.words))
        elif isinstance(leaf, wq.Term) and leaf.fieldname in fields:
            text = leaf.text.decode() if isinstance(leaf.text, bytes) else str(leaf.text)
            found.append(tuple(t for t, _, _ in raw_tokens(text)) or (text,))
    return list(dict.fromkeys(found))


def _leaves(query: wq.Query) -> Iterable[wq.Query]:
    if isinstance(query, wq.Not):
        return
    if isinstance(query, wq.Phrase) or query.is_leaf():
        yield query
        return
    for child in query.children():
        yield from _leaves(child)


def phrase_pattern(tokens: Sequence[str]) -> str:
    """A regex matching the tokens in order, as the analyzer would have produced them."""
    parts: list[str] = []
    previous = ""
    for token in tokens:
        if previous and is_han(previous[-1]) and len(previous) == 2 and token[0] == previous[-1]:
            parts.append(_han_chars(token[1:], leading_gap=True))
        else:
            if parts:
                parts.append(_GAP)
            parts.append(_han_chars(token) if is_han(token[0]) else _word(token))
        previous = token
    return "".join(parts)


def _han_chars(chars: str, leading_gap: bool = False) -> str:
    joined = r"\s*".join(re.escape(c) for c in chars)
    return (r"\s*" + joined) if leading_gap and chars else joined


def _word(token: str) -> str:
    return rf"(?<![{_WORD}]){re.escape(token)}(?![{_WORD}])"


def compile_phrases(phrases: Sequence[tuple[str, ...]]) -> re.Pattern[str] | None:
    if not phrases:
        return None
    patterns = sorted((phrase_pattern(p) for p in phrases if p), key=len, reverse=True)
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def match_spans(text: str, pattern: re.Pattern[str] | None) -> list[tuple[int, int]]:
    """Merged character spans of every match in ``text``."""
    if pattern is None:
        return []
    spans: list[tuple[int, int]] = []
    for m in pattern.finditer(fold_text(text)):
        if m.end() == m.start():
            continue
        if spans and m.start() <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], m.end()))
        else:
            spans.append((m.start(), m.end()))
    return spans


def snippet(text: str, pattern: re.Pattern[str] | None, width: int = 120,
            masked: bool = False, numbers: str = "") -> str:
    """An HTML fragment of about ``width`` characters around the densest matches.

    Matches are wrapped in ``<mark>``; everything else is HTML-escaped. ``masked``: the whole
    text is masked before the window is cut, so a window starting or ending inside a
    number cannot keep digits the mask hides; ``numbers``: the text's
    :func:`~search_service.access.masking.numbers_record` from the catalog, if it has one
    (else the window's surroundings are searched for numbers).
    """
    spans = match_spans(text, pattern)
    start = _window_start(spans, width)
    end = min(len(text), start + width)
    if masked:
        found = numbers_in(text, numbers) if numbers else None
        text, spans = (_masked_window(text, spans, start, end) if found is None else
                       mask_marked(text, spans, found))  # exactly the text masked whole
    inside = [(max(s, start), min(e, end)) for s, e in spans if s < end and e > start]
    out: list[str] = ["…" if start > 0 else ""]
    cursor = start
    for s, e in inside:
        out.append(_plain(text[cursor:s]))
        out.append(f"<mark>{_plain(text[s:e])}</mark>")
        cursor = e
    out.append(_plain(text[cursor:end]))
    out.append("…" if end < len(text) else "")
    return "".join(out)


def mark_all(text: str, pattern: re.Pattern[str] | None, masked: bool = False) -> str:
    """The whole text HTML-escaped with every match marked (document view), masked first
    if ``masked``."""
    text, spans = _marked(text, pattern, masked)
    out, cursor = [], 0
    for s, e in spans:
        out.append(html.escape(text[cursor:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        cursor = e
    out.append(html.escape(text[cursor:]))
    return "".join(out)


def _marked(text: str, pattern: re.Pattern[str] | None, masked: bool
            ) -> tuple[str, list[tuple[int, int]]]:
    """The text to show and its matches: found in the text as stored, then, for a masked
    reader, the text masked whole (same length, same offsets) and the marks it allows."""
    spans = match_spans(text, pattern)
    return mask_marked(text, spans) if masked else (text, spans)


def _masked_window(text: str, spans: list[tuple[int, int]], start: int, end: int
                   ) -> tuple[str, list[tuple[int, int]]]:
    """The text with ``[start, end)`` masked as the whole text would be, and the marks that
    may be shown: the window and a margin any number overlapping it fits in are masked
    together (a long document is not masked whole for a 120-character snippet)."""
    low, high = max(0, start - LONGEST_NUMBER), min(len(text), end + LONGEST_NUMBER)
    piece, kept = mask_marked(text[low:high], [(s - low, e - low) for s, e in spans
                                               if s < high and e > low])
    return text[:low] + piece + text[high:], [(s + low, e + low) for s, e in kept]


def _window_start(spans: list[tuple[int, int]], width: int) -> int:
    """Start of the window holding the most matches, with a little context before it."""
    if not spans:
        return 0
    best, best_count, j = spans[0][0], 0, 0
    for i, (s, _) in enumerate(spans):
        while j < len(spans) and spans[j][0] < s + width - 20:
            j += 1
        if j - i > best_count:
            best, best_count = s, j - i
    return max(0, best - 20)


_WHITESPACE = re.compile(r"\s+")


def _plain(text: str) -> str:
    return html.escape(_WHITESPACE.sub(" ", text))


def terminal_marks(fragment: str) -> str:
    """A snippet for a terminal: marks as 【】, entities unescaped."""
    return html.unescape(fragment.replace("<mark>", "【").replace("</mark>", "】"))
