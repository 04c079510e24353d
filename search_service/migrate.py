"""Schema migrations (Alembic): every database is brought to the newest schema in place.

:func:`upgrade` runs on every :func:`make_engine` (so the service, each
worker and every command upgrade an existing database when they start) and from
``archive-search db upgrade``. It holds the database's write lock (SQLite ``BEGIN
IMMEDIATE``; PostgreSQL an advisory lock), so processes starting together migrate once.
A database made before migrations existed (tables, no ``alembic_version``) is recognised
as the initial revision and upgraded from there.

Developers: ``python -m search_service.migrate revision -m "what changed"`` writes a new
migration by comparing ``Base.metadata`` with a database at head.
"""

from __future__ import annotations

import argparse
import importlib
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import Connection

from search_service.db import DEFAULT_URL, connect, serialized

MIGRATIONS = Path(__file__).with_name("migrations")
INITIAL = "0001"
# Databases made by create_all before migrations existed, newest first: the revision whose
# tables they all hold is the one they are stamped with.
LEGACY = (
    ("0002", frozenset({"users", "sessions", "api_tokens", "audit_records", "audit_head",
                        "documents", "customers", "catalog_meta"})),
    (INITIAL, frozenset({"users", "sessions", "api_tokens", "audit_records", "audit_head"})),
)
_PG_LOCK_KEY = 0x61726368  # "arch": one advisory lock for migrations
# Modules that define tables on ``Base.metadata``: migrations compare against all of them.
# A new table: add its module here and write a migration.
MODEL_MODULES = ("search_service.access.accounts", "search_service.access.audit",
                 "search_service.access.checkpoints", "search_service.access.cache_versions",
                 "indexer.catalog.tables", "search_service.oversight.sql",
                 "search_service.oversight.spotcheck", "search_service.archive_room.tables")


def make_engine(url: str = DEFAULT_URL, *, migrate: bool = True) -> Engine:
    """An engine for ``url``, its schema migrated to the newest revision (``migrate``);
    SQLite files get WAL and a busy wait (:func:`search_service.db.connect`)."""
    engine = connect(url)
    if migrate:
        load_models()
        upgrade(engine)
    return engine


def load_models() -> None:
    """Import every module that defines tables, so ``Base.metadata`` is complete."""
    for name in MODEL_MODULES:
        importlib.import_module(name)


def alembic_config(url: str = "") -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Bring the database to ``revision``; return the revision it was at (None: empty)."""
    with engine.connect() as conn:
        if revision == "head" and current_revision(conn) == head_revision():
            return head_revision()
    with serialized(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        before = current_revision(conn)
        config = alembic_config()
        config.attributes["connection"] = conn
        if before is None:
            before = _legacy_revision(set(inspect(conn).get_table_names()))
            if before is not None:
                command.stamp(config, before)
        command.upgrade(config, revision)
    return before


def _legacy_revision(tables: set[str]) -> str | None:
    """The revision a database made before migrations existed is at (None: a new one)."""
    return next((revision for revision, needed in LEGACY if needed <= tables), None)


def _revision(message: str) -> None:
    """Autogenerate a migration: compare ``Base.metadata`` with a fresh database at head."""
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'head.db'}"
        make_engine(url).dispose()
        command.revision(alembic_config(url), message=message, autogenerate=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="schema migrations (developers)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("revision").add_argument("-m", "--message", required=True)
    args = parser.parse_args()
    if args.command == "revision":
        _revision(args.message)


if __name__ == "__main__":
    main()
