"""Searching an index directory the way the service does: its engine and its catalog."""

from __future__ import annotations

from pathlib import Path

from indexer.catalog.store import Catalog
from search_service.config import Settings
from search_service.db import default_url
from search_service.engines import open_engine
from search_service.search import SearchParams, SearchResult, run_search


def search(index_dir: Path, params: SearchParams | None = None, **fields: object) -> SearchResult:
    """``run_search`` over the Whoosh engine and the catalog beside ``index_dir``."""
    engine = open_engine(Settings(index_dir=index_dir))
    try:
        return run_search(engine, Catalog.open(default_url(index_dir)),
                          params or SearchParams(**fields))  # type: ignore[arg-type]
    finally:
        engine.close()
