"""Fixtures shared by all tests: a real archive built from real files, and its real index."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.pipeline import run_index
from tests.factories import build_archive
from tests.pg import PostgresServer, PostgresUnavailable


@pytest.fixture(scope="session")
def archive_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_archive(tmp_path_factory.mktemp("archive"))


@pytest.fixture(scope="session")
def index_dir(archive_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("index") / "ix"
    run_index(archive_root, directory, workers=1, progress=False)
    return directory


@pytest.fixture(scope="session")
def demo_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's sample archive (``make demo``: 300 customers, seed 0; its scans left out,
    they change nothing else) indexed as ``make demo`` does, laid out as ``make demo`` leaves
    it: ``data/sample-archive``, ``data/index`` and ``data/archive-search.db``; returns the
    index directory. Tests that use its database run in demo mode (``demo=True``,
    ``ARCHIVE_SEARCH_DEMO=1``): its access log is keyed with the demo key."""
    from sample_archive.generator import generate

    data = tmp_path_factory.mktemp("demo") / "data"
    generate(data / "sample-archive", customers=300, seed=0, scans=0)
    run_index(data / "sample-archive", data / "index", progress=False)
    return data / "index"


# --- databases: every database test runs on SQLite and on a real PostgreSQL server ---------

DATABASES = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL server for the session. Without one the PostgreSQL variants
    skip on a developer's machine but FAIL under CI (``CI=true``), so CI cannot go green
    without having run them."""
    try:
        server = PostgresServer.start()
    except PostgresUnavailable as exc:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"PostgreSQL is required under CI: {exc}")
        pytest.skip(f"PostgreSQL unavailable: {exc}")
    try:
        yield server
    finally:
        server.stop()


def database_url(kind: str, directory: Path, request: pytest.FixtureRequest) -> str:
    """A new empty database of ``kind``: a SQLite file in ``directory`` or a PostgreSQL
    database on the session's server."""
    if kind == "sqlite":
        return f"sqlite:///{directory / 'service.db'}"
    return request.getfixturevalue("postgres_server").new_database()


@pytest.fixture(params=DATABASES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return database_url(request.param, tmp_path, request)
