"""Chunks of catalog rows applied to an engine, projected here or in worker processes.

Projecting a record for an engine that takes analyzer tokens (tantivy, Manticore) is mostly
the analyzer, pure Python: a rebuild on two cores hands it to a worker process
(``workers``; the record's four text fields go there, their six token texts come back)
while this process reads the catalog, derives the next chunk and writes the engine. Chunks
reach the engine in the order they were read, and nothing is committed here: a failed or
killed run leaves the engine's last commit as it was.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from search_service.engines.base import SearchEngine
from search_service.engines.projection import engine_record
from search_service.engines.tokens import ANALYSED, ANALYSED_FIELDS, analysed

AHEAD = 2  # chunks a worker may analyse ahead of the engine's writing
PARENT_CHECK_SECONDS = 0.5
TEXT_FIELDS = ANALYSED_FIELDS[:4]  # the record fields the analysed ones are made from


def project(rows: Sequence[Mapping[str, Any]], derived: Mapping[str, Mapping[str, Any]]
            ) -> list[dict[str, Any]]:
    """The engine records of searchable ``rows`` with their derived fields."""
    return [engine_record(row, derived[row["doc_id"]]) for row in rows]


def analyse(texts: Sequence[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """For each record's :data:`TEXT_FIELDS`, its token texts of
    :data:`~search_service.engines.tokens.ANALYSED_FIELDS` (run in a worker: only strings
    cross between the processes)."""
    return [tuple(analysed(dict(zip(TEXT_FIELDS, values))).values()) for values in texts]


def _leave_with_parent(parent: int) -> None:
    """In a worker: exit as soon as the process that started it is gone (a killed reindex
    leaves no worker behind; a worker waiting for work would never learn of it otherwise)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="leave-with-parent", daemon=True).start()


class ChunkWriter:
    """Applies chunks (records to replace, doc ids to delete) to ``engine`` in order; with
    ``workers``, an engine taking tokens has them made in that many worker processes."""

    def __init__(self, engine: SearchEngine, workers: int = 0) -> None:
        self.engine = engine
        self.pool = ProcessPoolExecutor(  # spawned: the engine's writer threads are running
            workers, multiprocessing.get_context("spawn"), initializer=_leave_with_parent,
            initargs=(os.getpid(),)) if workers > 0 and engine.takes_tokens else None
        self.pending: deque[tuple[list[dict[str, Any]], Future[list[tuple[str, ...]]],
                                  list[str]]] = deque()

    def apply(self, rows: list[dict[str, Any]], derived: Mapping[str, Mapping[str, Any]],
              gone: list[str]) -> None:
        """Replace the searchable ``rows`` (their ``derived`` fields by doc id), delete
        ``gone``."""
        records = project(rows, derived)
        if self.pool is None:
            self._write(records, gone)  # the engine analyses, if it does
            return
        texts = [tuple(str(r.get(f) or "") for f in TEXT_FIELDS) for r in records]
        self.pending.append((records, self.pool.submit(analyse, texts), gone))
        while len(self.pending) > AHEAD:
            self._write_next()

    def finish(self) -> None:
        """Write every chunk still being analysed, and stop the workers."""
        try:
            while self.pending:
                self._write_next()
        finally:
            self.close()

    def close(self) -> None:
        """Stop the workers, dropping what they have not done (a failed run)."""
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None
        self.pending.clear()

    def _write_next(self) -> None:
        records, future, gone = self.pending.popleft()
        for record, tokens in zip(records, future.result(), strict=True):
            record[ANALYSED] = dict(zip(ANALYSED_FIELDS, tokens))
        self._write(records, gone)

    def _write(self, records: list[dict[str, Any]], gone: list[str]) -> None:
        if records:
            self.engine.replace(records)
        if gone:
            self.engine.delete(gone)
