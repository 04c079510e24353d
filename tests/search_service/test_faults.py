"""Faults under a running service: the database going away (503 with the JSON error,
nothing served, then recovery), and the index directory removed (503, then served again
once ``reindex`` rebuilt the index from the catalog)."""

from __future__ import annotations

import shutil
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from search_service.api.app import create_app
from search_service.cli import main as cli
from tests.search_service.conftest import IndexedArchive, signed_in


def _admin_connection(url: str) -> psycopg.Connection:
    base = make_url(url)
    return psycopg.connect(host=base.host, port=base.port, user=base.username,
                           dbname="postgres", autocommit=True)


def test_database_unavailable_is_503_and_nothing_is_served(indexed_archive: IndexedArchive,
                                                           postgres_server) -> None:
    url = postgres_server.new_database()
    name = make_url(url).database
    app = create_app(indexed_archive.settings(database_url=url))
    signed = signed_in(app)
    client = TestClient(app, raise_server_exceptions=False, cookies=signed.cookies,
                        headers=dict(signed.headers))  # answers as a browser sees them
    assert client.get("/api/search", params={"q": "明远"}).status_code == 200
    with _admin_connection(url) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = %s", (name,))
        admin.execute(f'ALTER DATABASE "{name}" RENAME TO "{name}_away"')
        try:
            for path in ("/api/search?q=明远", "/api/me"):
                response = client.get(path)
                assert response.status_code == 503, response.text
                assert response.json()["error"]["code"] == "database_unavailable"
                assert "数据库暂时无法访问" in response.json()["error"]["message"]
                assert "明远" not in response.text.replace("q=明远", "")
        finally:
            admin.execute(f'ALTER DATABASE "{name}_away" RENAME TO "{name}"')
    recovered = client.get("/api/search", params={"q": "明远"})
    assert recovered.status_code == 200 and recovered.json()["total"] > 0


def test_index_removed_under_a_running_service_is_503_until_rebuilt(
        indexed_archive: IndexedArchive, tmp_path: Path) -> None:
    index = tmp_path / "index"
    shutil.copytree(indexed_archive.index_dir, index)
    settings = indexed_archive.settings(index_dir=index,
                                        database_url=f"sqlite:///{tmp_path / 'a.db'}")
    client = signed_in(create_app(settings))
    assert client.get("/api/search", params={"q": "明远"}).json()["total"] > 0
    shutil.rmtree(index)
    for _ in range(2):  # stays unavailable, and says why
        gone = client.get("/api/search", params={"q": "明远"})
        assert gone.status_code == 503 and gone.json()["error"]["code"] == "unavailable"
        assert "检索服务暂不可用" in gone.json()["error"]["message"]
    assert cli.main(["reindex", "--index", str(index), "--db", settings.db_url(),
                     "--quiet"]) == 0  # rebuilt from the catalog, no archive file read
    back = client.get("/api/search", params={"q": "明远"})
    assert back.status_code == 200 and back.json()["total"] > 0
