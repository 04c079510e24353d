"""Appraisal and disposal in a real Chromium by two archivists; screenshots in test-artifacts/."""

from __future__ import annotations

import pytest

from tests.search_service.api.test_browser import browser, no_horizontal_overflow, shot  # noqa: F401
from tests.search_service.archive_room.test_browser_room import signed_in_page
from tests.search_service.archive_room.test_retention import OLD_BILL, retention_archive
from tests.search_service.conftest import doc_id, ensure_user, serving


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    archive = retention_archive(tmp_path_factory.mktemp("retention-browser"))
    for name in ("archivist_a", "archivist_b"):
        ensure_user(archive.settings(), name, "archivist", "城东供电所")
    with serving(archive) as base:
        yield base


def test_two_archivists_dispose_of_a_document(browser, server):  # noqa: F811
    context, first = signed_in_page(browser, server, "archivist_a")
    first.goto(f"{server}/retention")
    row = first.locator(f'tr.due[data-doc="{doc_id(OLD_BILL)}"]')
    row.locator("input[name=reason]").fill("保管期限已满，无继续保存价值")
    row.locator("button", has_text="提出销毁").click()
    first.wait_for_selector("tr.case[data-status=proposed]")
    assert "待另一位档案管理员审批" in first.locator(f'tr.due[data-doc="{doc_id(OLD_BILL)}"]').inner_text()
    context.close()

    context, second = signed_in_page(browser, server, "archivist_b")
    second.goto(f"{server}/retention")
    row = second.locator(f'tr.due[data-doc="{doc_id(OLD_BILL)}"]')
    row.locator("input[name=reason]").fill("同意")
    shot(second, "retention-approve")
    row.locator("button", has_text="批准销毁").click()
    second.wait_for_selector("tr.case[data-status=disposed]")
    assert second.locator("tr.due").count() == 0
    assert no_horizontal_overflow(second)
    shot(second, "retention-register")
    second.goto(f"{server}/?q=电费通知单")
    assert "共 0 份" in second.locator(".total").inner_text() or second.locator(".hit").count() == 0
    context.close()
