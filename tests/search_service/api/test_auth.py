"""Signing in through HTTP: cookies, lockout, idle timeout, CSRF, bearer tokens, secrets."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from indexer.errors import InputError
from search_service.access.audit import Filters
from search_service.api.app import create_app
from search_service.config import DEMO_SECRET, Settings
from tests.search_service.access.test_audit import Clock
from tests.search_service.conftest import (CLI_ADMIN, PASSWORD, IndexedArchive, add_user,
                                           bearer_token, signed_in)

ROOT = Path(__file__).parents[3]


@pytest.fixture
def app(indexed_archive: IndexedArchive, tmp_path: Path) -> FastAPI:
    app = create_app(indexed_archive.settings(database_url=f"sqlite:///{tmp_path / 'a.db'}"))
    add_user(app, "zhangwei", "clerk", "城东供电所")
    return app


def login(client: TestClient, password: str = PASSWORD, name: str = "zhangwei"):
    return client.post("/api/login", json={"username": name, "password": password})


def test_login_sets_an_httponly_samesite_cookie_and_returns_the_csrf_token(app) -> None:
    client = TestClient(app)
    response = login(client)
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["role"], body["role_label"], body["org"]) == (
        "zhangwei", "clerk", "营业员", "城东供电所")
    assert body["csrf_token"] and body["can_read_archives"] and not body["can_read_audit"]
    cookie = response.headers["set-cookie"]
    assert "archive_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie
    assert client.get("/api/me").json()["csrf_token"] == body["csrf_token"]


def test_cookie_is_secure_behind_https(app) -> None:
    response = login(TestClient(app, base_url="https://archive.example"))
    assert "Secure" in response.headers["set-cookie"]


def test_login_form_must_be_json(app) -> None:
    response = TestClient(app).post("/api/login", data={"username": "zhangwei",
                                                        "password": PASSWORD})
    assert response.status_code == 422 and "set-cookie" not in response.headers


def test_wrong_password_then_lockout_through_http(app) -> None:
    client = TestClient(app)
    for _ in range(4):
        response = login(client, "Wrong-password-1")
        assert response.status_code == 401
        assert response.json()["error"] == {"code": "login_failed", "message": "用户名或密码错误"}
    assert login(client, "Wrong-password-1").status_code == 423
    locked = login(client)
    assert locked.status_code == 423 and locked.json()["error"]["code"] == "account_locked"
    assert "set-cookie" not in locked.headers
    assert client.get("/api/search").status_code == 401


def test_idle_session_ends(app) -> None:
    clock = Clock(datetime.now(timezone.utc))
    app.state.access.accounts.clock = clock
    client = TestClient(app)
    login(client)
    clock.advance(minutes=29)
    assert client.get("/api/search").status_code == 200
    clock.advance(minutes=31)
    response = client.get("/api/search")
    assert response.status_code == 401 and "重新登录" in response.json()["error"]["message"]


def test_state_changes_need_the_csrf_token(app) -> None:
    client = TestClient(app)
    csrf = login(client).json()["csrf_token"]
    refused = client.post("/api/logout")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_failed"
    assert client.post("/api/logout", headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert client.get("/api/me").status_code == 200  # still signed in
    assert client.post("/api/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert client.get("/api/me").status_code == 401


def test_bearer_tokens_work_until_revoked(app) -> None:
    token = bearer_token(app, "script-user", "inspector")
    client = TestClient(app)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/search", headers=headers).status_code == 200
    assert client.post("/api/logout", headers=headers).status_code == 204  # no CSRF needed
    accounts = app.state.access.accounts
    token_id = accounts.list_tokens("script-user")[0]["id"]
    accounts.revoke_token(CLI_ADMIN, token_id)
    response = client.get("/api/search", headers=headers)
    assert response.status_code == 401 and "吊销" in response.json()["error"]["message"]
    assert client.get("/api/search", headers={"Authorization": "Bearer ast_made_up"}
                      ).status_code == 401


def test_disabled_user_is_refused_at_once_in_a_live_session(app) -> None:
    client = signed_in(app, "zhangwei", "clerk", "城东供电所")
    assert client.get("/api/search").status_code == 200
    app.state.access.accounts.set_disabled(CLI_ADMIN, "zhangwei")
    assert client.get("/api/search").status_code == 401
    assert login(TestClient(app)).status_code == 401


def test_sign_ins_are_logged_with_the_client(app) -> None:
    client = TestClient(app, headers={"User-Agent": "TestBrowser/1.0 (X11)"})
    login(client, "Wrong-password-1")
    login(client)
    _, rows = app.state.access.audit.query(Filters(user="zhangwei"))
    assert [(r["action"], r["outcome"]) for r in rows[:2]] == [
        ("login", "allowed"), ("login_failed", "denied")]
    assert rows[0]["user_agent"] == "TestBrowser/1.0 (X11)" and rows[0]["client_ip"] == "testclient"


def test_the_login_page_keeps_only_local_next_targets(app) -> None:
    client = TestClient(app)
    assert 'data-next="/documents/x"' in client.get("/login", params={"next": "/documents/x"}).text
    assert 'data-next="/"' in client.get("/login", params={"next": "//evil.example/"}).text
    assert 'data-next="/"' in client.get("/login", params={"next": "https://evil.example"}).text


def test_service_refuses_missing_or_default_secrets(indexed_archive: IndexedArchive,
                                                    tmp_path: Path) -> None:
    settings = indexed_archive.settings(database_url=f"sqlite:///{tmp_path / 'd.db'}")
    for secret in ("", "changeme", DEMO_SECRET, "too-short"):
        with pytest.raises(InputError, match="ARCHIVE_SEARCH_SECRET"):
            create_app(settings.with_changes(secret_key=secret))
    assert create_app(settings.with_changes(secret_key="", demo=True))


def test_service_refuses_a_secret_that_does_not_match_the_log(indexed_archive, tmp_path) -> None:
    settings = indexed_archive.settings(database_url=f"sqlite:///{tmp_path / 'k.db'}")
    add_user(create_app(settings), "zhangwei", "clerk", "城东供电所")  # one record, this key
    with pytest.raises(InputError, match="服务密钥与访问日志不符"):
        create_app(settings.with_changes(secret_key="a-different-secret-0123"))


def test_serve_exits_2_without_a_secret(indexed_archive: IndexedArchive) -> None:
    env = {"PATH": "/usr/bin:/bin", "ARCHIVE_SEARCH_SECRET": ""}
    result = subprocess.run([sys.executable, "-m", "search_service.cli.main", "serve", "--index",
                             str(indexed_archive.index_dir)], capture_output=True, text=True,
                            cwd=ROOT, env=env, timeout=60)
    assert result.returncode == 2 and "ARCHIVE_SEARCH_SECRET" in result.stderr


def test_settings_read_the_security_variables() -> None:
    settings = Settings.from_env({"ARCHIVE_SEARCH_SECRET": "s" * 20, "ARCHIVE_SEARCH_DEMO": "0",
                                  "ARCHIVE_SEARCH_SESSION_IDLE_MINUTES": "10",
                                  "ARCHIVE_SEARCH_DB": "sqlite:////tmp/x.db"})
    assert (settings.secret_key, settings.demo, settings.session_idle_minutes,
            settings.db_url()) == ("s" * 20, False, 10, "sqlite:////tmp/x.db")
    assert Settings(index_dir=Path("/srv/ix")).db_url() == "sqlite:////srv/archive-search.db"
    with pytest.raises(InputError, match="DEMO"):
        Settings.from_env({"ARCHIVE_SEARCH_DEMO": "perhaps"})
