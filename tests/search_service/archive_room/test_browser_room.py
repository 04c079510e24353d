"""The loan flow and the page viewer in a real Chromium against a real server (1366x768);
screenshots go to ``test-artifacts/``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from search_service.archive_room.eep.verify import verify_export
from tests.search_service.api.test_browser import (DESKTOP, browser, facet_counts,  # noqa: F401
                                               no_horizontal_overflow, shot, sign_in, total)
from tests.search_service.archive_room.conftest import USERS
from tests.search_service.conftest import doc_id, ensure_user, serving

WEST = "3301000002"
CONTRACT = doc_id("城东供电所/3301000001_杭州明远纺织有限公司/业扩/供用电合同_2021-03-15.pdf")


@pytest.fixture(scope="module")
def server(indexed_archive, tmp_path_factory):
    own = indexed_archive.private_copy(tmp_path_factory.mktemp("room-browser"))
    settings = own.settings()
    for name in ("clerk_east", "archivist_west", "archivist_east"):
        ensure_user(settings, name, *USERS[name])
    with serving(own) as base:
        yield base


def signed_in_page(browser, server, name):  # noqa: F811 - browser is the shared fixture
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True, locale="zh-CN")
    sign_in(context, server, name)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_a_clerk_borrows_another_units_customer(browser, server):  # noqa: F811
    clerk_context, clerk = signed_in_page(browser, server, "clerk_east")
    clerk.goto(f"{server}/?q=")
    before = total(clerk)
    assert "城西供电所" not in facet_counts(clerk, "org")

    clerk.click("#nav-loans")
    clerk.wait_for_url(re.compile("/loans"))
    clerk.fill("#accounts", WEST)
    clerk.select_option("#purpose", "法律纠纷")
    clerk.fill("#purpose_text", "用电纠纷调解，核对申请资料")
    clerk.fill("#days", "10")
    shot(clerk, "loan-request")
    clerk.click("#submit-loan")
    clerk.wait_for_selector("#mine tr.loan[data-status=pending]")
    assert "待审批" in clerk.locator("#mine tr.loan").first.inner_text()

    archivist_context, archivist = signed_in_page(browser, server, "archivist_west")
    archivist.goto(f"{server}/loans")
    row = archivist.locator("#pending tr.loan").first
    assert "clerk_east" in row.inner_text() and "法律纠纷" in row.inner_text()
    row.locator(".reason").fill("同意，借阅期间注意保密")
    shot(archivist, "loan-approve")
    row.locator("button[data-act=approve]").click()
    archivist.wait_for_selector("#register tr.loan[data-status=approved]")
    assert not archivist.locator("#loan-form").is_visible()  # archivists decide first
    assert no_horizontal_overflow(archivist)
    shot(archivist, "loan-register")
    archivist_context.close()

    clerk.goto(f"{server}/loans")
    mine = clerk.locator("#mine tr.loan").first
    assert "借出中" in mine.inner_text() and "同意" in mine.inner_text()
    shot(clerk, "loan-mine")
    clerk.goto(f"{server}/?q=")
    granted = facet_counts(clerk, "org")["城西供电所"]
    assert granted > 0 and total(clerk) == before + granted
    clerk.goto(f"{server}/customers/{WEST}")
    assert "张三丰" in clerk.locator("h1").inner_text()
    assert "13998765432" not in clerk.content()  # a loan of masked copies stays masked
    shot(clerk, "loan-customer")
    clerk_context.close()


def test_the_viewer_shows_watermarked_pages(browser, server):  # noqa: F811
    context, page = signed_in_page(browser, server, "clerk_east")
    page.goto(f"{server}/documents/{CONTRACT}?q=合同")
    image = page.locator("#pages img").first
    image.wait_for()
    page.wait_for_function("() => document.querySelector('#pages img').naturalWidth > 1000")
    assert page.locator("#masked-copy").is_visible()
    image.scroll_into_view_if_needed()
    shot(page, "viewer-page")
    with page.expect_download() as info:
        page.click("#masked-copy")
    assert info.value.suggested_filename.endswith("_脱敏副本.pdf")
    assert no_horizontal_overflow(page)
    context.close()


def test_a_handover_submitted_and_received(browser, server):  # noqa: F811
    context, clerk = signed_in_page(browser, server, "clerk_east")
    clerk.goto(f"{server}/handovers")
    clerk.fill("#accounts", "3301000001")
    clerk.click("#check-batch")
    clerk.wait_for_function("() => document.getElementById('check-result').textContent.length > 0")
    assert "资料不齐全" in clerk.locator("#check-result").inner_text()
    clerk.click("#submit-batch")
    clerk.wait_for_function(
        "() => document.getElementById('handover-error').textContent.length > 0")
    assert "请填写说明" in clerk.locator("#handover-error").inner_text()
    clerk.fill("#gaps_reason", "身份证明待客户补交")
    shot(clerk, "handover-submit")
    clerk.click("#submit-batch")
    clerk.wait_for_url(re.compile(r"/handovers/\d+"))
    batch_url = clerk.url
    assert clerk.locator("#batch-status").inner_text() == "待接收"
    context.close()

    context, archivist = signed_in_page(browser, server, "archivist_east")
    archivist.goto(batch_url)
    first = archivist.locator("tr.item[data-status=待接收]").first
    first.locator(".reason").fill("缺少客户签字")
    first.locator("button[data-act=return]").click()
    archivist.wait_for_selector("tr.item[data-status=退回]")
    archivist.click("#accept-rest")
    archivist.wait_for_selector("#batch[data-status=已接收]")
    assert archivist.locator("tr.item[data-status=已接收]").count() >= 1
    archivist.reload()
    assert no_horizontal_overflow(archivist)
    shot(archivist, "handover-received")
    with archivist.expect_download() as info:
        archivist.click("#export-eep")  # the accepted documents as EEP packages
    assert info.value.suggested_filename.startswith("电子档案封装包_YJ-")
    assert verify_export(Path(info.value.path())).ok
    context.close()
