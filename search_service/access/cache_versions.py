"""Version counters that tell every server process when something it keeps went stale.

A process may keep what it read from the database (a user's loan grants) for as long as the
counter it read it under stands still. Whatever changes that data bumps the counter in the
same transaction (:func:`bump`), so the change and the bump commit or roll back together,
and the next read in any process sees the new number: one primary-key ``SELECT`` of one row
per request instead of the queries the kept value spares. A caller that already runs a
query per request (the signed-in user's) reads the counter in it (:func:`column`) and hands
it to :meth:`VersionedCache.get`: one round trip for both.

    VersionedCache(engine, "grants").get(key, now, load)   # load() -> (value, valid_until)
    VersionedCache(engine, "grants").get(key, now, load, version=row.grants_version)
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy import Column, Engine, Integer, String, Table, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import Label

from search_service.db import Base

GRANTS = "grants"  # loans approved, returned or expired: what a borrower may read

versions = Table(
    "cache_versions", Base.metadata,
    Column("name", String(32), primary_key=True),
    Column("version", Integer, nullable=False),
)

Value = TypeVar("Value")


def bump(conn: Connection, name: str) -> None:
    """Move ``name``'s counter on, inside the caller's (write) transaction."""
    moved = conn.execute(update(versions).where(versions.c.name == name)
                         .values(version=versions.c.version + 1)).rowcount
    if not moved:  # the migration seeds the known names; a new one starts here
        conn.execute(insert(versions).values(name=name, version=1))


def current(engine: Engine, name: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(versions.c.version)
                            .where(versions.c.name == name)).scalar() or 0


def column(name: str) -> Label[int]:
    """``name``'s counter as a column (0 if never bumped) to add to another ``SELECT``,
    labelled ``<name>_version``."""
    counter = select(versions.c.version).where(versions.c.name == name).scalar_subquery()
    return func.coalesce(counter, 0).label(f"{name}_version")


@dataclass(frozen=True)
class _Entry(Generic[Value]):
    version: int
    since: datetime  # the moment it was read for
    until: datetime | None  # when it stops holding by itself (a loan's end), None: never
    value: Value


class VersionedCache(Generic[Value]):
    """Values per key, each kept while counter ``name`` is unchanged and its time holds."""

    def __init__(self, engine: Engine, name: str, max_entries: int = 10_000) -> None:
        self.engine = engine
        self.name = name
        self.max_entries = max_entries
        self.loads = 0  # how many times a value was read from the database
        self._entries: dict[str, _Entry[Value]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, now: datetime,
            load: Callable[[], tuple[Value, datetime | None]],
            version: int | None = None) -> Value:
        """The value for ``key`` at ``now``; ``load`` reads it (and until when it holds).
        ``version``: the counter as the caller read it earlier in this request (else read
        here); read before loading, a change made meanwhile leaves a newer number: a reload."""
        if version is None:
            version = current(self.engine, self.name)
        with self._lock:
            entry = self._entries.get(key)
        if (entry is not None and entry.version == version and entry.since <= now
                and (entry.until is None or now < entry.until)):
            return entry.value
        value, until = load()
        with self._lock:
            self.loads += 1
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[key] = _Entry(version, now, until, value)
        return value
