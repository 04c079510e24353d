"""OCR results cached by file content (SHA-256), so re-indexing unchanged scans costs nothing.

A scan that is touched, renamed, moved or retried is recognised by its hash. The cache is a
SQLite file beside the index; workers read it, only the main process writes it.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from indexer.extract import SOURCE_TEXT, Extracted

FILENAME = "ocr-cache.sqlite3"
_inherited: list[sqlite3.Connection] = []  # a parent's connections, kept open (never closed
# in a forked child, which SQLite forbids) and never used


class OcrCache:
    """Created by the main process (:meth:`open`) before the workers start; a worker opens
    its own read-only connection. A cache that cannot be read is a miss, never an error."""

    def __init__(self, path: Path, version: int) -> None:
        self.path, self.version = path, version
        self._db: sqlite3.Connection | None = None
        self._pid = os.getpid()

    def open(self) -> OcrCache:
        """Create the cache file and table if missing (call in the writing process)."""
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS ocr (sha256 TEXT PRIMARY KEY, "
                   "version INTEGER, result TEXT)")
        db.commit()
        self._db, self._pid = db, os.getpid()
        return self

    def _conn(self) -> sqlite3.Connection:
        if self._pid != os.getpid():  # a forked worker never uses its parent's connection
            if self._db is not None:
                _inherited.append(self._db)
            self._db, self._pid = None, os.getpid()
        if self._db is None:
            self._db = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True, timeout=30)
        return self._db

    def get(self, sha256: str) -> Extracted | None:
        try:
            row = self._conn().execute("SELECT result FROM ocr WHERE sha256 = ? AND version = ?",
                                       (sha256, self.version)).fetchone()
        except sqlite3.Error:
            return None
        if not row:
            return None
        found = json.loads(row[0])
        return Extracted(**{**found, "page_lines": _tupled(found.get("page_lines", []))})

    def put(self, sha256: str, extracted: Extracted) -> None:
        """Remember an OCR result (text-layer results are cheap to redo and not kept)."""
        if extracted.source == SOURCE_TEXT:
            return
        with self._conn() as db:
            db.execute("INSERT OR REPLACE INTO ocr VALUES (?, ?, ?)", (
                sha256, self.version, json.dumps(extracted.__dict__, ensure_ascii=False)))

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _tupled(value: object) -> object:
    """JSON's lists back into the tuples they were written from (the pages' OCR lines)."""
    return tuple(_tupled(v) for v in value) if isinstance(value, list) else value
