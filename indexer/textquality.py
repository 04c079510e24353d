"""Is an extracted text layer real text, or garbage to be treated like a scan?

Fonts without a ToUnicode map extract as control characters, U+FFFD, private-use characters,
or plausible-looking but wrong Chinese (rare characters in a row). See SEARCH-NOTES.md.
"""

from __future__ import annotations

import unicodedata

MAX_BAD_SHARE = 0.05  # control, replacement and private-use characters
MIN_COMMON_HAN_SHARE = 0.7  # Han characters that GB2312 (the 6,763 common ones) can encode
MIN_CHARS = 8  # below this, judge nothing: a page number is not garbage


def is_garbled(text: str) -> bool:
    """True when ``text`` does not look like words a person wrote."""
    chars = [c for c in text if not c.isspace()]
    if len(chars) < MIN_CHARS:
        return False
    bad = sum(1 for c in chars if _is_bad(c))
    if bad > MAX_BAD_SHARE * len(chars):
        return True
    han = [c for c in chars if _is_han(c)]
    if len(han) >= MIN_CHARS:
        common = sum(1 for c in han if _in_gb2312(c))
        if common < MIN_COMMON_HAN_SHARE * len(han):
            return True
    mojibake = sum(1 for c in chars if "\u0080" <= c <= "\u00ff")  # GBK read as Latin-1
    return mojibake > 0.3 * len(chars)


def _is_bad(char: str) -> bool:
    category = unicodedata.category(char)
    return char == "\ufffd" or category in ("Cc", "Co", "Cs", "Cn")


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\U00020000" <= char <= "\U0003134f"


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True
