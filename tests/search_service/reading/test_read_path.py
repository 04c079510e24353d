"""A read costs one durable write, its access-log record: with a bearer token, ten searches
and ten document views commit exactly twenty transactions, and write nothing else."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select

from search_service.access.audit import records
from search_service.api.app import create_app
from tests.search_service.conftest import IndexedArchive, bearer_token, signed_in


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
    statements: list[str] = []

    def committed(conn) -> None:
        commits.append(1)

    def executed(conn, cursor, sql, *rest) -> None:
        statements.append(sql.split()[0].upper())

    event.listen(engine, "commit", committed)
    event.listen(engine, "before_cursor_execute", executed)
    try:
        for _ in range(10):
            assert client.get("/api/search", params={"q": "合同"}).status_code == 200
            assert client.get(f"/api/documents/{doc}").status_code == 200
    finally:
        event.remove(engine, "commit", committed)
        event.remove(engine, "before_cursor_execute", executed)
    # The records' own statements run on the DB-API cursor (search_service/dbapi.py), which
    # these events do not see: every other write goes through SQLAlchemy, and there is none.
    assert len(commits) == 20
    assert not [s for s in statements if s in ("INSERT", "UPDATE", "DELETE")], statements
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
    statements: list[str] = []

    def executed(conn, cursor, sql, *rest) -> None:
        statements.append(" ".join(sql.split()))

    engine = app.state.access.engine
    event.listen(engine, "before_cursor_execute", executed)
    try:
        assert client.get("/api/search", params={"q": "合同"}).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", executed)
    counters = [s for s in statements if "cache_versions" in s]
    assert len(counters) == 1 and f"FROM {how}" in counters[0], statements
    assert not [s for s in statements if "FROM loans" in s], statements
