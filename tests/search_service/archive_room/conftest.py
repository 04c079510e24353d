"""The service over a private copy of the indexed archive's database (its catalog included),
so each test's loans, batches and access-log records are its own."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from search_service.app import create_app
from search_service.policy import DEFAULT_CITY
from tests.search_service.conftest import IndexedArchive, signed_in

USERS = {  # name: (role, unit)
    "clerk_east": ("clerk", "城东供电所"),
    "clerk_west": ("clerk", "城西供电所"),
    "inspector": ("inspector", ""),
    "archivist_east": ("archivist", "城东供电所"),
    "archivist_west": ("archivist", "城西供电所"),
    "archivist_west2": ("archivist", "城西供电所"),
    "archivist_city": ("archivist", DEFAULT_CITY),
    "auditor": ("auditor", ""),
    "admin": ("admin", ""),
}


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database in WAL mode (the backup API, not a file copy)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def database_copy(archive: IndexedArchive, target: Path) -> str:
    copy_database(archive.index_dir.parent / "archive-search.db", target)
    return f"sqlite:///{target}"


@pytest.fixture
def room_app(indexed_archive: IndexedArchive, tmp_path: Path) -> FastAPI:
    url = database_copy(indexed_archive, tmp_path / "room.db")
    return create_app(indexed_archive.settings(database_url=url))


class Clients(dict):
    """Clients of ``app`` by user name, each signed in when a test first asks for it."""

    def __init__(self, app: FastAPI) -> None:
        super().__init__()
        self.app = app

    def __missing__(self, name: str) -> TestClient:
        self[name] = signed_in(self.app, name, *USERS[name])
        return self[name]


@pytest.fixture
def users(room_app: FastAPI) -> Clients:
    return Clients(room_app)
