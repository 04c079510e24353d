"""Tokens belong to whoever made them: ``/api/me/tokens`` makes, lists and revokes one's own
(from a session only); nobody mints one for someone else over HTTP, and a token the command
line made for someone names its creator in the record of every request made with it."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from search_service.access.audit import Filters
from search_service.access.users import User
from search_service.api.app import create_app
from tests.search_service.conftest import IndexedArchive, add_user, signed_in


@pytest.fixture
def app(indexed_archive: IndexedArchive, db_url: str) -> FastAPI:
    return create_app(indexed_archive.settings(database_url=db_url))


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def last_search(app: FastAPI, user: str) -> dict:
    _, rows = app.state.access.audit.query(Filters(user=user, actions=("search",)))
    return rows[0]


def test_owners_make_list_and_revoke_their_own_tokens(app: FastAPI) -> None:
    clerk = signed_in(app, "wangwu", "clerk", "城东供电所")
    made = clerk.post("/api/me/tokens", json={"label": "日报"})
    assert made.status_code == 201 and made.json()["token"].startswith("ast_")
    secret = made.json()["token"]
    assert [(t["label"], t["created_by"]) for t in clerk.get("/api/me/tokens").json()] == [
        ("日报", "wangwu")]
    assert TestClient(app).get("/api/search", params={"q": "合同"},
                               headers=bearer(secret)).status_code == 200
    record = last_search(app, "wangwu")
    assert "token_issued_by" not in record["details"]  # the owner made it: the owner read
    other = signed_in(app, "lisi", "clerk", "城东供电所")
    assert other.delete(f"/api/me/tokens/{made.json()['id']}").status_code == 400  # not theirs
    assert clerk.delete(f"/api/me/tokens/{made.json()['id']}").status_code == 204
    assert TestClient(app).get("/api/search", headers=bearer(secret)).status_code == 401


def test_a_token_does_not_make_tokens_and_nobody_mints_for_another(app: FastAPI) -> None:
    clerk = signed_in(app, "wangwu", "clerk", "城东供电所")
    secret = clerk.post("/api/me/tokens", json={"label": "x"}).json()["token"]
    breed = TestClient(app).post("/api/me/tokens", json={"label": "y"}, headers=bearer(secret))
    assert breed.status_code == 403 and "登录" in breed.json()["error"]["message"]
    system = signed_in(app, "root", "admin", "")
    assert system.post("/api/admin/users/wangwu/tokens", json={"label": "z"}).status_code == 405
    assert len(app.state.access.accounts.list_tokens("wangwu")) == 1


def test_a_token_made_for_someone_else_names_its_creator_in_every_record(app: FastAPI) -> None:
    add_user(app, "wangwu", "clerk", "城东供电所")
    operator = User("命令行:root", "admin", "")
    token_id, secret = app.state.access.accounts.create_token(operator, "wangwu", "夜间")
    assert TestClient(app).get("/api/search", params={"q": "合同"},
                               headers=bearer(secret)).status_code == 200
    record = last_search(app, "wangwu")
    assert record["details"]["token_issued_by"] == "命令行:root"
    assert record["details"]["token_id"] == token_id
    system = signed_in(app, "root", "admin", "")
    page = system.get("/admin")
    assert "由 命令行:root 签发" in page.text
