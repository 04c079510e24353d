"""档案管理 in a real Chromium against ``archive-search serve``: the dashboard, a customer page
with its missing documents, and a spot check drawn, filled and finished on the page, after
which the unit's 抽查合格率 changes. Screenshots (1366x768) go to ``test-artifacts/``."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from search_service.access.policy import DEFAULT_CITY
from tests.search_service.api.test_browser import DESKTOP, browser, shot, sign_in  # noqa: F401
from tests.search_service.conftest import ensure_user, serving
from tests.search_service.oversight.conftest import EAST, indexed_oversight_archive


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory):
    return indexed_oversight_archive(tmp_path_factory.mktemp("browser-oversight"))


@pytest.fixture(scope="module")
def server(archive):
    with serving(archive) as base:
        yield base


@pytest.fixture
def page(browser, server, archive):  # noqa: F811 - the browser fixture is imported
    ensure_user(archive.settings(), "ov-inspector", "inspector", DEFAULT_CITY)
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    sign_in(context, server, "ov-inspector")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def east_pass_rate(page, server) -> str:
    page.goto(f"{server}/manage/assessment")
    return page.locator(f'tr[data-org="{EAST}"] td[data-figure="spotcheck_pass"]').inner_text()


def test_dashboard_and_customer_page(page, server) -> None:
    page.goto(f"{server}/manage")
    assert page.locator('[data-tile="incomplete"] .num').inner_text() == "3"
    assert page.locator('[data-tile="hazards"] .num').inner_text() == "1"
    shot(page, "oversight-manage")
    page.click('[data-tile="hazards"]')
    assert page.locator("#list-total").inner_text() == "1"
    page.goto(f"{server}/manage/assessment")
    assert page.locator("svg.chart").count() == 8  # seven figures and the trend
    shot(page, "oversight-dashboard")
    page.locator(".charts").scroll_into_view_if_needed()
    shot(page, "oversight-dashboard-charts")
    page.goto(f"{server}/customers/3302000001")
    assert "缺 YK08 受电工程设计审查意见书、YK09 中间检查记录" in page.locator("#completeness").inner_text()
    shot(page, "oversight-customer-missing")


def test_spot_check_flow(page, server) -> None:
    assert east_pass_rate(page, server) == "无数据"  # no spot check yet: not 0%
    page.goto(f"{server}/manage/spot-checks")
    form = page.locator("#new-spot-check")
    form.locator('select[name="org"]').select_option(EAST)
    form.locator('input[name="size"]').fill("2")
    form.locator('input[name="seed"]').fill("11")
    form.locator('button[type="submit"]').click()
    page.wait_for_url("**/manage/spot-checks/*")
    rows = page.locator("#checklist tr[data-item] select")
    assert rows.count() == 6  # 2 customers × 3 manual items
    page.click("#finish")
    expect(page.locator(".form-error")).to_contain_text("还有 6 个抽查项目未填写")
    for n in range(rows.count()):
        with page.expect_response(lambda r: "/items" in r.url and r.ok):
            rows.nth(n).select_option("合格")
    expect(page.locator("#pending")).to_have_text("0")
    shot(page, "oversight-spot-check-filled")
    page.click("#finish")
    page.wait_for_selector("#report-link")
    assert page.locator("#check-state").inner_text() == "已完成（只读）"
    assert page.locator("#checklist select").count() == 0
    shot(page, "oversight-spot-check-finished")
    passed = page.locator("#passed").inner_text()
    assert east_pass_rate(page, server).startswith(f"{int(passed) / 2 * 100:.1f}%")
