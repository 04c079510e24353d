"""Statements run on the DB-API cursor: inside the caller's transaction (committed or rolled
back with it), rows back from a SELECT, the driver's errors as SQLAlchemy's, on every backend."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from search_service.access.cache_versions import versions
from search_service.db import serialized
from search_service.dbapi import Compiled
from search_service.migrate import make_engine

ADD = Compiled(insert(versions), column_keys=("name", "version"))
READ = Compiled(select(versions.c.name, versions.c.version)
                .where(versions.c.version >= 10).order_by(versions.c.name))
MOVE = Compiled(update(versions).where(versions.c.name == bindparam("which"))
                .values(version=bindparam("to")))


def count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(versions)).scalar_one()


def test_statements_commit_with_the_transaction_and_return_rows(db_url: str) -> None:
    engine = make_engine(db_url)
    before = count(engine)
    with serialized(engine) as conn:
        ADD.execute_many(conn, [{"name": "a", "version": 10}, {"name": "b", "version": 11}])
        MOVE.execute(conn, {"which": "b", "to": 12})
        assert READ.execute(conn, {}) == [("a", 10), ("b", 12)]
    assert count(engine) == before + 2


def test_statements_roll_back_with_the_transaction(db_url: str) -> None:
    engine = make_engine(db_url)
    before = count(engine)
    with pytest.raises(RuntimeError):
        with serialized(engine) as conn:
            ADD.execute(conn, {"name": "a", "version": 10})
            raise RuntimeError("the caller's change failed")
    assert count(engine) == before


def test_the_drivers_errors_come_out_as_sqlalchemys(db_url: str) -> None:
    engine = make_engine(db_url)
    with pytest.raises(DBAPIError) as raised:
        with serialized(engine) as conn:
            ADD.execute_many(conn, [{"name": "a", "version": 1}, {"name": "a", "version": 2}])
    assert isinstance(raised.value, SQLAlchemyError)
    assert count(engine) == 1  # the seeded counter only: the group rolled back whole


def test_a_selected_row_comes_converted_as_through_sqlalchemy(db_url: str) -> None:
    from datetime import datetime, timezone

    from search_service.access.accounts import users

    engine = make_engine(db_url)
    made = datetime(2026, 12, 4, 9, 30, 15, 123456, tzinfo=timezone.utc)
    with serialized(engine) as conn:
        conn.execute(insert(users).values(name="dbapi-first", role="clerk", org="城东供电所",
                                          password_hash="x", disabled=True, created_at=made,
                                          password_changed_at=made))
    one = Compiled(select(users.c.name, users.c.disabled, users.c.locked_until,
                          users.c.created_at, func.coalesce(users.c.failed_logins, 7)
                          .label("failed")).where(users.c.name == bindparam("name")))
    with engine.connect() as conn:
        row = one.first(conn, {"name": "dbapi-first"})
        expected = conn.execute(one.statement, {"name": "dbapi-first"}).one()._asdict()
        assert one.first(conn, {"name": "nobody"}) is None
    assert row == expected
    assert row["created_at"] == made and row["created_at"].tzinfo is not None
    assert row["disabled"] is True and row["locked_until"] is None and row["failed"] == 0
