"""Suggestions as the user types, and what to offer when nothing is found.

An in-memory index over the customers' names, brands, pinyin and 户号, the unit names and
the document type names; built once per vocabulary (:class:`Lexicon`) and answered without
touching the search index. Suggestions are not archive reads (never logged as one), but
only customers of units the user may read are ever named.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from indexer import doctypes
from indexer.pinyin import readings
from search_service.query.lexicon import CustomerEntry, Lexicon
from search_service.query.plan import QueryPlan

MAX_CUSTOMERS = 10
MAX_OTHERS = 5
_LETTERS = re.compile(r"^[a-z]+$")
_DIGITS = re.compile(r"^\d+$")


@dataclass(frozen=True)
class _Entry:
    customer: CustomerEntry
    brand: str
    pinyin: str  # full syllables joined: hangzhoumingyuan…
    initials: str  # hzmy…
    brand_pinyin: str
    brand_initials: str


def _spell(text: str) -> tuple[str, str]:
    sounds = [r[0] for r in readings(text)]
    return "".join(sounds), "".join(s[0] for s in sounds)


class SuggestionIndex:
    """Everything a suggestion may name, for one vocabulary."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        entries = []
        for customer in lexicon.customers:
            brand = lexicon.brands.get(customer.account_no, "")
            entries.append(_Entry(customer, brand, *_spell(customer.name),
                                  *(_spell(brand) if brand else ("", ""))))
        self.entries = tuple(entries)
        self._by_account = sorted((e.customer.account_no, n) for n, e in enumerate(entries))
        self._accounts = [a for a, _ in self._by_account]

    def suggest(self, q: str, units: Collection[str] | None) -> dict[str, Any]:
        """Customers (by 户号 prefix, name, brand, pinyin or initials) of ``units`` (None:
        all), then unit and document type names containing ``q``."""
        q = q.strip()
        if not q:
            return {"q": q, "customers": [], "units": [], "doc_types": []}
        readable = None if units is None else set(units)
        found = self._customers(q.lower(), readable)
        return {
            "q": q,
            "customers": [{"account_no": e.customer.account_no, "name": e.customer.name,
                           "org": e.customer.org} for e in found],
            "units": [u for u in self.lexicon.units
                      if q in u and (readable is None or u in readable)][:MAX_OTHERS],
            "doc_types": [{"code": t.code, "name": t.name} for t in doctypes.DOC_TYPES
                          if q.upper() == t.code or any(q in w for w in (t.name, *t.keywords))
                          ][:MAX_OTHERS],
        }

    def _customers(self, q: str, readable: set[str] | None) -> list[_Entry]:
        if _DIGITS.match(q):
            start = bisect.bisect_left(self._accounts, q)
            picked = []
            for account, n in self._by_account[start:]:
                if not account.startswith(q) or len(picked) == MAX_CUSTOMERS:
                    break
                if readable is None or self.entries[n].customer.org in readable:
                    picked.append(self.entries[n])
            return picked
        rank = _letters_rank if _LETTERS.match(q) else _text_rank
        ranked = []
        for n, entry in enumerate(self.entries):
            if readable is not None and entry.customer.org not in readable:
                continue
            r = rank(entry, q)
            if r is not None:
                ranked.append((r, len(entry.customer.name), n))
        ranked.sort()
        return [self.entries[n] for _, _, n in ranked[:MAX_CUSTOMERS]]

    def similar(self, plan: QueryPlan, readable: Collection[str] | None) -> list[dict[str, str]]:
        """Customers whose brand or name is one character (or one sound) away from a part of
        the query: "did you mean"."""
        guesses = {g for c in plan.clauses for g in self.lexicon.similar(c.text)}
        allowed = None if readable is None else set(readable)
        return [{"account_no": e.customer.account_no, "name": e.customer.name,
                 "org": e.customer.org}
                for e in self.entries
                if (e.brand in guesses or e.customer.name in guesses)
                and (allowed is None or e.customer.org in allowed)][:MAX_OTHERS]


def _letters_rank(entry: _Entry, q: str) -> int | None:
    if entry.brand_pinyin.startswith(q) or entry.brand_initials.startswith(q):
        return 0
    if entry.pinyin.startswith(q) or entry.initials.startswith(q):
        return 1
    return 2 if q in entry.pinyin or q in entry.initials else None


def _text_rank(entry: _Entry, q: str) -> int | None:
    name = entry.customer.name
    if name.startswith(q) or (entry.brand and entry.brand.startswith(q)):
        return 0
    return 1 if q in name else None


def nothing_found(plan: QueryPlan, index: SuggestionIndex, readable: Collection[str] | None,
                  filtered: bool) -> dict[str, Any]:
    """What to offer when a search found nothing: its parts searched one by one, customers
    with a similar name, and removing the filters."""
    parts = [c.text for c in plan.clauses] + [u.text for u in plan.understood]
    return {"parts": list(dict.fromkeys(parts)) if len(parts) > 1 else [],
            "similar": index.similar(plan, readable),
            "remove_filters": filtered}
