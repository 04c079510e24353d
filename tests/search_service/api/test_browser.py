"""The page in a real headless Chromium (Debian's, via Playwright) against a real server.

The server is ``archive-search serve`` on a free port of 127.0.0.1; screenshots of the main
pages go to ``test-artifacts/`` for a reviewer.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from search_service.access.policy import DEFAULT_CITY
from tests.search_service.conftest import (AUDIT_EXPECTED, BILLING_MONTHS, PASSWORD,
                                           ensure_user, serving)

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
DESKTOP = {"width": 1366, "height": 768}
TABLET = {"width": 820, "height": 1180}


@pytest.fixture(scope="module")
def server(indexed_archive):
    with serving(indexed_archive) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():  # a missing browser fails loudly: .ci/run installs it
        pytest.fail(f"{CHROMIUM} not found: apt-get install chromium (never `playwright install`)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def sign_in(context, server: str, name: str) -> None:
    """Sign the browser context in through the API (the login page has its own test)."""
    response = context.request.post(f"{server}/api/login",
                                    data={"username": name, "password": PASSWORD})
    assert response.ok, response.text()


@pytest.fixture
def page(browser, server, indexed_archive):
    ensure_user(indexed_archive.settings(), "archivist", "archivist", DEFAULT_CITY)
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True, locale="zh-CN")
    sign_in(context, server, "archivist")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def total(page) -> int:
    text = page.locator(".total").inner_text()
    found = re.search(r"共 (\d+) 份", text)
    return int(found.group(1)) if found else 0


def facet_counts(page, name: str) -> dict[str, int]:
    links = page.locator(f'[data-facet="{name}"] a.facet-value')
    return {links.nth(i).get_attribute("data-value"):
            int(links.nth(i).locator(".count").inner_text()) for i in range(links.count())}


def click_facet(page, name: str, value: str) -> None:
    page.locator(f'[data-facet="{name}"] a[data-value="{value}"]').click()
    page.wait_for_load_state()


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_search_from_the_box_keeps_the_query_in_the_url(page, server):
    page.goto(server)
    page.fill("input[name=q]", "明远")
    page.press("input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"q=%E6%98%8E%E8%BF%9C"))
    assert total(page) == 3
    assert page.locator(".hit").count() == 3
    assert page.locator(".snippet mark").first.inner_text() == "明远"
    assert page.locator(".hit .customer-link").first.inner_text() == "杭州明远纺织有限公司"
    assert page.input_value("input[name=q]") == "明远"
    assert page.title() == "明远 · 客户档案检索"
    sidebar = page.locator(".facets").bounding_box()
    results = page.locator(".results").bounding_box()
    assert sidebar["x"] + sidebar["width"] <= results["x"] and sidebar["y"] == results["y"]
    assert no_horizontal_overflow(page)
    shot(page, "search-desktop")


def test_facets_select_several_values_and_counts_follow(page, server):
    page.goto(f"{server}/?q=隐患整改通知书")
    everything = total(page)
    orgs = facet_counts(page, "org")
    statuses_before = facet_counts(page, "hazard_status")
    assert sum(orgs.values()) == everything
    click_facet(page, "org", "城东供电所")
    assert "org=%E5%9F%8E%E4%B8%9C" in page.url
    assert total(page) == orgs["城东供电所"] < everything
    assert facet_counts(page, "org") == orgs  # the other 供电所 keeps its count
    assert page.locator('[data-facet="org"] a[data-value="城东供电所"]').get_attribute(
        "aria-pressed") == "true"
    statuses = facet_counts(page, "hazard_status")  # other facets follow the selection
    assert statuses != statuses_before
    assert all(count <= statuses_before[value] for value, count in statuses.items())
    click_facet(page, "org", "城西供电所")
    assert total(page) == orgs["城东供电所"] + orgs["城西供电所"]
    page.go_back()
    page.wait_for_load_state()
    assert total(page) == orgs["城东供电所"]
    assert page.locator(".chips a").count() == 1


def test_the_auditors_filters_by_clicking(page, server):
    page.goto(server)
    for name, value in [("doc_type", "JC03"), ("volt_level", "10kV"), ("org", "城东供电所"),
                        ("year", "2023"), ("hazard_status", "未整改"), ("hazard_status", "逾期")]:
        click_facet(page, name, value)
    assert total(page) == len(AUDIT_EXPECTED)
    titles = page.locator(".hit .hit-meta .customer-link").all_inner_texts()
    assert sorted(titles) == ["杭州东方化工有限公司", "杭州明远纺织有限公司"]
    shot(page, "search-auditor-filters")


def test_sort_and_paging(page, server):
    page.goto(f"{server}/?q=电费通知单")
    page.select_option("select[name=sort]", "date_asc")
    page.wait_for_url(re.compile("sort=date_asc"))
    dates = page.locator(".hit-meta").all_inner_texts()
    assert "2021-01-05" in dates[0]
    page.locator(".pager a[rel=next]").click()
    page.wait_for_url(re.compile("page=2"))
    assert page.locator(".hit").count() == BILLING_MONTHS - 20
    assert page.locator(".pager .current").inner_text() == "2"
    assert "sort=date_asc" in page.url


def test_empty_result_suggests_what_to_loosen(page, server):
    page.goto(f"{server}/?q=张三丰&org=城东供电所")
    assert page.locator("#total").get_attribute("data-total") == "0"
    suggestion = page.locator(".empty a", has_text="供电单位")
    assert "约 1 条" in suggestion.inner_text()
    shot(page, "search-empty")
    suggestion.click()
    page.wait_for_load_state()
    assert total(page) == 1


def test_customer_page_groups_the_archive_by_type(page, server):
    page.goto(f"{server}/?q=东方化工")
    page.locator(".related a").first.click()
    page.wait_for_url(re.compile("/customers/3301000005"))
    assert "杭州东方化工有限公司" in page.locator("h1").inner_text()
    groups = page.locator(".doc-group .group-head .name").all_inner_texts()
    assert groups == ["供电方案答复单", "用电检查工作单", "隐患整改通知书"]
    notices = page.locator('.doc-group[data-doc-type="JC03"] tr.doc')
    assert notices.count() == 3
    assert "2023-11-02" in notices.first.inner_text()
    assert no_horizontal_overflow(page)
    shot(page, "customer")


def test_document_page_shows_the_pdf_and_downloads_the_original(page, server, indexed_archive):
    page.goto(f"{server}/customers/3301000001")
    page.locator('.doc-group[data-doc-type="YK11"] td a').first.click()
    page.wait_for_url(re.compile("/documents/"))
    first = page.locator("#pages img").first
    first.wait_for()
    page.wait_for_function("() => document.querySelector('#pages img').naturalWidth > 0")
    shot(page, "document-pdf")
    with page.expect_download() as info:
        page.click("#download")
    download = info.value
    assert download.suggested_filename == "供用电合同_2021-03-15.pdf"
    original = indexed_archive.root / "城东供电所/3301000001_杭州明远纺织有限公司/业扩/供用电合同_2021-03-15.pdf"
    assert Path(download.path()).read_bytes() == original.read_bytes()


def test_document_page_shows_extracted_text_with_marks(page, server):
    page.goto(f"{server}/?q=变压器渗油")
    page.locator(".hit-title", has_text="隐患整改通知书").first.click()
    page.wait_for_url(re.compile("/documents/.*q="))
    assert page.locator("#doc-text mark").first.inner_text() == "变压器渗油"
    assert page.locator("#download").is_visible()
    shot(page, "document-text")


def test_tablet_width_folds_the_sidebar_above_results(browser, server, indexed_archive):
    ensure_user(indexed_archive.settings(), "archivist", "archivist", DEFAULT_CITY)
    context = browser.new_context(viewport=TABLET, locale="zh-CN")
    sign_in(context, server, "archivist")
    page = context.new_page()
    page.goto(f"{server}/?q=纺织")
    facets_box = page.locator(".facets").bounding_box()
    results_box = page.locator(".results").bounding_box()
    assert facets_box["y"] + facets_box["height"] <= results_box["y"] + 1
    assert no_horizontal_overflow(page)
    shot(page, "search-tablet")
    assert not page.locator('[data-facet="org"]').is_visible()  # folded until asked for
    page.click("#facet-box > summary")
    click_facet(page, "org", "城西供电所")
    assert total(page) == 1
    page.goto(f"{server}/customers/3301000007")
    assert no_horizontal_overflow(page)
    shot(page, "customer-tablet")
    context.close()


def test_less_used_facets_fold_until_asked_for_or_chosen(page, server):
    page.goto(f"{server}/?q=电费")
    more = page.locator(".more-facets")
    assert more.is_visible() and more.get_attribute("open") is None
    assert page.locator('[data-facet="org"]').is_visible()
    assert not page.locator('[data-facet="file_type"]').is_visible()
    shot(page, "search-facets-folded")
    more.locator("summary").click()
    first = page.locator('[data-facet="file_type"] a.facet-value').first
    chosen = first.get_attribute("data-value")
    first.click()
    page.wait_for_load_state()
    assert f"file_type={chosen}" in page.url
    assert page.locator(".more-facets").get_attribute("open") is not None  # shown as chosen
    assert page.locator(f'[data-facet="file_type"] a[data-value="{chosen}"]').get_attribute(
        "aria-pressed") == "true"
    shot(page, "search-facets-unfolded")
