"""The embedded Whoosh engine (the default): an index directory beside the catalog.

- ``engine``: :class:`WhooshEngine`, the :class:`~search_service.engines.base.SearchEngine`;
- ``search``: the fast path (numpy columns, facets, filters, scope, sort, page);
- ``columns``: per-segment value columns decoded once and cached;
- ``query``: a query plan as Whoosh queries (tiers: clauses matched);
- ``terms``, ``phrase``, ``positions``, ``tree``: postings as arrays, phrases over bigrams,
  bulk position decoding, a matcher tree evaluated densely;
- ``collector``: Whoosh's own collector path (the reference the fast path is checked against);
- ``files``: an in-place file storage reading segments by range.
"""

from search_service.engines.whoosh.engine import WhooshEngine

__all__ = ["WhooshEngine"]
