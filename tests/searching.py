"""Searching an index directory the way the service does: its engine and its catalog."""

from __future__ import annotations

from pathlib import Path

from indexer.catalog.store import Catalog
from search_service.config import Settings
from search_service.db import default_url
from search_service.engines import open_engine
from search_service.reading.search import SearchParams, SearchResult, run_search


def search(index_dir: Path, params: SearchParams | None = None, **fields: object) -> SearchResult:
    """``run_search`` over the Whoosh engine and the catalog beside ``index_dir``."""
    engine = open_engine(Settings(index_dir=index_dir))
    try:
        return run_search(engine, Catalog.open(default_url(index_dir)),
                          params or SearchParams(**fields))  # type: ignore[arg-type]
    finally:
        engine.close()


def catalog_of(index_dir: Path) -> Catalog:
    """The catalog an indexing run into ``index_dir`` wrote (beside it)."""
    return Catalog.open(default_url(index_dir))


def records(index_dir: Path) -> dict[str, dict]:
    """Catalog rows of the files present at the last run, by path."""
    catalog = catalog_of(index_dir)
    return {row["path"]: row for row in catalog.rows(catalog.known_files())}


def engine_count(index_dir: Path) -> int:
    """How many documents the Whoosh engine of ``index_dir`` holds (0: none yet)."""
    from search_service.errors import UnavailableError

    engine = open_engine(Settings(index_dir=index_dir))
    try:
        return engine.count()
    except UnavailableError:
        return 0
    finally:
        engine.close()


def copy_index(index_dir: Path, target: Path) -> Path:
    """A copy of an index directory and of the catalog database beside it (the record)."""
    import shutil
    import sqlite3

    shutil.copytree(index_dir, target)
    source = sqlite3.connect(index_dir.parent / "archive-search.db")
    copy = sqlite3.connect(target.parent / "archive-search.db")
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    return target
