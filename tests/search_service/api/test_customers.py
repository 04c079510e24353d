"""``GET /api/customers/{account_no}``: master data and the archive grouped by type."""

from __future__ import annotations


from tests.factories import CUSTOMERS, write_customers
from tests.search_service.conftest import signed_in, BILLING_MONTHS, EXTRA_CUSTOMERS


def test_customer_master_data_and_groups_in_business_order(client):
    body = client.get("/api/customers/3301000005").json()
    assert body["customer"]["name"] == "杭州东方化工有限公司"
    assert body["customer"]["volt_level"] == "10kV" and body["customer"]["org"] == "城东供电所"
    assert [(g["doc_type"], g["count"]) for g in body["groups"]] == [
        ("YK07", 1), ("JC01", 1), ("JC03", 3)]
    assert body["total"] == 5
    notices = body["groups"][-1]["documents"]
    assert [d["doc_date"] for d in notices] == ["2023-11-02", "2023-08-01", "2022-03-10"]
    assert body["groups"][-1]["doc_type_name"] == "隐患整改通知书"


def test_documents_without_a_type_come_last(client):
    body = client.get("/api/customers/3301000007").json()
    assert body["groups"][0]["doc_type"] == "DF01"
    assert body["groups"][0]["count"] == BILLING_MONTHS
    assert body["groups"][-1]["doc_type_name"] == "未分类"


def test_customer_without_documents_still_shows_master_data(client):
    body = client.get("/api/customers/3301000008").json()
    assert body["customer"]["name"] == "赵六" and body["total"] == 0 and body["groups"] == []


def test_unknown_customer_is_404(client):
    response = client.get("/api/customers/9999999999")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found",
                                         "message": "没有户号为“9999999999”的客户或档案"}}


def test_changed_customers_file_is_reloaded_without_restart(own_archive):
    client = signed_in(own_archive.settings())
    assert client.get("/api/customers/3301000007").json()["customer"]["name"] == "王五"
    renamed = [row[:1] + ["王五（过户后）"] + row[2:] if row[0] == "3301000007" else row
               for row in CUSTOMERS + EXTRA_CUSTOMERS]
    write_customers(own_archive.root, renamed, encoding="utf-8")
    assert client.get("/api/customers/3301000007").json()["customer"]["name"] == "王五（过户后）"


def test_unreadable_customers_file_is_503(own_archive):
    client = signed_in(own_archive.settings())
    (own_archive.root / "customers.csv").write_text("名称,地址\n甲,乙\n", "utf-8")
    response = client.get("/api/customers/3301000007")
    assert response.status_code == 503
    assert "customers.csv" in response.json()["error"]["message"]
