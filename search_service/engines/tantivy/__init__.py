"""The tantivy engine: embedded like Whoosh (an index directory), run by tantivy in Rust.

- ``projection``: the index schema and a catalog record as a tantivy document (the shared
  analyzer tokens, pre-split; facet values as fast fields);
- ``query``: a search request as one tantivy query (plan, filters, scope, date range);
- ``facets``: exact multi-select facet counts from terms aggregations;
- ``engine``: :class:`TantivyEngine`, the :class:`~search_service.engines.base.SearchEngine`.
"""

from typing import Any

__all__ = ["TantivyEngine"]


def __getattr__(name: str) -> Any:
    """``TantivyEngine`` imported on first use (the settings never need the bindings)."""
    if name == "TantivyEngine":
        from search_service.engines.tantivy.engine import TantivyEngine

        return TantivyEngine
    raise AttributeError(name)
