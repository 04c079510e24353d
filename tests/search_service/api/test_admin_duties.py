"""三员分立 over HTTP: the system administrator manages accounts, the security administrator
sets roles and units, the audit administrator reads the log, including every administrator's
action; no account holds two duties, and every refusal is itself a record."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from search_service.access.audit import Filters
from search_service.api.app import create_app
from tests.search_service.conftest import PASSWORD, IndexedArchive, add_user, signed_in


@pytest.fixture
def app(indexed_archive: IndexedArchive, db_url: str) -> FastAPI:
    return create_app(indexed_archive.settings(database_url=db_url))


def denials(app: FastAPI, user: str) -> list[tuple[str, str, str]]:
    _, rows = app.state.access.audit.query(Filters(user=user, outcome="denied"), page_size=100)
    return [(r["action"], r["reason"], r["details"].get("name", "")) for r in reversed(rows)]


def refused(response, words: str) -> bool:
    return response.status_code == 403 and words in response.json()["error"]["message"]


def test_the_system_administrator_cannot_set_roles_or_units(app: FastAPI) -> None:
    system = signed_in(app, "root", "admin", "")
    add_user(app, "wangwu", "clerk", "城东供电所")
    assert refused(system.put("/api/admin/users/wangwu/role", json={"role": "archivist"}),
                   "安全管理员")
    assert refused(system.put("/api/admin/users/root/role", json={"role": "auditor"}),
                   "安全管理员")
    assert refused(system.post("/api/admin/users", json={
        "name": "boss", "password": PASSWORD, "role": "archivist", "org": "市供电公司"}),
        "由安全管理员设置")
    assert app.state.access.accounts.get("wangwu").role == "clerk"
    assert denials(app, "root") == [("user_list", "role", ""), ("user_list", "role", ""),
                                    ("user_create", "duty", "boss")]


def test_the_security_administrator_cannot_manage_accounts(app: FastAPI) -> None:
    security = signed_in(app, "sec", "secadmin", "")
    add_user(app, "wangwu", "clerk", "城东供电所")
    assert refused(security.post("/api/admin/users", json={"name": "x1", "password": PASSWORD}),
                   "系统管理员")
    for path in ("disable", "enable", "unlock"):
        assert refused(security.post(f"/api/admin/users/wangwu/{path}"), "系统管理员")
    assert refused(security.post("/api/admin/users/wangwu/password",
                                 json={"password": "Another-pass-2026"}), "系统管理员")
    assert refused(security.get("/api/admin/users/wangwu/tokens"), "系统管理员")
    assert security.get("/api/admin/users").status_code == 200  # but sees the accounts


def test_no_one_sets_their_own_role_nor_gives_an_administrator_a_second_duty(
        app: FastAPI) -> None:
    security = signed_in(app, "sec", "secadmin", "")
    for name, role in (("root", "admin"), ("checker", "auditor"), ("sec2", "secadmin")):
        add_user(app, name, role, "")
    assert refused(security.put("/api/admin/users/sec/role", json={"role": "auditor"}),
                   "自己")
    assert refused(security.put("/api/admin/users/root/role", json={"role": "auditor"}),
                   "三员分立")
    assert refused(security.put("/api/admin/users/checker/role",
                                json={"role": "archivist", "org": "市供电公司"}), "三员分立")
    assert refused(security.put("/api/admin/users/sec2/role", json={"role": "admin"}), "三员分立")
    accounts = app.state.access.accounts
    assert [accounts.get(n).role for n in ("sec", "root", "checker", "sec2")] == [
        "secadmin", "admin", "auditor", "secadmin"]
    assert [d[:2] for d in denials(app, "sec")] == [("user_role", "duty")] * 4
    add_user(app, "newbie", "pending", "")  # a new account takes a duty once
    assert security.put("/api/admin/users/newbie/role", json={"role": "auditor"}).json()[
        "role_label"] == "审计管理员"


def test_administrators_passwords_are_not_reset_by_the_system_administrator(
        app: FastAPI) -> None:
    """Else the system administrator could sign in as the auditor and read the log."""
    system = signed_in(app, "root", "admin", "")
    for name, role in (("checker", "auditor"), ("sec", "secadmin"), ("root2", "admin")):
        add_user(app, name, role, "")
        assert refused(system.post(f"/api/admin/users/{name}/password",
                                   json={"password": "Another-pass-2026"}), "user reset-password")
    assert TestClient(app).post("/api/login", json={"username": "checker",
                                                    "password": PASSWORD}).status_code == 200
    assert refused(system.post("/api/admin/users/root/disable"), "自己")


def test_the_audit_administrator_reads_what_the_administrators_did(app: FastAPI) -> None:
    system = signed_in(app, "root", "admin", "")
    security = signed_in(app, "sec", "secadmin", "")
    auditor = signed_in(app, "checker", "auditor", "")
    system.post("/api/admin/users", json={"name": "zhaoliu", "password": PASSWORD})
    security.put("/api/admin/users/zhaoliu/role", json={"role": "clerk", "org": "城东供电所"})
    security.put("/api/admin/users/sec/role", json={"role": "auditor"})  # refused, logged
    rows = auditor.get("/api/audit/events", params={"action": ["user_create", "user_role"]}
                       ).json()
    seen = [(r["user"], r["role"], r["action"], r["outcome"], r["details"].get("name"))
            for r in reversed(rows["records"]) if r["user"] != "test-admin"]  # not fixtures
    assert seen == [("root", "admin", "user_create", "allowed", "zhaoliu"),
                    ("sec", "secadmin", "user_role", "allowed", "zhaoliu"),
                    ("sec", "secadmin", "user_role", "denied", "sec")]


def test_the_administrators_pages_offer_no_archive_search(app: FastAPI) -> None:
    for role in ("admin", "secadmin"):
        page = signed_in(app, f"nav-{role}", role, "").get("/admin").text
        assert 'name="q"' not in page and 'href="/loans"' not in page, role
        assert 'href="/admin"' in page, role
