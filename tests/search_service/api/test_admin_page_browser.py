"""The administrators' page in a real headless Chromium against a real server: the system
administrator creates an account, disables and enables it, resets its password; the security
administrator gives it a role — each visible on the page and each one access-log record."""

from __future__ import annotations

import re

import pytest

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

from search_service.access.audit import Filters
from search_service.access.control import Access
from tests.search_service.api.test_browser import (CHROMIUM, DESKTOP, browser, server,  # noqa: F401
                                               shot)
from tests.search_service.api.test_browser_access import sign_in_on_the_page
from tests.search_service.conftest import PASSWORD, ensure_user

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} 未安装")


def row(page, name: str):
    return page.locator(f'#users tr[data-name="{name}"]')


def test_the_administrators_manage_an_account_on_the_page(browser, server,  # noqa: F811
                                                          indexed_archive) -> None:
    """The system administrator creates and keeps the account, the security administrator
    gives it a role; each sees only the buttons of their duty."""
    settings = indexed_archive.settings()
    ensure_user(settings, "sysadmin", "admin")
    ensure_user(settings, "secadmin1", "secadmin")
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("dialog", lambda dialog: dialog.accept("New-password-2026"))
    sign_in_on_the_page(page, server, "sysadmin")
    page.wait_for_url(re.compile("/admin$"))  # the administrator's home
    expect(page.locator("#duty")).to_contain_text("您是系统管理员")

    page.fill("#create-user input[name=name]", "zhaoliu")
    page.fill("#create-user input[name=password]", PASSWORD)
    page.click("#create-user button[type=submit]")
    expect(page.locator("#admin-message")).to_have_text("已创建用户 zhaoliu")
    expect(page.locator("#admin-message")).not_to_have_class(re.compile(r"\berror\b"))
    expect(row(page, "zhaoliu")).to_contain_text("待授权")
    expect(row(page, "zhaoliu").locator("select[name=role]")).to_have_count(0)
    expect(page.locator("button[data-action=token]")).to_have_count(0)  # no minting for others

    row(page, "zhaoliu").locator("button[data-action=disable]").click()
    expect(row(page, "zhaoliu")).to_contain_text("已停用")
    row(page, "zhaoliu").locator("button[data-action=enable]").click()
    expect(row(page, "zhaoliu")).to_contain_text("正常")
    row(page, "zhaoliu").locator("button[data-action=password]").click()
    expect(page.locator("#admin-message")).to_contain_text("已重置 zhaoliu 的密码")
    expect(row(page, "secadmin1").locator("button[data-action=password]")).to_have_count(0)

    weak = page.locator("#create-user")
    weak.locator("input[name=name]").fill("sunqi")
    weak.locator("input[name=password]").fill("short")
    weak.locator("button[type=submit]").click()
    expect(page.locator("#admin-message")).to_contain_text("密码至少需要")
    expect(page.locator("#admin-message")).to_have_class(re.compile(r"\berror\b"))  # not a success
    context.close()

    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in_on_the_page(page, server, "secadmin1")
    page.wait_for_url(re.compile("/admin$"))
    expect(page.locator("#duty")).to_contain_text("您是安全管理员")
    expect(page.locator("#create-user")).to_have_count(0)
    expect(page.locator("button[data-action=disable]")).to_have_count(0)
    unit = row(page, "zhaoliu").locator("select[name=org]")  # a picker over the unit tree
    labels = unit.locator("option").all_inner_texts()
    assert labels[0] == "不限单位" and "　　城西供电所" in labels  # a station, two levels down
    row(page, "zhaoliu").locator("select[name=role]").select_option("clerk")
    row(page, "zhaoliu").locator("button[data-action=role]").click()  # a clerk needs a unit
    expect(page.locator("#admin-message")).to_contain_text("营业员须指定所属供电单位")
    expect(page.locator("#admin-message")).to_have_class(re.compile(r"\berror\b"))
    row(page, "zhaoliu").locator("select[name=role]").select_option("archivist")
    unit.select_option("城西供电所")
    row(page, "zhaoliu").locator("button[data-action=role]").click()
    expect(page.locator("#admin-message")).to_contain_text("已变更 zhaoliu 的角色")
    expect(page.locator("#admin-message")).to_have_class(re.compile(r"\bok\b"))
    expect(row(page, "zhaoliu").locator("select[name=role]")).to_have_value("archivist")
    expect(row(page, "zhaoliu").locator("select[name=org]")).to_have_value("城西供电所")
    row(page, "secadmin1").locator("select[name=role]").select_option("auditor")
    row(page, "secadmin1").locator("button[data-action=role]").click()
    expect(page.locator("#admin-message")).to_contain_text("不能变更自己的角色")
    shot(page, "admin-page")
    context.close()

    _, rows = Access(settings).audit.query(Filters(), page_size=200)
    changes = [(r["user"], r["action"], r["outcome"]) for r in reversed(rows)
               if r["details"].get("name") == "zhaoliu"]
    assert changes == [("sysadmin", "user_create", "allowed"),
                       ("sysadmin", "user_disable", "allowed"),
                       ("sysadmin", "user_enable", "allowed"),
                       ("sysadmin", "user_password", "allowed"),
                       ("secadmin1", "user_role", "allowed")]
