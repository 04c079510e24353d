"""Suggestions as the user types, and what to offer when nothing is found.

An in-memory index over the customers' names, brands, pinyin and 户号, the unit names and
the document type names; built once per vocabulary (:class:`Lexicon`) and answered without
touching the search index. Suggestions are not archive reads (never logged as one), but
only customers of units the user may read are ever named.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

from indexer import doctypes
from indexer.pinyin import readings
from search_service.query.lexicon import CustomerEntry, Lexicon
from search_service.query.plan import QueryPlan

MAX_CUSTOMERS = 10
MAX_OTHERS = 5
# A prefix shared by more customers than this ranks only the first ones found ("h", "33").
MAX_PREFIX_CANDIDATES = 200
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
    """Everything a suggestion may name, for one vocabulary.

    Customers are held shortest name first; their names, brands, pinyin and initials are
    sorted keys, so a prefix is a binary search; "contains" searches the names (or the
    spellings) joined into one text, stopping at the tenth customer found.
    """

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        entries = []
        for customer in sorted(lexicon.customers, key=lambda c: (len(c.name), c.account_no)):
            brand = lexicon.brands.get(customer.account_no, "")
            entries.append(_Entry(customer, brand, *_spell(customer.name),
                                  *(_spell(brand) if brand else ("", ""))))
        self.entries = tuple(entries)
        keys = []
        for n, e in enumerate(entries):
            keys += [(k, rank, n) for rank, k in ((0, e.customer.name), (0, e.brand),
                                                   (0, e.brand_pinyin), (0, e.brand_initials),
                                                   (1, e.pinyin), (1, e.initials),
                                                   (0, e.customer.account_no)) if k]
        keys.sort()
        self._keys = keys
        self._texts = [k for k, _, _ in keys]
        self._names = _Joined([e.customer.name for e in entries])
        self._spellings = _Joined([e.pinyin + " " + e.initials for e in entries])

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

    def _allowed(self, n: int, readable: set[str] | None) -> bool:
        return readable is None or self.entries[n].customer.org in readable

    def _customers(self, q: str, readable: set[str] | None) -> list[_Entry]:
        start = bisect.bisect_left(self._texts, q)
        best: dict[int, int] = {}
        limit = MAX_CUSTOMERS if _DIGITS.match(q) else MAX_PREFIX_CANDIDATES
        for i in range(start, len(self._keys)):
            text, rank, n = self._keys[i]
            if not text.startswith(q) or len(best) == limit:
                break
            if self._allowed(n, readable) and best.get(n, 9) > rank:
                best[n] = rank
        by_account = _DIGITS.match(q) is not None  # 户号 prefixes in account order
        picked = list(best) if by_account else heapq.nsmallest(
            MAX_CUSTOMERS, best, key=lambda n: (best[n], n))
        if len(picked) < MAX_CUSTOMERS and not _DIGITS.match(q):
            joined = self._spellings if _LETTERS.match(q) else self._names
            for n in joined.containing(q):
                if n in best or not self._allowed(n, readable):
                    continue
                picked.append(n)
                if len(picked) == MAX_CUSTOMERS:
                    break
        return [self.entries[n] for n in picked]

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


class _Joined:
    """Texts joined by newlines into one string: which of them contain a query is then a
    ``str.find`` (C speed) instead of a Python loop over every customer."""

    def __init__(self, texts: list[str]) -> None:
        self.text = "\n".join(texts)
        self.starts = list(itertools.accumulate((len(t) + 1 for t in texts[:-1]), initial=0))

    def containing(self, q: str) -> Iterator[int]:
        """The numbers of the texts containing ``q``, in order."""
        if not q or "\n" in q:  # no text holds a newline
            return
        at = self.text.find(q)
        while at >= 0:
            n = bisect.bisect_right(self.starts, at) - 1
            yield n
            if n + 1 == len(self.starts):
                return
            at = self.text.find(q, self.starts[n + 1])


def nothing_found(plan: QueryPlan, index: SuggestionIndex, readable: Collection[str] | None,
                  filtered: bool) -> dict[str, Any]:
    """What to offer when a search found nothing: its parts searched one by one, customers
    with a similar name, and removing the filters."""
    parts = [c.text for c in plan.clauses] + [u.text for u in plan.understood]
    return {"parts": list(dict.fromkeys(parts)) if len(parts) > 1 else [],
            "similar": index.similar(plan, readable),
            "remove_filters": filtered}
