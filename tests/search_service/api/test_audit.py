"""What the auditor gets through HTTP: records with filters and paging, CSV, chain status,
alerts, and the auditor's page."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import text

from search_service.access.audit import Filters
from search_service.api.app import create_app
from tests.search_service.conftest import IndexedArchive, doc_id, signed_in

CONTRACT = doc_id("城东供电所/3301000001_杭州明远纺织有限公司/业扩/供用电合同_2021-03-15.pdf")


@pytest.fixture
def app(indexed_archive: IndexedArchive, tmp_path: Path) -> FastAPI:
    return create_app(indexed_archive.settings(database_url=f"sqlite:///{tmp_path / 'a.db'}",
                                               alert_customers=2))


@pytest.fixture
def clerk(app):
    return signed_in(app, "zhangwei", "clerk", "城东供电所")


@pytest.fixture
def auditor(app):
    return signed_in(app, "shenji", "auditor")


def test_who_viewed_customer_x(app, clerk, auditor) -> None:
    clerk.get(f"/api/documents/{CONTRACT}")
    clerk.get("/api/customers/3301000001")
    clerk.get("/api/customers/3301000002")  # out of scope: denied
    body = auditor.get("/api/audit/events", params={"account": "3301000001"}).json()
    assert [(r["user"], r["action"]) for r in body["records"]] == [
        ("zhangwei", "customer_view"), ("zhangwei", "document_view")]
    assert body["total"] == 2 and body["records"][1]["target_doc"] == CONTRACT
    denied = auditor.get("/api/audit/events", params={"outcome": "denied"}).json()
    assert [(r["target_account"], r["reason"]) for r in denied["records"]] == [
        ("3301000002", "out_of_scope")]


def test_what_did_user_y_read_with_paging_and_time_range(app, clerk, auditor) -> None:
    for q in ("明远", "张三", "王五"):
        clerk.get("/api/search", params={"q": q})
    first = auditor.get("/api/audit/events", params={
        "user": "zhangwei", "action": "search", "page_size": 2}).json()
    second = auditor.get("/api/audit/events", params={
        "user": "zhangwei", "action": "search", "page_size": 2, "page": 2}).json()
    assert first["total"] == 3
    assert [r["details"]["q"] for r in first["records"] + second["records"]] == [
        "王五", "张三", "明远"]
    today = first["records"][0]["at"][:10]
    assert auditor.get("/api/audit/events", params={
        "user": "zhangwei", "since": today, "until": today}).json()["total"] == 4  # + login
    assert auditor.get("/api/audit/events", params={
        "user": "zhangwei", "until": "2000-01-01"}).json()["total"] == 0
    bad = auditor.get("/api/audit/events", params={"action": "delete_everything"})
    assert bad.status_code == 422


def test_auditors_own_queries_are_logged(app, auditor) -> None:
    auditor.get("/api/audit/events", params={"user": "zhangwei"})
    _, rows = app.state.access.audit.query(Filters(user="shenji", actions=("audit_query",)))
    assert rows[0]["details"]["user"] == "zhangwei"


def test_csv_export_is_excel_ready_and_logged(app, clerk, auditor) -> None:
    clerk.get(f"/api/documents/{CONTRACT}")
    response = auditor.get("/api/audit/events.csv", params={"user": "zhangwei"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["序号", "时间（北京时间）", "时间（UTC）", "用户"]
    assert [r[6] for r in rows[1:]] == ["登录", "查看档案"]
    _, exports = app.state.access.audit.query(Filters(actions=("audit_export",)))
    assert exports[0]["user"] == "shenji" and exports[0]["details"] == {"user": "zhangwei"}


def test_chain_status_through_the_api_and_page(app, clerk, auditor) -> None:
    clerk.get(f"/api/documents/{CONTRACT}")
    status = auditor.get("/api/audit/verify").json()
    assert status["ok"] and status["first_bad"] is None
    page = auditor.get("/audit")
    assert page.status_code == 200 and "哈希链完整" in page.text and "chain-ok" in page.text
    with app.state.access.engine.begin() as conn:
        conn.execute(text("UPDATE audit_records SET user = 'someone' WHERE action = 'document_view'"))
    status = auditor.get("/api/audit/verify").json()
    assert not status["ok"] and status["problem"] == "altered"
    page = auditor.get("/audit")
    assert "哈希链异常" in page.text and f"第 {status['first_bad']} 号" in page.text


def test_auditor_page_filters_from_the_form(app, clerk, auditor) -> None:
    clerk.get(f"/api/documents/{CONTRACT}")
    page = auditor.get("/audit", params={"user": "zhangwei", "account": "", "doc": "",
                                         "action": "document_view", "outcome": "",
                                         "since": "", "until": ""})
    assert page.status_code == 200
    assert CONTRACT in page.text and "共 1 条记录" in page.text
    assert 'href="/api/audit/events.csv?user=zhangwei&amp;action=document_view"' in page.text


def test_alerts_list_bulk_reading(app, clerk, auditor) -> None:
    for account in ("3301000001", "3301000003", "3301000005"):  # limit is 2 an hour here
        clerk.get(f"/api/customers/{account}")
    alerts = auditor.get("/api/audit/alerts").json()["alerts"]
    bulk = [a for a in alerts if a["kind"] == "bulk_read"]
    assert len(bulk) == 1 and bulk[0]["user"] == "zhangwei" and bulk[0]["count"] == 3
    assert bulk[0]["label"] == "批量查阅客户"
    assert "批量查阅客户" in auditor.get("/audit").text


def test_only_auditors_read_the_log_and_refusals_are_logged(app, clerk) -> None:
    admin = signed_in(app, "root", "admin")
    for client in (clerk, admin):
        for path in ("/api/audit/events", "/api/audit/events.csv", "/api/audit/verify",
                     "/api/audit/alerts", "/audit"):
            assert client.get(path).status_code == 403
    _, denied = app.state.access.audit.query(Filters(outcome="denied"), page_size=100)
    assert len(denied) == 10 and {r["reason"] for r in denied} == {"role"}


def test_no_route_changes_or_deletes_records(app) -> None:
    paths = {(route.path, method) for route in app.routes
             for method in getattr(route, "methods", ()) or ()}
    audit_routes = {p for p in paths if "audit" in p[0]}
    assert {m for _, m in audit_routes} <= {"GET", "HEAD"}


def test_the_page_shows_and_filters_by_beijing_time(app, clerk, auditor) -> None:
    """17:30 UTC on 2 March is 01:30 on 3 March in Beijing: shown so, and found under the
    Beijing day the auditor picks in the form."""
    from datetime import datetime, timezone

    from search_service.access.audit import Event

    app.state.access.audit.clock = lambda: datetime(2026, 3, 2, 17, 30, tzinfo=timezone.utc)
    app.state.access.audit.append(Event("search", "late_user", "clerk", "城东供电所"))
    app.state.access.audit.clock = lambda: datetime.now(timezone.utc)
    page = auditor.get("/audit", params={"user": "late_user", "since": "2026-03-03",
                                         "until": "2026-03-03"})
    assert "时间（北京时间）" in page.text and "2026-03-03 01:30:00" in page.text
    assert "共 1 条记录" in page.text
    before = auditor.get("/audit", params={"user": "late_user", "until": "2026-03-02"})
    assert "共 0 条记录" in before.text
