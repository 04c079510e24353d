"""The service's own database (accounts, sessions, the access log) through SQLAlchemy.

SQLite by default (an embedded file in WAL mode, so readers never wait for the writer);
any SQLAlchemy URL works, e.g. ``postgresql+psycopg://user@host/archive``. The only
dialect-specific code is here: how a *serialized* write transaction is begun.

    ARCHIVE_SEARCH_DB   database URL (default ``sqlite:///data/archive-search.db``)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, TypeDecorator, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import DeclarativeBase

DEFAULT_URL = "sqlite:///data/archive-search.db"
SQLITE_BUSY_TIMEOUT_MS = 30_000
_IMMEDIATE = "archive_search_immediate"


class Base(DeclarativeBase):
    metadata = MetaData()


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def default_url(index_dir: Path) -> str:
    """Without a configured URL: a SQLite file beside the index directory."""
    return f"sqlite:///{index_dir.parent / 'archive-search.db'}"


def connect(url: str = DEFAULT_URL) -> Engine:
    """An engine for ``url`` as it is (:func:`search_service.migrate.make_engine` also brings
    its schema to the newest revision); SQLite files get WAL and a busy wait."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    return create_engine(url, pool_pre_ping=True)


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # Each commit syncs the WAL once (the access-log record is durable before the answer),
        # whatever the SQLite build's default; docs/security.md, "How the log proves ...".
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(_IMMEDIATE)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@contextmanager
def serialized(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the database's write lock from its first statement.

    SQLite: ``BEGIN IMMEDIATE`` (one writer at a time, others wait up to the busy timeout).
    Other backends: an ordinary transaction; the caller locks the row it updates with
    ``SELECT ... FOR UPDATE`` (``with_for_update()``), which SQLite ignores.
    """
    with engine.connect() as connection:
        connection = connection.execution_options(**{_IMMEDIATE: True})
        with connection.begin():
            yield connection


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
