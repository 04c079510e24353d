"""Version counters: a kept value is read again once another process bumped its counter
(committed), not when the bump rolled back, and never outside the time it holds for."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import literal, select

from search_service.access.cache_versions import VersionedCache, bump, column, current
from search_service.db import serialized, utcnow
from search_service.migrate import make_engine

ROOT = Path(__file__).parents[3]
BUMP = """
import sys
from search_service.access.cache_versions import bump
from search_service.db import serialized
from search_service.migrate import make_engine
with serialized(make_engine(sys.argv[1])) as conn:
    bump(conn, sys.argv[2])
"""


class Source:
    """What the cache keeps a copy of: counts the reads of it."""

    def __init__(self, until=None) -> None:
        self.value, self.reads, self.until = "a", 0, until

    def load(self):
        self.reads += 1
        return self.value, self.until


def test_a_value_is_read_again_after_another_process_bumps_the_counter(db_url: str) -> None:
    engine = make_engine(db_url)
    cache, source, now = VersionedCache(engine, "grants"), Source(), utcnow()
    assert cache.get("zhangwei", now, source.load) == "a"
    assert cache.get("zhangwei", now, source.load) == "a" and source.reads == 1  # kept
    source.value = "b"
    subprocess.run([sys.executable, "-c", BUMP, db_url, "grants"], check=True, cwd=ROOT,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert cache.get("zhangwei", now, source.load) == "b" and source.reads == 2
    assert cache.get("lisi", now, source.load) == "b" and source.reads == 3  # per key


def test_a_bump_rolled_back_leaves_the_kept_value(db_url: str) -> None:
    engine = make_engine(db_url)
    cache, source, now = VersionedCache(engine, "grants"), Source(), utcnow()
    cache.get("zhangwei", now, source.load)
    before = current(engine, "grants")
    with pytest.raises(RuntimeError):
        with serialized(engine) as conn:
            bump(conn, "grants")
            raise RuntimeError("the change failed")
    assert current(engine, "grants") == before
    cache.get("zhangwei", now, source.load)
    assert source.reads == 1


def test_a_value_holds_from_its_moment_until_its_end(db_url: str) -> None:
    engine = make_engine(db_url)
    now = utcnow()
    cache, source = VersionedCache(engine, "grants"), Source(until=now + timedelta(days=7))
    cache.get("zhangwei", now, source.load)
    cache.get("zhangwei", now + timedelta(days=6), source.load)
    assert source.reads == 1
    cache.get("zhangwei", now + timedelta(days=7), source.load)  # a loan ended: read again
    assert source.reads == 2
    cache.get("zhangwei", now - timedelta(days=1), source.load)  # before it was read for
    assert source.reads == 3


def test_a_new_counter_starts_at_its_first_bump(db_url: str) -> None:
    engine = make_engine(db_url)
    assert current(engine, "roles") == 0
    with serialized(engine) as conn:
        bump(conn, "roles")
    with serialized(engine) as conn:
        bump(conn, "roles")
    assert current(engine, "roles") == 2


def test_the_counter_read_in_another_select_serves_as_the_version(db_url: str) -> None:
    """A caller's own query brings the counter (``column``): the kept value follows it."""
    engine = make_engine(db_url)
    cache, source, now = VersionedCache(engine, "grants"), Source(), utcnow()

    def counter() -> int:
        with engine.connect() as conn:
            return conn.execute(select(column("grants"), literal(1))).scalar_one()

    cache.get("zhangwei", now, source.load, version=counter())
    cache.get("zhangwei", now, source.load, version=counter())
    assert source.reads == 1
    with serialized(engine) as conn:
        bump(conn, "grants")
    assert counter() == current(engine, "grants")
    cache.get("zhangwei", now, source.load, version=counter())
    assert source.reads == 2
    with engine.connect() as conn:
        assert conn.execute(select(column("nothing_yet"))).scalar_one() == 0
