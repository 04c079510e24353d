"""Bringing an engine up to date with the catalog: catch up by batch, or rebuild.

The catalog numbers each write (a batch); an engine remembers the last batch it committed.
Catching up applies every row written since, so a run that died between writing the catalog
and committing the engine is repaired by the next run, and a rebuild is a catch-up from
batch 0 into an empty index. No archive file is read: the catalog holds the text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from indexer.catalog.store import Catalog
from search_service.engines.base import SearchEngine
from search_service.engines.projection import engine_record, searchable

CHUNK = 1000  # rows per call into the engine


def apply_rows(engine: SearchEngine, rows: Iterable[dict[str, Any]],
               on_row: Callable[[], None] = lambda: None) -> int:
    """Replace the searchable rows in ``engine``, delete the others; the last batch seen."""
    last, records, gone = 0, [], []
    for row in rows:
        last = max(last, row["batch"])
        if searchable(row):
            records.append(engine_record(row))
        else:
            gone.append(row["doc_id"])
        if len(records) + len(gone) >= CHUNK:
            _flush(engine, records, gone)
        on_row()
    _flush(engine, records, gone)
    return last


def _flush(engine: SearchEngine, records: list[dict[str, Any]], gone: list[str]) -> None:
    if records:
        engine.replace(records)
    if gone:
        engine.delete(gone)
    records.clear()
    gone.clear()


def catch_up(engine: SearchEngine, catalog: Catalog) -> int:
    """Apply every catalog row the engine has not committed; returns how many were applied."""
    applied = engine.applied_batch()
    last = catalog.last_batch()
    if applied > last:  # the engine was built from another catalog: start over
        return rebuild(engine, catalog)
    if last == applied:
        return 0
    count = 0

    def counted() -> None:
        nonlocal count
        count += 1

    apply_rows(engine, catalog.changed_since(applied), counted)
    engine.commit(batch=last)
    return count


def rebuild(engine: SearchEngine, catalog: Catalog,
            on_row: Callable[[], None] = lambda: None) -> int:
    """Rebuild ``engine``'s index from the catalog alone; returns the documents it holds."""
    engine.clear()
    last = apply_rows(engine, catalog.changed_since(0), on_row)
    engine.commit(batch=last)
    return engine.count()
