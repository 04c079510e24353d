"""Security headers on every kind of answer, and pages that need no inline script: every
page of every role is parsed for inline scripts, event-handler attributes and
``javascript:`` addresses; a real browser loads the main pages under the policy and reports
no violation."""

from __future__ import annotations

import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from search_service.access.policy import DEFAULT_CITY
from search_service.api.headers import CONTENT_SECURITY_POLICY
from tests.search_service.conftest import (IndexedArchive, doc_id, ensure_user, serving,
                                           signed_in, PASSWORD)

TEMPLATES = Path(__file__).resolve().parents[3] / "web" / "templates"
DOC = doc_id("城东供电所/3301000001_杭州明远纺织有限公司/用电检查/隐患整改通知书_2023-05-20.pdf")
PAGES = ["/", "/?q=明远", f"/documents/{DOC}", "/customers/3301000001", "/failed", "/audit",
         "/loans", "/handovers", "/retention", "/manage", "/manage/assessment",
         "/manage/spot-checks", "/admin", "/login", "/no-such-page", "/manage/lists/overdue"]


@pytest.fixture(scope="module")
def archivist(indexed_archive: IndexedArchive):
    return signed_in(indexed_archive.settings(), "hdr-archivist", "archivist", DEFAULT_CITY)


def assert_secured(response, cacheable: bool = False) -> None:
    headers = response.headers
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert ("no-store" in headers.get("cache-control", "")) is not cacheable, response.url


def test_every_kind_of_answer_carries_the_headers(archivist) -> None:
    answers = [archivist.get(path) for path in PAGES]
    answers += [archivist.get("/api/search", params={"q": "明远"}),
                archivist.get(f"/api/documents/{DOC}"), archivist.get(f"/api/documents/{DOC}/file"),
                archivist.get(f"/api/documents/{DOC}/pages/1.png"),
                archivist.get("/api/customers/3301000001"),
                archivist.get("/api/documents/0000000000000000"),  # 404 JSON
                archivist.get("/api/search", params={"q": "x" * 20000}),  # refused by the limits
                archivist.post("/api/login", json={"username": "x", "password": "y"})]
    assert {a.status_code for a in answers} >= {200, 404, 414}
    for answer in answers:
        assert_secured(answer)
    assert_secured(archivist.get("/static/style.css"), cacheable=True)


class InlineFinder(HTMLParser):
    """Inline scripts, event-handler attributes and javascript: addresses in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self.found.append("<script> without src")
        if tag == "style" or "style" in names:
            self.found.append(f"inline style on <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{name} on <{tag}>")
            if (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: in {name}")


def inline_code(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def test_the_finder_finds_a_planted_inline_script() -> None:
    planted = '<p onclick="x()">a</p><script>alert(1)</script><a href="javascript:x()">b</a>'
    assert len(inline_code(planted)) == 3


@pytest.mark.parametrize("role,org", [("archivist", DEFAULT_CITY), ("clerk", "城东供电所"),
                                      ("auditor", ""), ("admin", ""), ("inspector", "")])
def test_no_page_of_any_role_has_inline_code(indexed_archive, role: str, org: str) -> None:
    client = signed_in(indexed_archive.settings(), f"hdr-{role}", role, org)
    for path in PAGES:
        assert inline_code(client.get(path).text) == [], path


def test_no_template_has_inline_code() -> None:
    for template in TEMPLATES.glob("*.html"):
        assert inline_code(template.read_text(encoding="utf-8")) == [], template.name


def test_a_real_browser_runs_the_pages_under_the_policy(indexed_archive) -> None:
    chromium = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    ensure_user(indexed_archive.settings(), "hdr-browser", "archivist", DEFAULT_CITY)
    violations: list[str] = []
    with serving(indexed_archive) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium),
                                    args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 820, "height": 1180})
        page = context.new_page()
        page.on("console", lambda m: violations.append(m.text)
                if "Content Security Policy" in m.text else None)
        page.goto(f"{base}/login?next=/%5Cevil.example")  # a planted open redirect
        page.fill("input[name=username]", "hdr-browser")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")  # home, not evil.example
        page.goto(f"{base}/?q=明远")
        assert page.locator("#facet-box").get_attribute("open") is None  # folded: script ran
        page.select_option("form.sort select[name=sort]", "date_asc")
        page.wait_for_url("**sort=date_asc**")  # the sort script ran
        page.goto(f"{base}/documents/{DOC}")
        page.wait_for_selector("img[data-page='1']")
        browser.close()
    assert violations == []
