"""A read costs one durable write, its access-log record: with a bearer token, ten searches
and ten document views commit exactly twenty transactions, and write nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, func, select

from search_service.access.audit import records
from search_service.api.app import create_app
from tests.search_service.conftest import IndexedArchive, bearer_token, signed_in


@contextmanager
def statements_run(engine: Engine) -> Iterator[list[str]]:
    """Every statement the driver runs on ``engine``'s connections meanwhile, as the database
    sees it: those run straight on a DB-API cursor (search_service/dbapi.py) too, which
    SQLAlchemy's events do not see (SQLite's trace callback; psycopg's cursor class)."""
    statements: list[str] = []

    def note(sql: object) -> None:
        statements.append(" ".join(str(sql).split()))

    def traced(dbapi_conn: Any, record: Any, proxy: Any) -> None:
        if hasattr(dbapi_conn, "set_trace_callback"):
            dbapi_conn.set_trace_callback(note)
            return
        plain = record.info.setdefault("cursor_factory", dbapi_conn.cursor_factory)

        class Traced(plain):  # type: ignore[misc, valid-type]
            def execute(self, query: Any, *args: Any, **kwargs: Any) -> Any:
                note(query)
                return super().execute(query, *args, **kwargs)

            def executemany(self, query: Any, *args: Any, **kwargs: Any) -> Any:
                note(query)
                return super().executemany(query, *args, **kwargs)

        dbapi_conn.cursor_factory = Traced

    def untraced(dbapi_conn: Any, record: Any) -> None:
        if hasattr(dbapi_conn, "set_trace_callback"):
            dbapi_conn.set_trace_callback(None)
        elif "cursor_factory" in record.info:
            dbapi_conn.cursor_factory = record.info["cursor_factory"]

    event.listen(engine, "checkout", traced)
    event.listen(engine, "checkin", untraced)
    try:
        yield statements
    finally:
        event.remove(engine, "checkout", traced)
        event.remove(engine, "checkin", untraced)


@pytest.fixture
def app(indexed_archive: IndexedArchive, db_url: str) -> FastAPI:
    return create_app(indexed_archive.settings(database_url=db_url))


def test_each_read_commits_its_record_and_nothing_else(app: FastAPI) -> None:
    client = TestClient(app)
    client.headers["Authorization"] = f"Bearer {bearer_token(app)}"
    first = client.get("/api/search", params={"q": "合同"}).json()  # last_used noted once
    doc = first["hits"][0]["doc_id"]
    engine = app.state.access.engine
    with engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(records)).scalar_one()
    commits: list[int] = []

    def committed(conn) -> None:
        commits.append(1)

    event.listen(engine, "commit", committed)
    try:
        with statements_run(engine) as statements:
            for _ in range(10):
                assert client.get("/api/search", params={"q": "合同"}).status_code == 200
                assert client.get(f"/api/documents/{doc}").status_code == 200
    finally:
        event.remove(engine, "commit", committed)
    assert len(commits) == 20
    writes = [s for s in statements if s.split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert len(writes) == 40 and all(  # each record, and the log's head moved past it
        s.startswith(("INSERT INTO audit_records", "UPDATE audit_head")) for s in writes), writes
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(records)).scalar_one() == before + 20


def test_a_search_makes_one_thread_hop_for_authentication_and_the_search(
        app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    """The route is async and runs all its blocking work, the signed-in user's lookup
    included, in one hop (a ``def`` dependency would add one, a ``def`` route another)."""
    import anyio.to_thread

    client = TestClient(app)
    client.headers["Authorization"] = f"Bearer {bearer_token(app)}"
    client.get("/api/search", params={"q": "合同"})
    hops: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(func, *args, **kwargs):
        hops.append(getattr(func, "__name__", repr(func)))
        return await run_sync(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    assert client.get("/api/search", params={"q": "合同"}).status_code == 200
    assert len(hops) == 1, hops


@pytest.mark.parametrize("how", ["api_tokens", "sessions"])
def test_the_signed_in_user_and_the_grants_counter_come_in_one_select(app: FastAPI,
                                                                       how: str) -> None:
    """The token's (or session's) row brings the loan grants' counter with it: a search
    reads neither the counter nor the loans in a statement of its own."""
    if how == "sessions":
        client = signed_in(app)
    else:
        client = TestClient(app)
        client.headers["Authorization"] = f"Bearer {bearer_token(app)}"
    client.get("/api/search", params={"q": "合同"})  # grants loaded, last_used noted
    with statements_run(app.state.access.engine) as statements:
        assert client.get("/api/search", params={"q": "合同"}).status_code == 200
    counters = [s for s in statements if "cache_versions" in s]
    assert len(counters) == 1 and f"FROM {how}" in counters[0], statements
    assert not [s for s in statements if "FROM loans" in s], statements
