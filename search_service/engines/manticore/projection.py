"""What a shard's RT index stores of a catalog record, and how.

Full-text fields hold the analyzer's tokens separated by spaces (Han bigrams, words, pinyin
syllables), so a SphinxQL phrase over adjacent tokens is exactly the Whoosh phrase over the
same tokens. Identifiers (户号, 档号) are one token each in a field of their own, spelled in a
prefix-preserving code over ``[0-9a-z]`` so the whole value is one keyword (exact match) and
a prefix of the value is a prefix of the keyword (``3301*``). Facet values, the date and the
scope keys are attributes: filters and scope are attribute filters, facets ``FACET`` clauses.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from indexer.schema import FACET_FIELDS, MULTI_FACETS, STATUS_OK
from search_service.engines.tokens import ANALYSED_FIELDS, analysed, date_number, values_of

# Plan field -> RT field. Text fields are indexed from the record's field of the same name
# (pinyin ones from the customer name), identifiers in their own key fields.
TEXT_FIELDS = ANALYSED_FIELDS  # the analyzer's token texts, one field each
IDENTIFIER_FIELDS = {"account_no": "account_key", "archive_no": "archive_key"}
RT_FIELDS = TEXT_FIELDS + tuple(IDENTIFIER_FIELDS.values())

# Field weights, as the schema's field_boost (Sphinx weights are integers).
FIELD_WEIGHTS = {"customer_name": 4, "title": 2, "content": 1, "address": 1, "name_pinyin": 2,
                 "name_initials": 1, "account_key": 8, "archive_key": 8}

# String attributes: the document's id and everything a filter or facet names.
FILTER_FIELDS = tuple(dict.fromkeys((*FACET_FIELDS, "retention", "hazard_found")))
STRING_ATTRS = ("doc_id", "account_no", "status", *FILTER_FIELDS)
DATE_ATTR = "date_num"  # doc_date as YYYYMMDD, 0 when unknown
SCOPE_ATTR = "scope_keys"  # 64-bit keys of the unit, customer and document (see scope_key)
BUILD_ATTR = "build"  # 0 or 1: a rebuild writes the other build, searches see the current one
# Per filter field, a 63-bit key of its value: filtering and grouping on integers is about
# twice as fast as on strings in searchd (facets group BY the key and show the string).
# A multi-valued facet's key attribute holds one key per value (a multi-value attribute).
KEY_ATTRS = tuple(f"{f}_key" for f in FILTER_FIELDS)
MULTI_KEY_ATTRS = tuple(f"{f}_key" for f in FILTER_FIELDS if f in MULTI_FACETS)
# Every facet's key in one multi-value attribute: one GROUP BY over it counts all facets in
# one pass over the matches (nine FACET clauses cost nine passes).
FACET_KEYS_ATTR = "facet_keys"
COLUMNS = ("id", *RT_FIELDS, *STRING_ATTRS, *KEY_ATTRS, DATE_ATTR, SCOPE_ATTR, BUILD_ATTR,
           FACET_KEYS_ATTR)


def rt_id(doc_id: str, build: int = 0) -> int:
    """The RT index id of a document in ``build``: 60 bits of a hash of its id, doubled, plus
    the build, so both builds can hold a document during a rebuild (positive, below 2^62)."""
    digest = hashlib.blake2b(doc_id.encode(), digest_size=8).digest()
    return (int.from_bytes(digest, "big") >> 4) * 2 + build + 2


def key_attr(field: str) -> str:
    return f"{field}_key"


def scope_key(kind: str, value: str) -> int:
    """A 63-bit key of ``value`` of ``kind``: a filter field's name, or ``unit``/``account``/
    ``doc`` for the scope's units of reading."""
    digest = hashlib.blake2b(f"{kind}\x00{value}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


# Characters common in 档号 and 户号 get two-letter codes (keywords are cut at 42 bytes).
_SHORT_CODES = {ch: "w" + code for ch, code in zip("-·./_ ()（）—", "abcdefghijk")}
_MAX_KEYWORD = 39  # longer spellings end in a hash (see encode_identifier)
_HASHED_HEAD = 24


def encode_identifier(value: str) -> str:
    """``value`` as one keyword over ``[0-9a-z]``, prefix-preserving and one-to-one.

    Digits stay as they are (a 户号 reads as itself); ``a``→``xa``, ``A``→``ya``, common
    punctuation ``w`` and a letter, anything else ``z`` and six hex digits of its code point.
    Each code starts with a digit or a letter fixing its length, so no two values share a
    spelling and ``encode(p)`` is a prefix of ``encode(v)`` exactly when ``p`` is a prefix of
    ``v``. A spelling longer than searchd keeps becomes its first 24 characters, ``v`` and a
    hash: still exact, and prefixes up to those 24 characters still work.
    """
    out = []
    for ch in value:
        if "0" <= ch <= "9":
            out.append(ch)
        elif "a" <= ch <= "z":
            out.append("x" + ch)
        elif "A" <= ch <= "Z":
            out.append("y" + ch.lower())
        elif ch in _SHORT_CODES:
            out.append(_SHORT_CODES[ch])
        else:
            out.append(f"z{ord(ch):06x}")
    spelled = "".join(out)
    if len(spelled) <= _MAX_KEYWORD:
        return spelled
    digest = hashlib.blake2b(spelled.encode(), digest_size=8).hexdigest()[:15]
    return spelled[:_HASHED_HEAD] + "v" + digest








def row(record: Mapping[str, Any], build: int = 0) -> tuple[Any, ...]:
    """The RT row of a catalog record in ``build``, in :data:`COLUMNS` order."""
    text = analysed(record)
    keys = [encode_identifier(str(record.get(f) or "")) for f in IDENTIFIER_FIELDS]
    strings = [_text_of(record.get(a)) for a in STRING_ATTRS]
    strings[STRING_ATTRS.index("status")] = str(record.get("status") or STATUS_OK)
    doc_id = str(record["doc_id"])
    scope = (_shared_key("unit", str(record.get("org") or "")),
             _shared_key("account", str(record.get("account_no") or "")),
             scope_key("doc", doc_id))
    value_keys = [tuple(_shared_key(f, v) for v in values_of(f, record.get(f)))
                  if f in MULTI_FACETS else _shared_key(f, _text_of(record.get(f)))
                  for f in FILTER_FIELDS]
    return (rt_id(doc_id, build), *(text[f] for f in TEXT_FIELDS), *keys, *strings, *value_keys,
            date_number(str(record.get("doc_date") or "")), scope, build,
            tuple(_shared_key(f, v) for f in FACET_FIELDS for v in values_of(f, record.get(f))))


# Keys of values many records share (units, customers, facet values): hashed once each.
_shared_key = lru_cache(maxsize=1 << 16)(scope_key)




def _text_of(value: Any) -> str:
    """A value as its string attribute (several values space-separated)."""
    return " ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value or "")
