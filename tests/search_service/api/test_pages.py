"""The server-rendered page through HTTP: escaping, URL state, links between pages."""

from __future__ import annotations

from html import unescape

import pytest
from fastapi.testclient import TestClient

from tests.search_service.conftest import doc_id


def test_user_input_is_escaped(client):
    response = client.get("/", params={"q": "<script>alert(1)</script>明远", "org": '"><b>x'})
    assert response.status_code == 200
    assert "<script>alert" not in response.text and "<b>x" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;明远" in response.text


def test_facet_links_toggle_one_value_and_keep_the_rest(client):
    html = unescape(client.get("/", params={"q": "纺织", "org": "城东供电所", "page": "1"}).text)
    q, east, west = "q=%E7%BA%BA%E7%BB%87", "org=%E5%9F%8E%E4%B8%9C", "org=%E5%9F%8E%E8%A5%BF"
    assert f'href="/?{q}"' in html  # unselecting 城东 drops it (and the page number)
    assert f'href="/?{q}&{east}%E4%BE%9B%E7%94%B5%E6%89%80&{west}%E4%BE%9B%E7%94%B5%E6%89%80"' \
        in html  # selecting 城西 as well keeps 城东


def test_hits_link_to_customer_and_document_with_the_query(client):
    html = client.get("/", params={"q": "明远"}).text
    assert 'href="/customers/3301000001"' in html
    contract = doc_id("城东供电所/3301000001_杭州明远纺织有限公司/业扩/供用电合同_2021-03-15.pdf")
    assert f'href="/documents/{contract}?q=%E6%98%8E%E8%BF%9C"' in html


def test_pdf_document_page_shows_page_images_and_offers_download(client):
    contract = doc_id("城东供电所/3301000001_杭州明远纺织有限公司/业扩/供用电合同_2021-03-15.pdf")
    html = client.get(f"/documents/{contract}").text
    assert f'<img src="/api/documents/{contract}/pages/1.png"' in html and 'loading="lazy"' in html
    assert f'href="/api/documents/{contract}/masked.pdf"' in html
    assert f'href="/api/documents/{contract}/file?download=true"' in html


def test_text_document_page_shows_marked_text(client):
    notice = doc_id("城西供电所/3301000006_临平宏达机械厂/用电检查/隐患整改通知书_2023-04-04.txt")
    html = client.get(f"/documents/{notice}", params={"q": "灭火器"}).text
    assert "<mark>灭火器</mark>" in html and "/pages/1.png" not in html


def test_customer_page_lists_groups(client):
    html = client.get("/customers/3301000005").text
    assert html.count('class="doc-group"') == 3
    assert "杭州东方化工有限公司" in html and "户号 3301000005" in html


HOSTILE_NEXT = ["//evil.example/", "/\\evil.example", "\\\\evil.example", "/\\/evil.example",
                "/\t/evil.example", "/\n/evil.example", "https://evil.example/",
                "javascript:alert(1)", " //evil.example", "/%5Cevil.example".replace("%5C", "\\"),
                "http:/evil.example", "evil.example"]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_login_never_leads_to_another_site(client, target: str) -> None:
    page = client.get("/login", params={"next": target})
    assert 'data-next="/"' in page.text, target


@pytest.mark.parametrize("target", ["/", "/?q=明远&org=城东供电所", "/documents/abc#pages",
                                    "/customers/3301000001"])
def test_login_leads_back_to_a_page_of_this_site(client, target: str) -> None:
    from html import escape

    page = client.get("/login", params={"next": target})
    assert f'data-next="{escape(target)}"' in page.text, target
def test_the_page_has_a_favicon(client):
    page = client.get("/")
    assert 'rel="icon" type="image/svg+xml" href="' in page.text
    anonymous = TestClient(client.app)
    icon = anonymous.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.content.startswith(b"<svg")
