"""``GET /api/documents/{id}`` and its original file, including the archive-root guard."""

from __future__ import annotations

from urllib.parse import quote

from tests.search_service.conftest import signed_in, OUTSIDE_SECRET, doc_id

CONTRACT = "城东供电所/3301000001_杭州明远纺织有限公司/业扩/供用电合同_2021-03-15.pdf"
NOTICE_DOCX = "城东供电所/3301000005_杭州东方化工有限公司/用电检查/隐患整改通知书_2023-08-01.docx"
ANSWER_DOCX = "城东供电所/3301000005_杭州东方化工有限公司/业扩/供电方案答复单 (修订版)_2022-01-05.docx"
APPLICATION_TXT = "城西供电所/3301000002_张三丰/用电申请书.txt"
LINK = "城东供电所/3301000007_王五/外部链接.txt"


def test_document_metadata_and_text(client):
    body = client.get(f"/api/documents/{doc_id(CONTRACT)}").json()
    assert body["doc_id"] == doc_id(CONTRACT) and body["path"] == CONTRACT
    assert (body["account_no"], body["customer_name"], body["doc_type"], body["doc_type_name"],
            body["doc_date"], body["file_type"], body["pages"], body["status"]) == (
        "3301000001", "杭州明远纺织有限公司", "YK11", "供用电合同", "2021-03-15", "pdf", 2, "ok")
    assert "合同容量：630kVA" in body["text"]
    assert body["text_html"] == body["text"]  # nothing to mark without a query


def test_document_text_marks_the_query(client):
    body = client.get(f"/api/documents/{doc_id(CONTRACT)}", params={"q": "电费 结算"}).json()
    assert "<mark>电费</mark><mark>结算</mark>" in body["text_html"] or \
        "<mark>电费结算</mark>" in body["text_html"]
    assert body["text_html"].count("<mark>") >= 2


def test_unknown_document_is_404(client):
    response = client.get("/api/documents/0123456789abcdef")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert "0123456789abcdef" in response.json()["error"]["message"]


def test_pdf_is_served_inline_with_its_bytes(client, indexed_archive):
    response = client.get(f"/api/documents/{doc_id(CONTRACT)}/file")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        "inline; filename=\"______2021-03-15.pdf\"; "
        f"filename*=UTF-8''{quote('供用电合同_2021-03-15.pdf')}")
    assert response.content == (indexed_archive.root / CONTRACT).read_bytes()
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_pdf_download_is_an_attachment(client):
    response = client.get(f"/api/documents/{doc_id(CONTRACT)}/file", params={"download": "true"})
    assert response.headers["content-disposition"].startswith("attachment; ")


def test_other_formats_are_attachments_with_a_utf8_filename(client, indexed_archive):
    response = client.get(f"/api/documents/{doc_id(ANSWER_DOCX)}/file")
    assert response.status_code == 200
    assert response.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=\"")
    assert disposition.endswith(
        "filename*=UTF-8''%E4%BE%9B%E7%94%B5%E6%96%B9%E6%A1%88%E7%AD%94%E5%A4%8D%E5%8D%95"
        "%20%28%E4%BF%AE%E8%AE%A2%E7%89%88%29_2022-01-05.docx")
    assert response.content == (indexed_archive.root / ANSWER_DOCX).read_bytes()


def test_text_files_are_sent_as_stored_without_a_guessed_charset(client, indexed_archive):
    response = client.get(f"/api/documents/{doc_id(APPLICATION_TXT)}/file")
    assert response.headers["content-type"] == "text/plain"
    assert response.content == (indexed_archive.root / APPLICATION_TXT).read_bytes()  # GBK


def test_a_link_out_of_the_archive_is_neither_indexed_nor_served(client):
    for url in (f"/api/documents/{doc_id(LINK)}/file", f"/api/documents/{doc_id(LINK)}"):
        response = client.get(url)
        assert response.status_code == 404 and OUTSIDE_SECRET not in response.text
    found = client.get("/api/search", params={"q": OUTSIDE_SECRET, "page_size": 100})
    assert found.json()["reading"] != "as_written"  # only its words one by one match
    assert OUTSIDE_SECRET not in found.text and LINK not in found.text
    assert client.get("/api/search", params={"q": f'"{OUTSIDE_SECRET}"'}).json()["total"] == 0


def test_a_link_that_appears_after_indexing_is_refused(own_archive, tmp_path):
    """The indexed file is replaced by a link to a file outside the archive."""
    outside = tmp_path / "elsewhere.txt"
    outside.write_text(OUTSIDE_SECRET, "utf-8")
    (own_archive.root / APPLICATION_TXT).unlink()
    (own_archive.root / APPLICATION_TXT).symlink_to(outside)
    response = signed_in(own_archive.settings()).get(
        f"/api/documents/{doc_id(APPLICATION_TXT)}/file")
    assert response.status_code == 404
    assert "不在档案目录内" in response.json()["error"]["message"]
    assert OUTSIDE_SECRET not in response.text


def test_ids_that_look_like_paths_are_refused(client):
    for bad in ("..%2F..%2Fetc%2Fpasswd", "%2E%2E", "0123456789ABCDEF", "0123456789abcdef0"):
        response = client.get(f"/api/documents/{bad}/file")
        assert response.status_code in (404, 422), bad
        assert set(response.json()) == {"error"}
    response = client.get("/api/documents/../../../../etc/passwd")  # normalised to /etc/passwd
    assert response.status_code == 404 and "root:" not in response.text


def test_a_stored_path_escaping_the_root_is_refused(own_archive):
    """Even a catalog row naming ``../`` (a damaged or foreign catalog) cannot read outside."""
    from indexer.catalog.store import Catalog
    from search_service.db import default_url

    secret = own_archive.root.parent / "passwd"
    secret.write_text("root:x:0:0", "utf-8")
    Catalog.open(default_url(own_archive.index_dir)).write([{
        "doc_id": "feedfeedfeedfeed", "path": "../passwd", "status": "ok", "file_type": "txt",
        "size": 1, "mtime": 1, "sha256": "x", "org": "城东供电所"}])
    client = signed_in(own_archive.settings())
    response = client.get("/api/documents/feedfeedfeedfeed/file")
    assert response.status_code == 404 and "root:x" not in response.text


def test_a_deleted_file_is_404_naming_the_reason(own_archive):
    (own_archive.root / NOTICE_DOCX).unlink()
    client = signed_in(own_archive.settings())
    response = client.get(f"/api/documents/{doc_id(NOTICE_DOCX)}/file")
    assert response.status_code == 404 and "已不存在" in response.json()["error"]["message"]


def test_files_need_an_archive_root(own_archive, tmp_path):
    settings = own_archive.settings(archive_root=tmp_path / "missing")
    response = signed_in(settings).get(f"/api/documents/{doc_id(CONTRACT)}/file")
    assert response.status_code == 503
    assert "ARCHIVE_SEARCH_ROOT" in response.json()["error"]["message"]


def test_the_root_defaults_to_the_one_the_indexer_recorded(indexed_archive):
    client = signed_in(indexed_archive.settings(archive_root=None))
    response = client.get(f"/api/documents/{doc_id(CONTRACT)}/file")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
