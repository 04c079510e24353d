from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect

from search_service.db import serialized
from search_service.migrate import make_engine


def test_sqlite_file_is_created_in_wal_mode_with_all_tables(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'service.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        # FULL: each commit syncs the log file before it returns, whatever SQLite's build
        # defaults to (a record the answer went out for survives a power cut, not only a crash)
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
    assert {"users", "sessions", "api_tokens", "audit_records", "audit_head"} <= set(
        inspect(engine).get_table_names())


def test_serialized_transactions_hold_the_write_lock(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "service.db"
    engine = make_engine(f"sqlite:///{path}")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    with serialized(engine):
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        assert other.execute("SELECT count(*) FROM audit_records").fetchone() == (0,)
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")


def test_naive_datetimes_are_refused(tmp_path: Path) -> None:
    from search_service.access.accounts import users

    engine = make_engine(f"sqlite:///{tmp_path / 'service.db'}")
    with pytest.raises(Exception, match="naive"):
        with engine.begin() as conn:
            conn.execute(users.insert().values(
                name="x", role="clerk", org="o", password_hash="h", disabled=False,
                failed_logins=0, created_at=datetime.now(), password_changed_at=datetime.now()))


def test_the_chain_head_is_row_locked_on_postgresql() -> None:
    """Elsewhere than SQLite, appends serialize on ``SELECT ... FOR UPDATE`` of the head row."""
    from sqlalchemy import select
    from sqlalchemy.dialects import postgresql, sqlite

    from search_service.access.audit import head

    statement = select(head).where(head.c.id == 1).with_for_update()
    assert str(statement.compile(dialect=postgresql.dialect())).endswith("FOR UPDATE")
    assert "FOR UPDATE" not in str(statement.compile(dialect=sqlite.dialect()))
