"""The administrator's API and page (三员分立): every account operation over HTTP, one
access-log record each; other roles are refused, and the administrator still reads no
archives and no access log."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from search_service.access.audit import Filters
from search_service.api.app import create_app
from tests.search_service.conftest import PASSWORD, IndexedArchive, add_user, signed_in

NEW_PASSWORD = "Another-pass-2026"


@pytest.fixture
def app(indexed_archive: IndexedArchive, db_url: str) -> FastAPI:
    return create_app(indexed_archive.settings(database_url=db_url))


@pytest.fixture
def admin(app: FastAPI) -> TestClient:
    """The system administrator (系统管理员)."""
    return signed_in(app, "root", "admin", "")


@pytest.fixture
def security(app: FastAPI) -> TestClient:
    """The security administrator (安全管理员)."""
    return signed_in(app, "sec", "secadmin", "")


def records(app: FastAPI, user: str = "root") -> list[tuple[str, str]]:
    _, rows = app.state.access.audit.query(Filters(user=user), page_size=200)
    return [(r["action"], r["details"].get("name", "")) for r in reversed(rows)
            if r["action"] not in ("login",)]


def login(app: FastAPI, name: str, password: str) -> int:
    return TestClient(app).post("/api/login", json={"username": name,
                                                    "password": password}).status_code


def test_every_account_operation_is_one_log_record(app: FastAPI, admin: TestClient,
                                                   security: TestClient) -> None:
    made = admin.post("/api/admin/users", json={"name": "zhangwei", "password": PASSWORD})
    assert made.status_code == 201 and made.json()["role_label"] == "待授权"
    assert security.put("/api/admin/users/zhangwei/role",
                        json={"role": "inspector", "org": "市供电公司"}).json()["role"] == "inspector"
    assert admin.post("/api/admin/users/zhangwei/disable").json()["disabled"] is True
    assert login(app, "zhangwei", PASSWORD) == 401
    assert admin.post("/api/admin/users/zhangwei/enable").json()["disabled"] is False
    assert admin.post("/api/admin/users/zhangwei/password",
                      json={"password": NEW_PASSWORD}).status_code == 200
    assert login(app, "zhangwei", PASSWORD) == 401
    for _ in range(4):
        login(app, "zhangwei", "Wrong-password-1")
    assert login(app, "zhangwei", NEW_PASSWORD) == 423
    assert admin.post("/api/admin/users/zhangwei/unlock").json()["locked_until"] is None
    owner = TestClient(app)
    csrf = owner.post("/api/login", json={"username": "zhangwei",
                                          "password": NEW_PASSWORD}).json()["csrf_token"]
    token = owner.post("/api/me/tokens", json={"label": "夜间报表"},
                       headers={"X-CSRF-Token": csrf}).json()
    bearer = {"Authorization": f"Bearer {token['token']}"}
    assert TestClient(app).get("/api/search", headers=bearer).status_code == 200
    listed = admin.get("/api/admin/users/zhangwei/tokens").json()
    assert [(t["id"], t["label"], t["created_by"], t["revoked"]) for t in listed] == [
        (token["id"], "夜间报表", "zhangwei", False)]
    assert admin.delete(f"/api/admin/tokens/{token['id']}").status_code == 204
    assert TestClient(app).get("/api/search", headers=bearer).status_code == 401
    users = admin.get("/api/admin/users").json()
    assert "zhangwei" in [u["name"] for u in users["users"]] and users["roles"]["admin"] == "系统管理员"
    assert records(app) == [
        ("user_create", "zhangwei"), ("user_disable", "zhangwei"), ("user_enable", "zhangwei"),
        ("user_password", "zhangwei"), ("user_unlock", "zhangwei"),
        ("token_revoke", "zhangwei"), ("user_list", ""),
    ]
    assert records(app, "sec") == [("user_role", "zhangwei")]


def test_bad_input_is_a_chinese_400(admin: TestClient, security: TestClient) -> None:
    weak = admin.post("/api/admin/users", json={"name": "lisi", "password": "short"})
    assert weak.status_code == 400 and "密码至少需要" in weak.json()["error"]["message"]
    assert admin.post("/api/admin/users", json={"name": "lisi", "password": PASSWORD}
                      ).status_code == 201
    no_unit = security.put("/api/admin/users/lisi/role", json={"role": "clerk"})
    assert no_unit.status_code == 400 and "所属供电单位" in no_unit.json()["error"]["message"]
    assert admin.post("/api/admin/users/nobody/disable").status_code == 400


def test_state_changes_need_the_csrf_token(admin: TestClient) -> None:
    bare = TestClient(admin.app, cookies=admin.cookies)
    response = bare.post("/api/admin/users/root/disable")
    assert response.status_code == 403 and response.json()["error"]["code"] == "csrf_failed"


@pytest.mark.parametrize("role, org", [("archivist", "市供电公司"), ("auditor", ""),
                                       ("clerk", "城东供电所"), ("pending", "")])
def test_other_roles_are_refused_and_logged(app: FastAPI, role: str, org: str) -> None:
    client = signed_in(app, f"x_{role}", role, org)
    refused = client.get("/api/admin/users")
    assert refused.status_code == 403 and "系统管理员" in refused.json()["error"]["message"]
    assert client.post("/api/admin/users/x_clerk/disable").status_code == 403
    assert client.put("/api/admin/users/x_clerk/role", json={"role": "clerk"}).status_code == 403
    assert client.get("/admin").status_code == 403
    _, rows = app.state.access.audit.query(Filters(user=f"x_{role}", outcome="denied"))
    assert rows and rows[0]["action"] == "user_list" and rows[0]["reason"] == "role"


@pytest.mark.parametrize("role", ["admin", "secadmin"])
def test_administrators_read_no_archives_and_no_log(app: FastAPI, role: str) -> None:
    client = signed_in(app, f"a_{role}", role, "")
    assert client.get("/api/search", params={"q": "明远"}).status_code == 403
    assert client.get("/api/audit/events").status_code == 403
    assert client.get("/audit").status_code == 403
    home = client.get("/", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/admin"


def test_the_page_lists_accounts_in_beijing_time(app: FastAPI, admin: TestClient) -> None:
    add_user(app, "wangwu", "clerk", "城西供电所")
    page = admin.get("/admin")
    assert page.status_code == 200
    assert "用户管理" in page.text and "wangwu" in page.text and "城西供电所" in page.text
    assert "创建时间（北京时间）" in page.text


def test_units_must_exist(admin: TestClient, security: TestClient) -> None:
    made = admin.post("/api/admin/users", json={"name": "wangwu", "role": "pending", "org": "",
                                                "password": PASSWORD})
    assert made.status_code == 201
    unknown = security.put("/api/admin/users/wangwu/role", json={"role": "clerk", "org": "城北供电所"})
    assert unknown.status_code == 400
    assert unknown.json()["error"]["message"] == "没有供电单位“城北供电所”，请从单位列表中选择"
    moved = security.put("/api/admin/users/wangwu/role", json={"role": "clerk", "org": "城东供电所"})
    assert moved.status_code == 200 and moved.json()["org"] == "城东供电所"
    page = security.get("/admin").text  # a strict picker: the tree, indented, nothing typed
    assert "<datalist" not in page and 'list="units"' not in page
    assert '<option value="城东供电所" selected>　　城东供电所</option>' in page
    assert '<option value="市供电公司">市供电公司</option>' in page


def test_a_unit_that_left_the_tree_is_shown_as_such(app: FastAPI, security: TestClient) -> None:
    """An account made before its unit left units.csv (or by a script) keeps it until the
    security administrator picks another; the picker says so instead of hiding it."""
    add_user(app, "old_unit", "clerk", "已撤销供电所")
    page = security.get("/admin").text
    row = page.split('data-name="old_unit"', 1)[1].split("</tr>", 1)[0]
    assert '<option value="已撤销供电所" selected>已撤销供电所（不在单位树中，请改选）</option>' in row
    assert row.count(" selected") == 2  # its role and that unit, nothing else
