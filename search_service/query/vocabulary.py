"""The archive's vocabulary for one process: a :class:`Lexicon` and a
:class:`SuggestionIndex`, rebuilt only when the customers or the unit tree change."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from collections.abc import Iterable, Mapping
from typing import Any

from indexer.customers import find_customers_file, load_customers
from indexer.errors import InputError
from search_service.query.lexicon import CustomerEntry, Lexicon
from search_service.query.suggest import SuggestionIndex
from search_service.query.understand import QueryContext


class Vocabulary:
    """Cache keyed by the identity of the customers mapping (the customer cache hands out a
    new one whenever the customers file changes) and the unit names."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[Any, ...] | None = None  # (the customers mapping itself, units)
        self._built: tuple[Lexicon, SuggestionIndex] | None = None

    def get(self, customers: Mapping[str, Any], units: Iterable[str],
            aliases: Mapping[str, tuple[str, ...]] | None = None) -> tuple[Lexicon, SuggestionIndex]:
        """``customers``: 户号 → an object with ``name`` and ``org`` (indexer Customer);
        ``aliases``: unit → short names configured in units.csv."""
        unit_names = tuple(sorted(units))
        configured = tuple(sorted((aliases or {}).items()))
        key = (customers, unit_names, configured)
        with self._lock:
            if self._built is None or self._key is None or self._key[0] is not customers \
                    or self._key[1:] != key[1:]:
                lexicon = Lexicon((CustomerEntry(no, c.name, c.org) for no, c in customers.items()),
                                  unit_names, dict(configured))
                self._built, self._key = (lexicon, SuggestionIndex(lexicon)), key
            return self._built


def archive_context(root: Path | None, units: Iterable[str],
                    aliases: Mapping[str, tuple[str, ...]] | None = None,
                    today: date | None = None) -> QueryContext:
    """The query context of one archive, for a single search (the CLI): its customers file
    (none without a root or file), the unit names and their configured short names."""
    customers: Mapping[str, Any] = {}
    if root is not None and find_customers_file(root) is not None:
        try:
            customers = load_customers(root)
        except InputError:
            customers = {}
    lexicon, _ = Vocabulary().get(customers, units, aliases)
    return QueryContext(lexicon, today=today)
