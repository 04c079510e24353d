"""Signing in and the access log in a real headless Chromium against a real server.

A clerk signs in on the login page, searches, opens a document and signs out; the auditor
signs in and finds that very view on the access-log page.
"""

from __future__ import annotations

import re

import pytest

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

from tests.search_service.api.test_browser import (CHROMIUM, DESKTOP, browser, server,  # noqa: F401
                                               shot)
from tests.search_service.conftest import PASSWORD, ensure_user

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} 未安装")


def sign_in_on_the_page(page, base: str, name: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


@pytest.fixture
def context(browser):  # noqa: F811
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    yield context
    context.close()


def test_clerk_reads_a_document_and_the_auditor_finds_that_view(context, server,  # noqa: F811
                                                                indexed_archive) -> None:
    ensure_user(indexed_archive.settings(), "clerk_east", "clerk", "城东供电所")
    ensure_user(indexed_archive.settings(), "auditor", "auditor")
    page = context.new_page()
    page.set_default_timeout(10_000)

    page.goto(f"{server}/?q=明远")
    page.wait_for_url(re.compile("/login\\?next="))  # not signed in: sent to sign in first
    page.fill("input[name=username]", "clerk_east")
    page.fill("input[name=password]", "Wrong-password-1")
    page.click("button[type=submit]")
    expect(page.locator("#login-error")).to_have_text("用户名或密码错误")
    shot(page, "login-refused")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/\?q=%E6%98%8E%E8%BF%9C"))  # back where the clerk was going
    assert "clerk_east" in page.locator("#who").inner_text()
    assert "营业员" in page.locator("#who").inner_text()
    orgs = page.locator('[data-facet="org"] a.facet-value')
    assert orgs.count() == 1 and orgs.first.get_attribute("data-value") == "城东供电所"
    page.locator(".hit-title", has_text="隐患整改通知书").first.click()
    page.wait_for_url(re.compile("/documents/([0-9a-f]{16})"))
    opened = re.search(r"/documents/([0-9a-f]{16})", page.url).group(1)
    assert "配电房未配备灭火器" in page.locator(".doc-text").first.text_content()
    shot(page, "clerk-document")
    page.click("#logout")
    page.wait_for_url(re.compile("/login"))
    page.goto(f"{server}/documents/{opened}")
    page.wait_for_url(re.compile("/login"))  # the session is gone

    sign_in_on_the_page(page, server, "auditor")
    page.wait_for_url(re.compile("/audit"))  # the auditor's home is the access log
    assert "哈希链完整" in page.locator("#chain-status").inner_text()
    page.fill("input[name=user]", "clerk_east")
    page.select_option("select[name=action]", "document_view")
    page.click(".audit-filters button[type=submit]")
    page.wait_for_url(re.compile("user=clerk_east"))
    rows = page.locator("#records tbody tr")
    assert rows.count() >= 1
    newest = rows.first.inner_text()
    assert opened in newest and "clerk_east" in newest and "查看档案" in newest
    assert "允许" in newest
    shot(page, "auditor-log")
