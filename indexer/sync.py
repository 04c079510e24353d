"""Bringing an engine up to date with the catalog: catch up by batch, or rebuild.

The catalog numbers each write (a batch); an engine remembers the last batch it committed.
Catching up applies every row written since, so a run that died between writing the catalog
and committing the engine is repaired by the next run, and a rebuild is a catch-up from
batch 0 into an empty index. No archive file is read: the catalog holds the text.

Records carry fields derived from a customer's other documents and from the date
(:mod:`derived`): a catch-up re-projects every document of each customer it touches, and
every document when the day changed since the engine's last catch-up; an engine holding
records of an older shape (:data:`~projection.PROJECTION_VERSION`) is rebuilt.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from indexer.catalog.store import Catalog
from indexer.errors import InputError
from search_service.engines.base import SearchEngine
from search_service.engines.chunks import ChunkWriter
from search_service.engines.pairing import stamp_key
from search_service.engines.projection import PROJECTION_VERSION, RECORD_FIELDS, searchable
from search_service.oversight.derived import ROW_FIELDS, Derivation

CHUNK = 1000  # rows per call into the engine
# A rebuild of at least this many rows analyses in a worker process on a machine of two or
# more cores (below it, starting the process costs more than it saves).
PARALLEL_FROM = 20_000
# The catalog columns a projection reads (not the file's path, hash, times, error).
COLUMNS = tuple(dict.fromkeys((*RECORD_FIELDS, *ROW_FIELDS, "status", "removed_at", "batch")))


def apply_rows(engine: SearchEngine, rows: Iterable[dict[str, Any]], derive: Derivation,
               on_row: Callable[[], None] = lambda: None, workers: int = 0) -> int:
    """Replace the searchable rows in ``engine``, delete the others; the last batch seen.
    Each customer's derived fields are derived once per call (its documents are spread
    over the chunks); ``workers``: processes analysing the records' text beside this one."""
    last, chunk = 0, []
    customers: dict[str, Any] = {}
    writer = ChunkWriter(engine, workers)
    try:
        for row in rows:
            last = max(last, row["batch"])
            chunk.append(row)
            if len(chunk) >= CHUNK:
                _flush(writer, chunk, derive, customers)
            on_row()
        _flush(writer, chunk, derive, customers)
        writer.finish()
    finally:
        writer.close()
    return last


def _flush(writer: ChunkWriter, chunk: list[dict[str, Any]], derive: Derivation,
           customers: dict[str, Any]) -> None:
    kept = [row for row in chunk if searchable(row)]
    derived = derive.of(kept, customers) if kept else {}
    writer.apply(kept, derived, [row["doc_id"] for row in chunk if not searchable(row)])
    chunk.clear()


def catch_up(engine: SearchEngine, catalog: Catalog, derive: Derivation | None = None) -> int:
    """Apply every catalog row the engine has not committed (with the other documents of
    their customers); returns how many were applied."""
    derive = derive or Derivation(catalog.engine)
    last = catalog.last_batch()
    if not last:
        return 0  # an empty catalog: nothing to project yet
    applied = engine.applied_batch()
    version, _, day = catalog.meta(stamp_key(engine)).partition(":")
    if applied > last or version != str(PROJECTION_VERSION):
        # built from another catalog, or records of another shape: start over
        return rebuild(engine, catalog, derive=derive)
    stale = day != derive.day  # date-driven fields (an overdue hazard) may have changed
    if last == applied and not stale:
        return 0
    count = 0

    def counted() -> None:
        nonlocal count
        count += 1

    since = 0 if stale else applied
    changed = catalog.changed_since(since, with_customers=True, columns=COLUMNS)
    apply_rows(engine, changed, derive, counted)
    engine.commit(batch=last)
    catalog.set_meta(stamp_key(engine), _stamp(derive))
    return count


def rebuild(engine: SearchEngine, catalog: Catalog,
            on_row: Callable[[], None] = lambda: None, derive: Derivation | None = None,
            workers: int = 0) -> int:
    """Rebuild ``engine``'s index from the catalog alone; returns the documents it holds.
    ``workers``: processes analysing the records' text beside this one (:mod:`chunks`)."""
    derive = derive or Derivation(catalog.engine)
    engine.clear()
    last = apply_rows(engine, catalog.changed_since(0, columns=COLUMNS), derive, on_row,
                      workers)
    engine.commit(batch=last)
    catalog.set_meta(stamp_key(engine), _stamp(derive))
    return engine.count()


def reindex_workers(asked: int | None, rows: int) -> int:
    """Worker processes for a rebuild of ``rows`` catalog rows: as ``asked`` (a negative
    number is refused), else one on a machine of two or more cores from
    :data:`PARALLEL_FROM` rows on."""
    if asked is not None:
        if asked < 0:
            raise InputError(f"--workers 应为 0 或正整数，而不是 {asked}")
        return asked
    return 1 if (os.cpu_count() or 1) > 1 and rows >= PARALLEL_FROM else 0


def _stamp(derive: Derivation) -> str:
    """What the engine's derived fields are as of: the projection's version and the day."""
    return f"{PROJECTION_VERSION}:{derive.day}"
