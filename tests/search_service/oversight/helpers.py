"""Clients of the oversight fixture's service, signed in per role, and its access log."""

from __future__ import annotations

import io
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from search_service.access.audit import Filters
from tests.search_service.conftest import signed_in


def client_for(app, name: str, role: str, org: str) -> TestClient:
    return signed_in(app, name, role, org)


def log_of(app, user: str) -> list[dict[str, Any]]:
    """The user's access-log records, oldest first."""
    _, found = app.state.access.audit.query(Filters(user=user), page_size=1000)
    return list(reversed(found))


def workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def sheet_rows(sheet) -> list[list[Any]]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]
