"""Abuse limits: failed sign-ins per client address (429 + Retry-After, counted across
accounts), and bounds on request bodies and query strings."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from search_service.access.audit import Filters
from search_service.api.app import create_app
from tests.search_service.access.test_audit import Clock
from tests.search_service.conftest import PASSWORD, IndexedArchive, add_user


@pytest.fixture
def app(indexed_archive: IndexedArchive, db_url: str) -> FastAPI:
    app = create_app(indexed_archive.settings(database_url=db_url, login_address_limit=3,
                                              max_body_kb=4, max_query_chars=600))
    add_user(app, "zhangwei", "clerk", "城东供电所")
    return app


def login(client: TestClient, name: str, password: str):
    return client.post("/api/login", json={"username": name, "password": password})


def test_an_address_with_too_many_failures_gets_429_until_the_window_passes(app) -> None:
    clock = Clock(datetime.now(timezone.utc))
    app.state.access.accounts.clock = clock
    app.state.access.audit.clock = clock
    attacker = TestClient(app, client=("10.9.9.9", 4000))
    for name in ("lisi", "wangwu", "zhaoliu"):  # different accounts: no account lockout
        assert login(attacker, name, "Wrong-password-1").status_code == 401
    refused = login(attacker, "zhangwei", PASSWORD)  # even the right password
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_attempts"
    assert "分钟后再试" in refused.json()["error"]["message"]
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert "set-cookie" not in refused.headers
    colleague = TestClient(app, client=("10.1.1.1", 4000))  # another address is not affected
    assert login(colleague, "zhangwei", PASSWORD).status_code == 200
    _, rows = app.state.access.audit.query(Filters(actions=("login_failed",)))
    assert rows[0]["reason"] == "rate_limited" and rows[0]["client_ip"] == "10.9.9.9"
    clock.advance(minutes=16)
    assert login(attacker, "zhangwei", PASSWORD).status_code == 200


def test_refusals_do_not_extend_the_wait(app) -> None:
    clock = Clock(datetime.now(timezone.utc))
    app.state.access.accounts.clock = clock
    app.state.access.audit.clock = clock
    attacker = TestClient(app, client=("10.9.9.8", 4000))
    for _ in range(3):
        login(attacker, "nobody", "Wrong-password-1")
    for _ in range(5):
        clock.advance(minutes=2)
        assert login(attacker, "nobody", "Wrong-password-1").status_code == 429
    clock.advance(minutes=6)  # 16 minutes after the failures that counted
    assert login(attacker, "zhangwei", PASSWORD).status_code == 200


def test_request_bodies_are_bounded(app) -> None:
    client = TestClient(app)
    response = client.post("/api/login", content=b"{" + b" " * 8000 + b"}",
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"
    assert "请求内容过大" in response.json()["error"]["message"]

    def chunks():  # no Content-Length: counted as it arrives
        for _ in range(10):
            yield b" " * 1000

    response = client.post("/api/login", content=chunks(),
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 413


def test_query_strings_are_bounded(app) -> None:
    response = TestClient(app).get("/api/search", params={"q": "明远" * 200})
    assert response.status_code == 414
    assert response.json()["error"] == {"code": "query_too_long",
                                        "message": "请求参数过长（最多 600 个字符）"}


def test_a_page_with_too_long_a_query_is_an_error_page(app) -> None:
    response = TestClient(app).get("/", params={"q": "明远" * 200})
    assert response.status_code == 414 and "text/html" in response.headers["content-type"]
    assert "请求参数过长（最多 600 个字符）" in response.text and '{"error"' not in response.text
    assert '<a href="/">返回检索首页</a>' in response.text


def test_an_api_link_opened_in_the_browser_fails_as_a_page(app) -> None:
    client = TestClient(app)
    response = client.get("/api/search", params={"q": "明远" * 200},
                          headers={"Sec-Fetch-Dest": "document", "Sec-Fetch-Mode": "navigate"})
    assert response.status_code == 414 and "text/html" in response.headers["content-type"]
    assert "请求参数过长" in response.text and "返回检索首页" in response.text
    assert client.get("/api/search", params={"q": "明远" * 200}).json()["error"]["code"] == \
        "query_too_long"
