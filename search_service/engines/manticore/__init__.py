"""The Manticore Search / Sphinx 2.2 engine (SphinxQL over the MySQL protocol).

- ``nodes``: the cluster as a setting (shards, mirrors, ports);
- ``config``: a node's searchd configuration (RT shard, distributed index, meta);
- ``searchd``: running searchd processes (tests, benchmarks, one machine);
- ``projection``: what an RT row holds of a catalog record (tokens, identifiers, attributes);
- ``sphinxql``: a search request as SphinxQL (MATCH, filters, scope, facets, sort, page);
- ``connections``: SphinxQL connections per node and thread;
- ``engine``: :class:`ManticoreEngine`, the :class:`~search_service.engines.base.SearchEngine`.
"""

from typing import Any

__all__ = ["ManticoreEngine"]


def __getattr__(name: str) -> Any:
    """``ManticoreEngine`` imported on first use (settings import ``nodes`` without PyMySQL)."""
    if name == "ManticoreEngine":
        from search_service.engines.manticore.engine import ManticoreEngine

        return ManticoreEngine
    raise AttributeError(name)
