"""Is an extracted text layer real text, or garbage to be treated like a scan?

Judged by what the text is, not by one character set (SEARCH-NOTES.md):

- control, replacement and private-use characters (a font without a ToUnicode map);
- glyph names instead of characters (``/G21/G22``, ``(cid:12)``, ``uni4E2D``: fonts of
  typesetting systems such as 方正书版, common in national standards);
- plausible-looking but wrong Han characters: rare ones in a row that no national standard
  character set of everyday writing (GB2312, Big5, JIS X 0208, KS X 1001) contains, while
  genuine 繁體, Japanese or Korean text passes;
- GBK bytes read as Latin-1 (mojibake).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MAX_BAD_SHARE = 0.05  # control, replacement and private-use characters
MAX_GLYPH_NAME_SHARE = 0.3  # of the non-space characters spelling glyph names
MIN_COMMON_HAN_SHARE = 0.7  # Han characters of everyday writing (any national standard set)
MIN_CHARS = 8  # below this, judge nothing: a page number is not garbage
_EVERYDAY_SETS = ("gb2312", "big5", "euc_jp", "euc_kr")
_GLYPH_NAMES = re.compile(r"/[A-Za-z]{1,5}\d{1,5}|\(cid:\d+\)|\buni[0-9A-F]{4,6}\b|\bglyph\d+\b")


def is_garbled(text: str) -> bool:
    """True when ``text`` does not look like words a person wrote."""
    chars = [c for c in text if not c.isspace()]
    if len(chars) < MIN_CHARS:
        return False
    bad = sum(1 for c in chars if _is_bad(c))
    if bad > MAX_BAD_SHARE * len(chars):
        return True
    named = sum(len(m.group()) for m in _GLYPH_NAMES.finditer(text))
    if named > MAX_GLYPH_NAME_SHARE * len(chars):
        return True
    han = [c for c in chars if _is_han(c)]
    if len(han) >= MIN_CHARS:
        everyday = sum(1 for c in han if _everyday(c))
        if everyday < MIN_COMMON_HAN_SHARE * len(han):
            return True
    mojibake = sum(1 for c in chars if "\u0080" <= c <= "\u00ff")  # GBK read as Latin-1
    return mojibake > 0.3 * len(chars)


def _is_bad(char: str) -> bool:
    category = unicodedata.category(char)
    return char == "\ufffd" or category in ("Cc", "Co", "Cs", "Cn")


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\U00020000" <= char <= "\U0003134f"


@lru_cache(maxsize=65536)
def _everyday(char: str) -> bool:
    """In a character set of everyday writing in China, Taiwan/Hong Kong, Japan or Korea."""
    for encoding in _EVERYDAY_SETS:
        try:
            char.encode(encoding)
        except UnicodeEncodeError:
            continue
        return True
    return False
