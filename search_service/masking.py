"""Masking of personal data (PIPL art. 28) wherever it leaves the service.

    身份证号 / 统一社会信用代码   110105********1234   (first 6, last 4)
    mobile number               138****5678          (first 3, last 4)
    bank account (16-19 digits)  ***************1234  (last 4)

Every mask keeps the text's length (one ``*`` per hidden character), so masking HTML
fragments (snippets with ``<mark>``) can map characters back one to one and never touches
markup; a number split by a ``<mark>`` tag is still found and masked.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
_ALNUM_AFTER = r"(?![0-9A-Za-z])"
_USCC_CHAR = "0-9A-HJ-NPQRTUWXY"

# Longest first: an 18-character ID must not be masked as a bank account or a phone.
_ID_18 = re.compile(rf"{_ALNUM_BEFORE}(\d{{17}}[\dXx]){_ALNUM_AFTER}")
_USCC = re.compile(rf"{_ALNUM_BEFORE}([{_USCC_CHAR}]{{2}}\d{{6}}[{_USCC_CHAR}]{{10}}){_ALNUM_AFTER}")
_BANK = re.compile(rf"{_ALNUM_BEFORE}(\d{{4}}(?:[ -]?\d{{4}}){{3}}(?:[ -]?\d{{1,3}})?){_ALNUM_AFTER}")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d{9}|1[3-9]\d[ -]\d{4}[ -]\d{4})(?!\d)")

# Stored fields that identify records rather than people: never masked.
UNMASKED_KEYS = frozenset({"doc_id", "sha256", "account_no", "户号", "archive_no"})


def _keep(first: int, last: int):  # noqa: ANN202 - a regex replacement function
    def replace(match: re.Match[str]) -> str:
        value = match.group(1)
        positions = [i for i, c in enumerate(value) if c.isalnum()]
        hidden = set(positions[first:len(positions) - last])
        return "".join("*" if i in hidden else c for i, c in enumerate(value))
    return replace


_RULES = (
    (_ID_18, _keep(6, 4)),
    (_USCC, _keep(6, 4)),
    (_BANK, _keep(0, 4)),
    (_MOBILE, _keep(3, 4)),
)


def mask_text(text: str) -> str:
    """``text`` with identity numbers, mobile numbers and bank accounts masked."""
    if not text or not any(c.isdigit() for c in text):
        return text
    for pattern, replace in _RULES:
        text = pattern.sub(replace, text)
    return text


def sensitive_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds a number :func:`mask_text` would mask, as ``(start, end)`` of the
    whole number (for blacking it out on a rendered page), longest rules first."""
    if not text or not any(c.isdigit() for c in text):
        return []
    spans: list[tuple[int, int]] = []
    for pattern, _ in _RULES:
        for match in pattern.finditer(text):
            start, end = match.span(1)
            if not any(start < e and s < end for s, e in spans):
                spans.append((start, end))
    return sorted(spans)


_TAG_OR_ENTITY = re.compile(r"(<[^>]*>)|(&#?[0-9A-Za-z]+;)")


def mask_html(fragment: str) -> str:
    """Mask the text of an HTML fragment (tags and entities intact, ``<mark>`` kept)."""
    if not fragment or not any(c.isdigit() for c in fragment):
        return fragment
    units: list[tuple[str, str | None]] = []  # (raw piece, its character in the text or None)
    cursor = 0
    for match in _TAG_OR_ENTITY.finditer(fragment):
        units += [(c, c) for c in fragment[cursor:match.start()]]
        if match.group(1):  # a tag carries no text: a number split by <mark> stays whole
            units.append((match.group(1), None))
        else:
            char = html.unescape(match.group(2))
            units.append((match.group(2), char if len(char) == 1 else "\ufffd"))
        cursor = match.end()
    units += [(c, c) for c in fragment[cursor:]]
    text_at = [n for n, (_, c) in enumerate(units) if c is not None]
    plain = "".join(units[n][1] or "" for n in text_at)
    masked = mask_text(plain)
    if masked == plain:
        return fragment
    hidden = {n for n, old, new in zip(text_at, plain, masked) if old != new}
    return "".join("*" if n in hidden else raw for n, (raw, _) in enumerate(units))


def mask_value(value: Any) -> Any:
    """Strings masked, containers masked recursively, anything else unchanged."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, Mapping):
        return mask_record(value)
    if isinstance(value, (list, tuple)):
        return type(value)(mask_value(v) for v in value)
    return value


def mask_record(record: Mapping[str, Any], html_keys: frozenset[str] = frozenset()) -> dict:
    """A copy of ``record`` (metadata, a customer) with personal data masked.

    Keys in :data:`UNMASKED_KEYS` identify records and stay as they are; keys in
    ``html_keys`` hold HTML fragments and are masked with :func:`mask_html`.
    """
    return {
        key: value if key in UNMASKED_KEYS else
        mask_html(value) if key in html_keys and isinstance(value, str) else mask_value(value)
        for key, value in record.items()
    }
