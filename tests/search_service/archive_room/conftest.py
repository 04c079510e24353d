"""The service over a private copy of the indexed archive's index and database (its catalog
included), so each test's loans, batches, access-log records and engine updates are its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from search_service.access.policy import DEFAULT_CITY
from search_service.api.app import create_app
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


@pytest.fixture
def room_app(indexed_archive: IndexedArchive, tmp_path: Path) -> FastAPI:
    return create_app(indexed_archive.private_copy(tmp_path).settings())


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
