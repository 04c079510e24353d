"""Retention appraisal and disposal with two archivists, and paper locations from catalog.csv,
over an archive whose catalog gives periods and places."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from indexer.catalog.store import Catalog
from indexer.pipeline import run_index
from search_service.api.app import create_app
from search_service.archive_room.retention import expires_on, period_years
from tests.factories import make_txt, write_customers
from tests.search_service.conftest import IndexedArchive, doc_id, signed_in
from tests.searching import engine_count

FOLDER = "城东供电所/3301000003_张三"
OLD_BILL = f"{FOLDER}/电费/电费通知单_2010-03-05.txt"
CONTRACT = f"{FOLDER}/业扩/供用电合同_2010-01-01.txt"
RECENT = f"{FOLDER}/用电检查/用电检查工作单_2023-05-01.txt"
CATALOG = [  # 文件路径, 户号, 档案类别, 题名, 形成日期, 档号, 保管期限, 库房, 柜, 架, 盒号
    [OLD_BILL, "", "DF01", "电费通知单（2010年3月）", "2010-03-05", "", "D10", "A区库房", "3", "2", "0457"],
    [CONTRACT, "", "YK11", "供用电合同", "2010-01-01", "", "永久", "", "", "", ""],
    [RECENT, "", "JC01", "", "2023-05-01", "", "10年", "", "", "", ""],
]


def retention_archive(base: Path) -> IndexedArchive:
    """An archive whose catalog.csv gives periods (one due) and a paper location, indexed."""
    root = base / "archive"
    write_customers(root)
    make_txt(root / OLD_BILL, "电费通知单\n户号：3301000003\n2010年3月电费 88 元，滞纳金说明\n")
    make_txt(root / CONTRACT, "供用电合同\n户号：3301000003\n")
    make_txt(root / RECENT, "用电检查工作单\n户号：3301000003\n")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["文件路径", "户号", "档案类别", "题名", "形成日期", "档号", "保管期限",
                     "库房", "柜", "架", "盒号"])
    writer.writerows(CATALOG)
    (root / "catalog.csv").write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return IndexedArchive.build(root, base / "index")


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> IndexedArchive:
    return retention_archive(tmp_path_factory.mktemp("retention"))


@pytest.fixture(scope="module")
def app(archive):
    return create_app(archive.settings())


@pytest.fixture(scope="module")
def people(app):
    return {name: signed_in(app, name, role, "城东供电所") for name, role in (
        ("archivist_a", "archivist"), ("archivist_b", "archivist"), ("clerk", "clerk"))}


def test_periods_run_from_the_year_after_the_document() -> None:
    assert period_years("D30") == 30 and period_years("10年") == 10
    assert period_years("Y") is None and period_years("永久") is None and period_years("") is None
    assert expires_on("2010-03-05", "D10") == date(2021, 1, 1)
    assert expires_on("", "D10") is None and expires_on("2010-03-05", "Y") is None


def test_appraisal_and_disposal_need_two_archivists(app, archive, people) -> None:
    a, b, clerk = people["archivist_a"], people["archivist_b"], people["clerk"]
    old = doc_id(OLD_BILL)
    due = a.get("/api/retention/due").json()["documents"]
    assert [d["doc_id"] for d in due] == [old]  # the permanent and the recent one are not due
    assert due[0]["expired_on"] == "2021-01-01"
    assert clerk.get("/api/retention/due").status_code == 403
    assert a.post("/api/retention/proposals", json={"doc_id": doc_id(RECENT),
                                                    "reason": "x"}).status_code == 400

    before = clerk.get("/api/search?q=电费通知单").json()["total"]
    assert before == 1
    case = a.post("/api/retention/proposals", json={"doc_id": old, "reason": "已过保管期限，无保存价值"})
    assert case.status_code == 201, case.text
    case_id = case.json()["id"]
    assert a.post(f"/api/retention/cases/{case_id}/decision",
                  json={"approve": True}).status_code == 403  # not the proposer
    assert clerk.post(f"/api/retention/cases/{case_id}/decision",
                      json={"approve": True}).status_code == 403
    decided = b.post(f"/api/retention/cases/{case_id}/decision",
                     json={"approve": True, "reason": "同意销毁"})
    assert decided.json()["status"] == "disposed"

    assert clerk.get("/api/search?q=电费通知单").json()["total"] == 0  # left the search
    assert clerk.get(f"/api/documents/{old}").status_code == 404
    assert a.get("/api/retention/due").json()["documents"] == []
    catalog = Catalog.open(archive.settings().db_url())
    assert catalog.get(old)["path"] == OLD_BILL  # the catalog record stays, marked disposed
    assert catalog.get(old)["status"] == "disposed"
    assert b.get(f"/api/documents/{old}").status_code == 404  # for archivists too
    assert engine_count(archive.index_dir) == 2  # the engine dropped it at once
    run_index(archive.root, archive.index_dir, workers=1, progress=False)  # the file is still there
    assert clerk.get("/api/search?q=电费通知单").json()["total"] == 0  # and stays destroyed
    assert old not in {f["doc_id"] for f in a.get("/api/failed-files").json()["files"]}
    register = a.get("/api/retention/register").json()["cases"]
    assert [(c["doc_id"], c["proposed_by"], c["decided_by"], c["status_label"])
            for c in register] == [(old, "archivist_a", "archivist_b", "已销毁")]
    sheet = load_workbook(io.BytesIO(b.get("/api/retention/register.xlsx").content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[1][1] == old and rows[1][5] == "电费通知单（2010年3月）" and rows[1][-1] == "已销毁"


def test_paper_locations_from_the_catalog_shown_and_searchable(people) -> None:
    a, clerk = people["archivist_a"], people["clerk"]
    customer = clerk.get("/api/customers/3301000003").json()
    assert customer["paper"]["label"] == "A区库房 3柜 2架 盒号 0457"
    assert [p["account_no"] for p in clerk.get("/api/paper?q=0457").json()["locations"]] == \
        ["3301000003"]
    assert clerk.put("/api/customers/3301000003/paper", json={"box": "1"}).status_code == 403
    moved = a.put("/api/customers/3301000003/paper",
                  json={"store": "B区库房", "cabinet": "1", "shelf": "1", "box": "0001"})
    assert moved.status_code == 200 and moved.json()["label"] == "B区库房 1柜 1架 盒号 0001"
    assert clerk.get("/api/paper?q=0457").json()["locations"] == []
    html = clerk.get("/customers/3301000003").text
    assert "B区库房 1柜 1架 盒号 0001" in html
