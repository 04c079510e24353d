"""Masking of personal data (PIPL art. 28) wherever it leaves the service.

    身份证号 (18 characters)       110105********1234   (first 6, last 4)
    身份证号 (15 digits, old)      110105******123      (first 6, last 3: no digit of the birth date)
    统一社会信用代码               913301********4D5E   (first 6, last 4)
    mobile number                 138****5678          (first 3, last 4; +86 / 0086 kept)
    bank account (16-19 digits)   ***************1234  (last 4)

Numbers are found in every way people write them: with spaces or dashes between digits
(``110105 19900101 1234``, ``139-1234-5678``), in full-width digits (１３９…), with a lower-case
``x`` check character, behind ``+86`` or ``0086``, and glued to letters or underscores as in
file names (``ID110105199001011234.pdf``). Separators and prefixes stay visible; each hidden
character becomes one ``*``, so a mask keeps the text's length. That is what lets every
surface mask the *whole* text first and cut or mark it afterwards
(:func:`search_service.viewer.highlight.snippet`): where a window falls cannot matter.
:func:`mask_html` maps an HTML fragment's characters back one to one and never touches markup.

:func:`canonical_numbers` writes each number as its bare digits (what the search engines
index, so a number is one token: no fragment of it matches), and :func:`personal_numbers`
finds the complete numbers in a query (the personal-number lookup rule, ``docs/security.md``).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_FOLD = {c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {0x3000: " "}
_SEP = "[ -]?"  # one optional space or dash between two digits


def _digits(count: int, last: str = "[0-9]") -> str:
    return _SEP.join(["[0-9]"] * (count - 1) + [last])


_ID_18 = re.compile(rf"(?<![0-9])(?P<n>{_digits(18, '[0-9Xx]')})(?![0-9A-Za-z])")
_ID_15 = re.compile(rf"(?<![0-9])(?P<n>{_digits(15)})(?![0-9])")
_USCC_CHAR = "0-9A-HJ-NPQRTUWXY"
_USCC = re.compile(rf"(?<![0-9A-Za-z])(?P<n>[{_USCC_CHAR}]{{2}}[0-9]{{6}}[{_USCC_CHAR}]{{10}})"
                   r"(?![0-9A-Za-z])")
_BANK = re.compile(r"(?<![0-9])(?P<n>[0-9]{4}(?:[ -]?[0-9]{4}){3}(?:[ -]?[0-9]{1,3})?)(?![0-9])")
_MOBILE = re.compile(r"(?<![0-9])(?:(?:\+|00)?86[ -]?)?"
                     r"(?P<n>1[3-9][0-9](?:[ -]?[0-9]{4}){2})(?![0-9])")
# Document ids and SHA-256 digests (16 or more lowercase hexadecimal characters, a letter
# among them) are identifiers: digits inside them are no personal number.
_HEX_ID = re.compile(r"(?<![0-9A-Za-z])(?=[0-9]*[a-f])[0-9a-f]{16,}(?![0-9A-Za-z])")
_SEPARATORS = re.compile(r"[^0-9A-Za-z]")
_ANY_DIGIT = re.compile("[0-9\uff10-\uff19]")
_FULL_WIDTH = re.compile("[\uff10-\uff19\uff0b\uff0d]")  # digits, plus, hyphen: fold them
_DIGIT_RUN = re.compile(r"[0-9](?:[ -]?[0-9]){10,}")  # where a number can be (not a USCC)
_SIX_DIGITS = re.compile("[0-9]{6}")  # every USCC has them (its registration code)
# Cheap scans first (a character class repeated: 2–3x faster than the exact patterns, whose
# look-arounds are tried at every character): every match of the exact pattern lies inside
# one of theirs, and most texts have none.
_DIGITS_AND_SEPARATORS = re.compile(r"[0-9][0-9 -]{10,}")  # holds every _DIGIT_RUN
_USCC_CHARS = re.compile(f"[{_USCC_CHAR}]{{18}}")  # holds every _USCC
_HEX_CHARS = re.compile("[0-9a-f]{16}")  # starts every _HEX_ID
_PREFIX = len("0086-")  # looked at before a run, for a mobile number's country code
_BIRTH_DATE = re.compile(r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])$")

# The most characters one number spans (an 18-character ID with a separator between every
# two is 35): text this far from a window decides nothing inside it.
LONGEST_NUMBER = 40

# Stored fields that identify records rather than people: never masked.
UNMASKED_KEYS = frozenset({"doc_id", "sha256", "account_no", "户号", "archive_no"})


def _bare(number: str) -> str:
    return _SEPARATORS.sub("", number).upper()


def _dated(start: int, end: int, unless_plain: bool = False) -> Callable[[str, str], bool]:
    """Whether the bare number has a plausible month and day at ``[start:end]`` (or, with
    ``unless_plain``, is written without separators: any 18 characters, as always)."""
    return lambda number, bare: (unless_plain and number.upper() == bare) or \
        _BIRTH_DATE.match(bare[start:end]) is not None


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    first: int  # characters kept visible at the start of the number
    last: int  # and at its end
    accept: Callable[[str, str], bool] = lambda number, bare: True


# Longest first: an 18-character ID must not be masked as a bank account or a phone.
_RULES = (
    _Rule(_ID_18, 6, 4, _dated(10, 14, unless_plain=True)),
    _Rule(_USCC, 6, 4),
    _Rule(_BANK, 0, 4),
    _Rule(_ID_15, 6, 3, _dated(8, 12)),
    _Rule(_MOBILE, 3, 4),
)


# The rules' edition: positions found under another one (kept in the catalog) are found again.
RULES_VERSION = 1


@dataclass(frozen=True)
class Found:
    """One personal number in a text: where it stands (with any +86 before it), the
    positions of the characters a mask hides, and its bare digits ("" when read back from
    :func:`numbers_record`, which keeps no digit)."""

    start: int
    end: int
    hidden: tuple[int, ...]
    bare: str


def find_numbers(text: str) -> list[Found]:
    """Every personal number in ``text``, in order; longest rules win an overlap.

    The rules for digits run only around runs of 11 or more digits (the shortest number),
    which one fast scan finds: most of a document is skipped at C speed."""
    if not text or not _ANY_DIGIT.search(text):
        return []
    folded = text.translate(_FOLD) if _FULL_WIDTH.search(text) else text
    runs = [(max(0, m.start() - _PREFIX), m.end() + 1)
            for candidate in _DIGITS_AND_SEPARATORS.finditer(folded)
            for m in _DIGIT_RUN.finditer(folded, candidate.start(), candidate.end())]
    uscc = _SIX_DIGITS.search(folded) is not None and _USCC_CHARS.search(folded) is not None
    if not runs and not uscc:  # no run for a number, nothing a USCC could be
        return []
    found: list[Found] = []
    taken = bytearray(len(folded))  # characters already part of a number found (or an id)
    for match in _HEX_ID.finditer(folded) if runs and _HEX_CHARS.search(folded) else ():
        taken[match.start():match.end()] = b"\x01" * (match.end() - match.start())
    for rule in _RULES:
        regions = ([(0, len(folded))] if uscc else []) if rule.pattern is _USCC else runs
        for match in (m for pos, end in regions for m in rule.pattern.finditer(folded, pos, end)):
            if taken.find(1, match.start(), match.end()) >= 0:
                continue
            start, end = match.span("n")
            number = match.group("n")
            bare = _bare(number)
            if not rule.accept(number, bare):
                continue
            taken[match.start():match.end()] = b"\x01" * (match.end() - match.start())
            found.append(Found(match.start(), end, _hidden(number, bare, start, rule), bare))
    return sorted(found, key=lambda f: f.start)


def numbers_record(text: str) -> str:
    """Where ``text``'s personal numbers stand and which of their characters a mask hides —
    positions only, no digit — for the catalog to keep beside the text, so a snippet of it
    is masked without looking for numbers again (:func:`numbers_in`)."""
    found = [[f.start, f.end, _runs(f.hidden)] for f in find_numbers(text)]
    return f"{RULES_VERSION}:{len(text)}:{json.dumps(found, separators=(',', ':'))}"


def numbers_in(text: str, record: str) -> list[Found] | None:
    """The personal numbers of ``text`` from its :func:`numbers_record`; None if the record
    is missing or was made under other rules or for another text (then look again)."""
    version, _, rest = record.partition(":")
    length, _, found = rest.partition(":")
    if version != str(RULES_VERSION) or length != str(len(text)):
        return None
    return [Found(start, end, tuple(i for a, b in runs for i in range(a, b)), "")
            for start, end, runs in json.loads(found)]


def _runs(positions: tuple[int, ...]) -> list[list[int]]:
    """``positions`` (ascending) as ``[start, end)`` runs."""
    runs: list[list[int]] = []
    for i in positions:
        if runs and runs[-1][1] == i:
            runs[-1][1] = i + 1
        else:
            runs.append([i, i + 1])
    return runs


def _hidden(number: str, bare: str, start: int, rule: _Rule) -> tuple[int, ...]:
    """Positions (in the text) of the characters of ``number`` (at ``start``) that ``rule``
    hides: all but its first and last few letters or digits; separators stay."""
    if len(number) == len(bare):  # no separators: one range
        return tuple(range(start + rule.first, start + len(number) - rule.last))
    positions = [start + i for i, c in enumerate(number) if c.isalnum()]
    return tuple(positions[rule.first:len(positions) - rule.last])


SHORT = 256  # fields up to this length (names, titles, paths, dates, units) are kept masked


def mask_text(text: str) -> str:
    """``text`` with identity numbers, mobile numbers and bank accounts masked (same length).

    Short texts repeat from hit to hit and request to request (a customer's name and
    address, a unit, a date): their masked form is kept (a pure function of the text)."""
    if len(text) <= SHORT:
        return _mask_short(text)
    return _masked(text, find_numbers(text))


@lru_cache(maxsize=16384)
def _mask_short(text: str) -> str:
    return _masked(text, find_numbers(text))


def _masked(text: str, found: list[Found]) -> str:
    """``text`` with the hidden characters of ``found`` (in order) replaced by ``*``."""
    out, cursor = [], 0
    for i in (i for number in found for i in number.hidden):
        out += [text[cursor:i], "*"]
        cursor = i + 1
    return "".join(out) + text[cursor:] if out else text


def mask_marked(text: str, marks: list[tuple[int, int]], found: list[Found] | None = None
                ) -> tuple[str, list[tuple[int, int]]]:
    """``text`` masked whole, and the ``marks`` (matches to highlight) that may be shown on
    it: a mark on part of a number would tell what its hidden digits are (a birth date typed
    as a query marks exactly them), so it is dropped; one covering the whole number tells
    nothing the reader did not type. ``found``: the text's numbers, if known."""
    found = find_numbers(text) if found is None else found
    if not found:
        return text, marks
    kept = [(s, e) for s, e in marks
            if all(e <= f.start or f.end <= s or (s <= f.start and f.end <= e) for f in found)]
    return _masked(text, found), kept


def sensitive_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds a number :func:`mask_text` masks, as ``(start, end)`` of the whole
    number with any country code (for blacking it out on a rendered page)."""
    return [(f.start, f.end) for f in find_numbers(text)]


def canonical_numbers(text: str) -> str:
    """``text`` with each personal number written as its bare digits (``+86 139-1234-5678``
    becomes ``13912345678``): one token for the search engines, whatever its form."""
    found = find_numbers(text)
    if not found:
        return text
    out, cursor = [], 0
    for number in found:
        out += [text[cursor:number.start], number.bare]
        cursor = number.end
    out.append(text[cursor:])
    return "".join(out)


def personal_numbers(text: str) -> list[str]:
    """The complete personal numbers written in ``text`` (a query), as bare digits."""
    return [f.bare for f in find_numbers(text)]


_TAG = re.compile(r"<[^>]*>")
_TAG_OR_ENTITY = re.compile(rf"({_TAG.pattern})|(&#?[0-9A-Za-z]+;)")


def mask_html(fragment: str) -> str:
    """Mask the text of an HTML fragment (tags and entities intact, ``<mark>`` kept)."""
    if not fragment or not _ANY_DIGIT.search(fragment) or not find_numbers(
            _text_of_html(fragment)):
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


def _text_of_html(fragment: str) -> str:
    """The text of an HTML fragment, character for character as :func:`mask_html` reads it,
    at C speed (without entities, the tags are simply dropped)."""
    return _TAG_OR_ENTITY.sub(_text_of, fragment) if "&" in fragment else _TAG.sub("", fragment)


def _text_of(match: re.Match[str]) -> str:
    """What a tag or entity of an HTML fragment stands for in its text (as in mask_html)."""
    if match.group(1):
        return ""
    char = html.unescape(match.group(2))
    return char if len(char) == 1 else "\ufffd"


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


def masked_for(user: Any, value: Any, html_keys: frozenset[str] = frozenset()) -> Any:
    """``value`` (a record, a list of them, a JSON body) as ``user`` may see it: unchanged
    for a role that sees personal data, masked throughout otherwise."""
    from search_service.access.policy import can_see_personal_data

    if can_see_personal_data(user):
        return value
    return mask_record(value, html_keys) if isinstance(value, Mapping) else mask_value(value)
