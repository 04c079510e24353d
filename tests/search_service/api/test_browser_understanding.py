"""Typing into the search box, picking a suggestion, and removing an understood chip, in a
real headless Chromium against a real server (fixtures of test_browser.py)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from tests.search_service.api.test_browser import browser, page, server, shot  # noqa: F401


def _suggest_requests(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if "/api/suggest" in r.url else None)
    return seen


def test_typing_shows_suggestions_and_picking_a_customer_opens_their_archive(page, server):
    requests = _suggest_requests(page)
    page.goto(f"{server}/")
    box = page.locator(".searchbox input[name=q]")
    box.press_sequentially("hzmy", delay=20)
    option = page.locator("#suggest-list li").first
    option.wait_for()
    assert "杭州明远纺织有限公司" in option.inner_text()
    assert "3301000001" in option.inner_text()
    assert len(requests) <= 2  # one per pause, not one per key
    shot(page, "suggestions")
    box.press("ArrowDown")
    with page.expect_navigation():
        box.press("Enter")
    assert urlparse(page.url).path == "/customers/3301000001"
    assert "杭州明远纺织有限公司" in page.locator("h1").first.inner_text()


def test_no_request_while_an_input_method_composes(page, server):
    requests = _suggest_requests(page)
    page.goto(f"{server}/")
    box = page.locator(".searchbox input[name=q]")
    box.dispatch_event("compositionstart")
    box.evaluate("el => { el.value = 'ming'; el.dispatchEvent(new InputEvent('input', "
                 "{isComposing: true, bubbles: true})); }")
    page.wait_for_timeout(400)
    assert requests == []
    box.evaluate("el => { el.value = '明远'; }")
    box.dispatch_event("compositionend")
    page.locator("#suggest-list li").first.wait_for()
    assert len(requests) == 1 and "q=%E6%98%8E%E8%BF%9C" in requests[0]


def test_clicking_a_suggestion_with_the_mouse(page, server):
    page.goto(f"{server}/")
    page.locator(".searchbox input[name=q]").press_sequentially("隐患")
    option = page.locator("#suggest-list li", has_text="隐患整改通知书").first
    with page.expect_navigation():
        option.click()
    assert parse_qs(urlparse(page.url).query)["q"] == ["隐患整改通知书"]


def test_understood_chips_and_removing_one(page, server):
    page.goto(f"{server}/?q=城东供电所隐患整改通知书")
    chips = page.locator("#understood .understood-chip")
    assert chips.count() == 2
    assert "供电单位=城东供电所" in page.locator("#understood").inner_text()
    narrow = int(page.locator("#total").inner_text())
    shot(page, "understood-chips")
    with page.expect_navigation():
        page.locator(".understood-chip[data-text=城东供电所] .remove").click()
    assert parse_qs(urlparse(page.url).query)["without"] == ["城东供电所"]
    assert page.locator("#understood .understood-chip").count() == 1
    assert int(page.locator("#total").inner_text()) > narrow


def test_nothing_found_offers_a_similar_name_and_the_parts(page, server):
    page.goto(f"{server}/?q=明园 不存在的词语&org=城西供电所")
    panel = page.locator(".panel.empty")
    assert "您要找的是不是“杭州明远纺织有限公司”" in panel.inner_text()
    assert "只搜“不存在”" in panel.inner_text()
    shot(page, "nothing-found")
    with page.expect_navigation():
        panel.get_by_text("去掉“供电单位”筛选").click()
    assert int(page.locator("#total").inner_text()) >= 3


def test_a_loose_answer_says_so_and_offers_the_closest_customers(page, server):
    page.goto(f"{server}/?q=宁波华峰机械有限公司")
    assert "未找到“宁波华峰机械有限公司”，以下为相近结果" in page.locator(".notice.loose").inner_text()
    closest = page.locator("#did-you-mean a").first
    assert "宁波华丰纺织有限公司" in closest.inner_text()
    shot(page, "loose-match")
    with page.expect_navigation():
        closest.click()
    assert parse_qs(urlparse(page.url).query)["q"] == ["宁波华丰纺织有限公司"]
    assert page.locator(".notice.reading").count() == 0


def test_a_corrected_name_says_so_and_links_to_the_query_as_typed(page, server):
    page.goto(f"{server}/?q=铭远合同")
    notice = page.locator(".notice.corrected")
    assert "已按“明远”检索（您输入的是“铭远”）" in notice.inner_text()
    assert "供用电合同" in page.locator(".hit").first.inner_text()
    shot(page, "correction")
    with page.expect_navigation():
        notice.get_by_text("仍按“铭远”检索").click()
    assert parse_qs(urlparse(page.url).query)["q"] == ['"铭远"合同']
    assert page.locator(".notice.reading").count() == 0


def test_time_words_show_a_date_chip_that_can_be_removed(page, server):
    page.goto(f"{server}/?q=2023年以来隐患整改通知书")
    chip = page.locator('.understood-chip[data-text="2023年以来"]')
    assert "形成日期=2023-01-01 起" in chip.inner_text()
    narrow = int(page.locator("#total").inner_text())
    shot(page, "time-chip")
    with page.expect_navigation():
        chip.locator(".remove").click()
    assert int(page.locator("#total").inner_text()) > narrow
