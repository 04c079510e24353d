"""档案管理 over HTTP: exact figures, scope on every list and report, one log record per view
or export, Excel read back, the customer page's completeness line."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from search_service.access.policy import DEFAULT_CITY
from search_service.api.app import create_app
from search_service.oversight.followup import add_months
from search_service.reading.oversight import LIST_NAMES
from tests.search_service.oversight.conftest import (EAST, EXPIRING_SIGNED, LATE,
                                                     TOTAL_DOCUMENTS, WEST, ago)
from tests.search_service.oversight.helpers import client_for, log_of, sheet_rows, workbook


@pytest.fixture(scope="module")
def app(oversight_archive) -> FastAPI:
    return create_app(oversight_archive.settings())


@pytest.fixture(scope="module")
def city(app):
    return client_for(app, "ov-city", "archivist", DEFAULT_CITY)


@pytest.fixture(scope="module")
def west(app):
    return client_for(app, "ov-west-clerk", "clerk", WEST)


def test_overview_numbers(city) -> None:
    body = city.get("/api/oversight/overview").json()
    assert {k: body[k] for k in ("customers", "complete", "incomplete", "hazards",
                                 "contracts_expired", "contracts_expiring", "inspections",
                                 "late")} == {
        "customers": 5, "complete": 2, "incomplete": 3, "hazards": 1, "contracts_expired": 1,
        "contracts_expiring": 1, "inspections": 2, "late": LATE}
    assert {m["doc_type"]: m["count"] for m in body["missing_by_type"]}["YK10"] == 1


def test_a_clerk_sees_their_unit_only(west) -> None:
    body = west.get("/api/oversight/overview").json()
    assert (body["customers"], body["complete"], body["hazards"], body["inspections"],
            body["late"]) == (2, 0, 0, 1, 1)
    for name in LIST_NAMES:
        rows = west.get(f"/api/oversight/lists/{name}").json()["rows"]
        assert {r["org"] for r in rows} <= {WEST}, name
    incomplete = west.get("/api/oversight/lists/incomplete").json()
    assert [r["account_no"] for r in incomplete["rows"]] == ["3302000004", "3302000005"]
    report = west.get("/api/oversight/assessment").json()
    assert [r["org"] for r in report["rows"]] == [WEST, "合计"]


def test_another_units_reports_are_refused_and_logged(app, west) -> None:
    for url in ("/api/oversight/overview", "/api/oversight/lists/hazards",
                "/api/oversight/assessment", "/api/oversight/export.xlsx"):
        response = west.get(url, params={"org": EAST})
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"
    last = log_of(app, "ov-west-clerk")[-1]
    assert (last["action"], last["outcome"], last["reason"]) == (
        "oversight_export", "denied", "out_of_scope")


def test_roles_without_archives_are_refused(app) -> None:
    auditor = client_for(app, "ov-auditor", "auditor", "")
    response = auditor.get("/api/oversight/overview")
    assert response.status_code == 403
    assert log_of(app, "ov-auditor")[-1]["outcome"] == "denied"


def test_every_view_and_export_is_one_record(app, city) -> None:
    before = len(log_of(app, "ov-city"))
    city.get("/api/oversight/lists/hazards")
    city.get("/manage")
    city.get("/api/oversight/export.xlsx", params={"list": ["hazards", "late"]})
    city.get("/api/oversight/assessment.xlsx")
    records = log_of(app, "ov-city")[before:]
    assert [r["action"] for r in records] == [
        "oversight_view", "oversight_view", "oversight_export", "oversight_export"]
    assert records[0]["details"]["accounts"] == ["3302000001"]  # the accounts a list showed


def test_filtered_lists(city) -> None:
    rows = city.get("/api/oversight/lists/incomplete", params={"missing": "YK10"}).json()["rows"]
    assert [(r["account_no"], r["missing_text"]) for r in rows] == [
        ("3302000004", "YK10 竣工检验意见单")]
    east = city.get("/api/oversight/lists/late", params={"org": EAST}).json()
    assert east["total"] == LATE - 1
    assert city.get("/api/oversight/lists/nothing").status_code == 404
    bad = city.get("/api/oversight/assessment", params={"period": "2024Q5"})
    assert bad.status_code == 400 and "2024Q3" in bad.json()["error"]["message"]


def test_assessment_figures_and_formulas(city) -> None:
    report = city.get("/api/oversight/assessment").json()
    rows = {r["org"]: r["figures"] for r in report["rows"]}
    assert {k: (v["value"], v.get("numerator"), v.get("denominator"))
            for k, v in rows["合计"].items()} == {
        "customers": (5, None, None), "completeness": (0.4, 2, 5),
        "timeliness": (round(33 / 42, 4), TOTAL_DOCUMENTS - LATE, TOTAL_DOCUMENTS),
        "overdue_hazards": (1, None, None), "expired_contracts": (1, None, None),
        "inspection_coverage": (round(1 / 3, 4), 1, 3), "spotcheck_pass": (None, 0, 0)}
    assert rows[EAST]["completeness"]["value"] == round(2 / 3, 4)
    assert rows[WEST]["inspection_coverage"]["value"] == 0.0
    assert all(f["formula"] for f in report["figures"])
    assert len(report["trend"]) == 12
    assert report["trend"][-1]["completeness"] == 0.4
    assert report["trend"][-2]["completeness"] == 0.0  # nothing was filed a month ago


def test_work_lists_export_to_excel(city) -> None:
    response = city.get("/api/oversight/export.xlsx")
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml")
    book = workbook(response.content)
    assert book.sheetnames == ["资料不齐全的客户", "隐患逾期未整改", "合同到期与过期", "周期检查逾期",
                               "归档不及时的文件"]
    hazards = book["隐患逾期未整改"]
    assert hazards.freeze_panes == "A2"
    rows = sheet_rows(hazards)
    assert rows[0][:4] == ["户号", "户名", "供电单位", "通知日期"]
    assert [r[0] for r in rows[1:]] == ["3302000001"]
    assert len(sheet_rows(book["归档不及时的文件"])) == LATE + 1


def test_assessment_exports_one_sheet_per_figure(city) -> None:
    book = workbook(city.get("/api/oversight/assessment.xlsx").content)
    assert book.sheetnames == ["汇总", "客户数", "资料齐全率", "归档及时率", "隐患逾期数", "合同过期数",
                               "检查覆盖率", "抽查合格率"]
    rows = sheet_rows(book["资料齐全率"])
    assert rows[0] == ["供电单位", "资料齐全率", "分子", "分母", "计算公式"]
    assert rows[1][:4] == [EAST, "66.7%", 2, 3] and rows[-1][:4] == ["合计", "40.0%", 2, 5]
    assert all(book[name].freeze_panes == "A2" for name in book.sheetnames)


def test_customer_view_shows_what_is_missing(city) -> None:
    facts = city.get("/api/customers/3302000001").json()["oversight"]
    assert facts["missing"] == ["YK08", "YK09"]
    assert (facts["inspection"]["interval_months"], facts["inspection"]["overdue"]) == (12, True)
    assert [(h["rectify_deadline"], h["days_overdue"]) for h in facts["hazards"]] == [
        (ago(70).isoformat(), 70)]
    assert facts["contract"] == {"signed": EXPIRING_SIGNED.isoformat(),
                                 "expires": add_months(EXPIRING_SIGNED, 36).isoformat(),
                                 "state": "即将到期"}
    other = city.get("/api/customers/3302000003").json()["oversight"]
    assert (other["inspection"], other["contract"]["state"], len(other["hazards"])) == (
        None, "已过期", 1)  # its JC03's deadline is still ahead
    assert other["hazards"][0]["days_overdue"] == 0
    page = city.get("/customers/3302000001").text
    assert "应有 13 项，已有 11 项，缺 YK08 受电工程设计审查意见书、YK09 中间检查记录" in page
    assert "资料齐全</strong>：应有 5 项，已有 5 项" in city.get("/customers/3302000003").text


def test_pages_render_in_scope(west) -> None:
    page = west.get("/manage").text
    assert "档案管理" in page and 'data-tile="hazards"' in page
    listing = west.get("/manage/lists/incomplete").text
    assert "3302000005" in listing and "3302000001" not in listing
    dashboard = west.get("/manage/assessment").text
    assert "<svg" in dashboard and "计算公式" in dashboard


def test_a_lists_page_exports_what_it_shows(city) -> None:
    page = city.get("/manage/lists/contracts", params={"within": 10, "org": EAST}).text
    assert "3302000003" in page and "3302000001" not in page  # expiring in ~30 days: not shown
    link = page.split('id="export"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert link == ("/api/oversight/export.xlsx?list=contracts&amp;within=10&amp;org="
                    "%E5%9F%8E%E4%B8%9C%E4%BE%9B%E7%94%B5%E6%89%80")
    book = workbook(city.get(link.replace("&amp;", "&")).content)
    assert [r[0] for r in sheet_rows(book["合同到期与过期"])[1:]] == ["3302000003"]


def test_a_period_without_data_says_so_not_zero(city) -> None:
    page = city.get("/manage/assessment", params={"period": "2001Q1"})
    assert page.status_code == 200
    rates = [cell for cell in page.text.split('data-figure="timeliness">')[1:]]
    assert rates and all(cell.startswith("无数据") for cell in rates)  # nothing filed: not 0%


def test_units_are_picked_from_the_tree_and_unknown_ones_refused(city) -> None:
    page = city.get("/manage/assessment").text
    picker = page.split('<select name="org">', 1)[1].split("</select>", 1)[0]
    assert picker.startswith('<option value="" selected>全部</option>')
    assert '<option value="县供电公司">　县供电公司</option>' in picker  # indented by level
    assert '<option value="城东供电所">　　城东供电所</option>' in picker
    chosen = city.get("/manage/assessment", params={"org": "城东供电所"}).text
    assert '<option value="城东供电所" selected>　　城东供电所</option>' in chosen
    refused = city.get("/manage/assessment", params={"org": "不存在供电所"})
    assert refused.status_code == 404 and "没有供电单位“不存在供电所”" in refused.text
    api = city.get("/api/oversight/assessment", params={"org": "不存在供电所"})
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"
    for path in ("/api/oversight/overview", "/api/oversight/lists/late",
                 "/api/oversight/export.xlsx", "/api/oversight/assessment.xlsx",
                 "/manage", "/manage/lists/late"):  # every read that takes a unit
        answer = city.get(path, params={"org": "不存在供电所"})
        assert answer.status_code == 404, path
        assert "没有供电单位“不存在供电所”" in answer.text, path
    drawn = city.post("/api/spot-checks", json={"org": "不存在供电所", "size": 1})
    assert drawn.status_code == 404
    assert drawn.json()["error"]["message"].startswith("没有供电单位“不存在供电所”")
