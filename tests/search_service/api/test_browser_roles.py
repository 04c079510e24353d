"""Each role's main task on the demo's sample archive, in a real Chromium at 1366×768 and at
tablet width: the task can be done and the page fits the screen (no sideways scrolling).
Screenshots go to ``test-artifacts/roles-<role>-<desktop|tablet>.png`` (the ones in
``docs/screenshots/`` come from here, listed in ``docs/web.md``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sample_archive.domain import CITY_COMPANY
from search_service.config import Settings
from tests.search_service.api.test_browser import DESKTOP, TABLET, browser, shot, sign_in  # noqa: F401
from tests.search_service.conftest import IndexedArchive, ensure_user, serving

ACCOUNTS = {"r_clerk": ("clerk", "城东供电所"), "r_inspector": ("inspector", CITY_COMPANY),
            "r_archivist": ("archivist", CITY_COMPANY), "r_auditor": ("auditor", ""),
            "r_admin": ("admin", ""), "r_secadmin": ("secadmin", "")}
SIZES = {"desktop": DESKTOP, "tablet": TABLET}


@pytest.fixture(scope="module")
def demo_server(demo_index: Path):
    archive = IndexedArchive(demo_index.parent / "sample-archive", demo_index)
    # the demo's setting, as make demo serves it (every test on the demo's database keys its
    # access log with the demo key)
    settings = Settings(index_dir=demo_index, archive_root=archive.root, demo=True)
    for name, (role, org) in ACCOUNTS.items():
        ensure_user(settings, name, role, org)
    with serving(archive, ARCHIVE_SEARCH_DEMO="1", ARCHIVE_SEARCH_SECRET="") as base:
        yield base


@pytest.fixture(params=list(SIZES))
def as_role(request, browser, demo_server):  # noqa: F811
    """Opens a page signed in as an account, at the size of this run."""
    contexts = []

    def open_as(name: str):
        context = browser.new_context(viewport=SIZES[request.param], locale="zh-CN",
                                      accept_downloads=True)
        contexts.append(context)
        sign_in(context, demo_server, name)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page, demo_server, request.param

    yield open_as
    for context in contexts:
        context.close()


def fits(page) -> None:
    """Nothing wider than the screen: no sideways scrolling."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{page.url} is {overflow}px wider than the screen"


def test_a_clerk_finds_a_customer_and_opens_the_archive(as_role) -> None:
    page, base, size = as_role("r_clerk")
    page.goto(f"{base}/")
    page.locator(".searchbox input[name=q]").fill("明远")
    with page.expect_navigation():
        page.locator(".searchbox input[name=q]").press("Enter")
    assert page.locator(".hit").count() > 0
    fits(page)
    shot(page, f"roles-clerk-search-{size}")
    page.locator(".hit .customer-link").first.click()
    page.wait_for_url("**/customers/**")
    assert "临江明远五金有限公司" in page.locator("h1").first.inner_text()
    fits(page)
    shot(page, f"roles-clerk-customer-{size}")


@pytest.mark.parametrize("account, path, rows, at_least", [
    ("r_inspector", "/manage/assessment", "#assessment tbody tr", 5),  # compares units
    ("r_archivist", "/retention", "#due tbody tr", 5),  # what is due for appraisal
    ("r_auditor", "/audit", "#records tbody tr", 1),  # reads the log
    ("r_admin", "/admin", "#users tbody tr", 5),  # manages accounts
    ("r_secadmin", "/admin", "#users select[name=org]", 5),  # picks roles and units
])
def test_each_roles_main_page(as_role, account: str, path: str, rows: str, at_least: int) -> None:
    page, base, size = as_role(account)
    page.goto(f"{base}{path}")
    assert page.locator(rows).count() >= at_least
    fits(page)
    shot(page, f"roles-{ACCOUNTS[account][0]}-{size}")


def test_the_assessment_opens_on_a_quarter_with_figures(as_role) -> None:
    """The sample stops in mid-2025: the first view is its last quarter, not 无数据 today."""
    page, base, _ = as_role("r_inspector")
    page.goto(f"{base}/manage/assessment")
    assert page.locator("input[name=period]").input_value() == "2025Q2"
    total = page.locator('#assessment tr[data-org="合计"] td[data-figure="timeliness"]')
    assert re.fullmatch(r"\d+\.\d%\n\d+/\d+", total.inner_text())  # a rate and its parts
