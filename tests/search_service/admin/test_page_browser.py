"""The administrator's page in a real headless Chromium against a real server: create an
account, change its role, disable and enable it, reset its password, issue and revoke a
token — each visible on the page and each one access-log record."""

from __future__ import annotations

import re

import pytest

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

from search_service.access import Access
from search_service.audit import Filters
from tests.search_service.conftest import PASSWORD, ensure_user
from tests.search_service.test_browser import (CHROMIUM, DESKTOP, browser, server,  # noqa: F401
                                               shot)
from tests.search_service.test_browser_access import sign_in_on_the_page

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} 未安装")


def row(page, name: str):
    return page.locator(f'#users tr[data-name="{name}"]')


def test_the_administrator_manages_an_account_on_the_page(browser, server,  # noqa: F811
                                                          indexed_archive) -> None:
    settings = indexed_archive.settings()
    ensure_user(settings, "sysadmin", "admin")
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("dialog", lambda dialog: dialog.accept(
        "New-password-2026" if "新密码" in dialog.message else "夜间报表"))
    sign_in_on_the_page(page, server, "sysadmin")
    page.wait_for_url(re.compile("/admin$"))  # the administrator's home

    page.fill("#create-user input[name=name]", "zhaoliu")
    page.select_option("#create-user select[name=role]", "clerk")
    page.fill("#create-user input[name=org]", "城西供电所")
    page.fill("#create-user input[name=password]", PASSWORD)
    page.click("#create-user button[type=submit]")
    expect(page.locator("#admin-message")).to_have_text("已创建用户 zhaoliu")
    expect(page.locator("#admin-message")).not_to_have_class(re.compile(r"\berror\b"))
    expect(row(page, "zhaoliu")).to_contain_text("正常")

    row(page, "zhaoliu").locator("select[name=role]").select_option("archivist")
    row(page, "zhaoliu").locator("button[data-action=role]").click()
    expect(page.locator("#admin-message")).to_contain_text("已变更 zhaoliu 的角色")
    expect(row(page, "zhaoliu").locator("select[name=role]")).to_have_value("archivist")

    row(page, "zhaoliu").locator("button[data-action=disable]").click()
    expect(row(page, "zhaoliu")).to_contain_text("已停用")
    row(page, "zhaoliu").locator("button[data-action=enable]").click()
    expect(row(page, "zhaoliu")).to_contain_text("正常")

    row(page, "zhaoliu").locator("button[data-action=password]").click()
    expect(page.locator("#admin-message")).to_contain_text("已重置 zhaoliu 的密码")

    row(page, "zhaoliu").locator("button[data-action=token]").click()
    expect(page.locator("#admin-message")).to_contain_text("只显示这一次")
    assert re.search(r"ast_\S+", page.locator("#admin-message").inner_text())
    expect(row(page, "zhaoliu").locator(".user-tokens")).to_contain_text("夜间报表")
    shot(page, "admin-page")
    row(page, "zhaoliu").locator("button[data-action=revoke]").click()
    expect(row(page, "zhaoliu").locator(".user-tokens")).to_have_text("无")

    weak = page.locator("#create-user")
    weak.locator("input[name=name]").fill("sunqi")
    weak.locator("input[name=org]").fill("城西供电所")
    weak.locator("input[name=password]").fill("short")
    weak.locator("button[type=submit]").click()
    expect(page.locator("#admin-message")).to_contain_text("密码至少需要")
    expect(page.locator("#admin-message")).to_have_class(re.compile(r"\berror\b"))  # not a success
    context.close()

    _, rows = Access(settings).audit.query(Filters(user="sysadmin"), page_size=100)
    changes = [r["action"] for r in reversed(rows) if r["details"].get("name") == "zhaoliu"]
    assert changes == ["user_create", "user_role", "user_disable", "user_enable",
                       "user_password", "token_create", "token_revoke"]
