"""Handover through HTTP: a batch checked for gaps, submitted with a reason, partly returned,
accepted and closed; its list read back from the generated PDF and Excel."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from pypdf import PdfReader

from search_service.access.audit import Filters

EAST = "3301000001"  # 杭州明远纺织有限公司, 高压, 城东供电所
RESIDENT = "3301000003"  # 张三, 低压居民, 城东供电所


def handover_facet(client) -> dict[str, int]:  # noqa: ANN001
    """The handover-status facet of customer EAST's documents in a search."""
    found = client.get("/api/search", params={"account_no": EAST}).json()["facets"]
    return {f["value"]: f["count"] for f in found["handover_status"]}


def test_handover_submitted_partly_returned_accepted_and_listed(room_app, users) -> None:
    clerk, archivist = users["clerk_east"], users["archivist_east"]
    check = clerk.post("/api/handovers/check", json={"accounts": [EAST]}).json()
    assert check["org"] == "城东供电所" and check["documents"]
    assert "YK01" in check["gaps"][EAST]  # a 高压 customer without 用电申请书

    refused = clerk.post("/api/handovers", json={"accounts": [EAST]})
    assert refused.status_code == 400 and "用电申请书" in refused.json()["error"]["message"]
    created = clerk.post("/api/handovers", json={"accounts": [EAST],
                                                 "gaps_reason": "申请书在营业厅补签中"})
    assert created.status_code == 201, created.text
    batch = created.json()
    docs = [d["doc_id"] for d in batch["documents"]]
    assert batch["status"] == "待接收" and batch["batch_no"].startswith("YJ-")
    assert {d["handover_status"] for d in batch["documents"]} == {"待接收"}
    assert handover_facet(clerk) == {"待接收": len(docs)}  # the search knows at once
    again = clerk.post("/api/handovers", json={"accounts": [EAST], "gaps_reason": "再交"})
    assert again.status_code == 400  # everything is already waiting

    assert clerk.post(f"/api/handovers/{batch['id']}/decisions", json={"items": [
        {"doc_id": docs[0], "accept": True}]}).status_code == 403
    assert users["archivist_west"].post(f"/api/handovers/{batch['id']}/decisions", json={
        "items": [{"doc_id": docs[0], "accept": True}]}).status_code == 403
    no_reason = archivist.post(f"/api/handovers/{batch['id']}/decisions", json={"items": [
        {"doc_id": docs[0], "accept": False}]})
    assert no_reason.status_code == 400
    partial = archivist.post(f"/api/handovers/{batch['id']}/decisions", json={"items": [
        {"doc_id": docs[0], "accept": False, "reason": "缺少客户签字"}]}).json()
    assert partial["status"] == "待接收" and partial["counts"]["returned"] == 1
    closed = archivist.post(f"/api/handovers/{batch['id']}/decisions", json={"items": [
        {"doc_id": d, "accept": True} for d in docs[1:]]}).json()
    assert closed["status"] == "已接收" and closed["received_by"] == "archivist_east"
    assert closed["counts"] == {"documents": len(docs), "pages": closed["counts"]["pages"],
                                "accepted": len(docs) - 1, "returned": 1, "pending": 0}
    assert handover_facet(clerk) == {"已接收": len(docs) - 1, "退回": 1}
    returned = clerk.get("/api/search", params={"account_no": EAST, "handover_status": "退回"})
    assert [h["doc_id"] for h in returned.json()["hits"]] == [docs[0]]
    late = archivist.post(f"/api/handovers/{batch['id']}/decisions", json={"items": [
        {"doc_id": docs[0], "accept": True}]})
    assert late.status_code == 400 and "已关闭" in late.json()["error"]["message"]

    statuses = room_app.state.reader.room.handover.statuses(docs + ["0" * 16])
    assert statuses[docs[0]]["status"] == "退回" and statuses["0" * 16]["status"] == "未移交"
    assert all(statuses[d]["status"] == "已接收" and statuses[d]["accepted_at"] for d in docs[1:])

    pdf = clerk.get(f"/api/handovers/{batch['id']}/list.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    for words in ("档案移交清单", batch["batch_no"], "城东供电所", "杭州明远纺织有限公司",
                  "移交人", "接收人", "archivist_east", "缺少客户签字", f"档案 {len(docs)} 件"):
        assert words in text, words
    sheet = load_workbook(io.BytesIO(clerk.get(f"/api/handovers/{batch['id']}/list.xlsx")
                                     .content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert batch["batch_no"] in rows[0][0] and len(rows) == 6 + len(docs)

    # a returned document can be handed over again; the rest cannot
    redo = clerk.post("/api/handovers/check", json={"accounts": [EAST]}).json()
    assert [d["doc_id"] for d in redo["documents"]] == [docs[0]]
    _, records = room_app.state.access.audit.query(Filters(actions=("handover_submit",
                                                                     "handover_decide")))
    assert [(r["action"], r["outcome"], r["user"]) for r in reversed(records)] == [
        ("handover_submit", "allowed", "clerk_east"),
        ("handover_decide", "denied", "clerk_east"), ("handover_decide", "denied", "archivist_west"),
        ("handover_decide", "allowed", "archivist_east"),
        ("handover_decide", "allowed", "archivist_east")]


def test_handover_stays_within_the_clerks_unit(users) -> None:
    clerk = users["clerk_east"]
    assert clerk.post("/api/handovers/check", json={"accounts": ["3301000002"]}).status_code == 404
    assert users["auditor"].post("/api/handovers", json={"accounts": [RESIDENT]}).status_code == 403
    done = clerk.post("/api/handovers", json={"accounts": [RESIDENT], "gaps_reason": "补交"})
    assert done.status_code == 201
    assert users["clerk_west"].get(f"/api/handovers/{done.json()['id']}").status_code == 404
    assert [b["id"] for b in users["archivist_east"].get("/api/handovers").json()["batches"]] \
        == [done.json()["id"]]


def test_the_gaps_are_those_of_the_archives_completeness_rules(indexed_archive, users,
                                                               tmp_path) -> None:  # noqa: ANN001
    """A handover checks the same required types as the oversight pages: rules.csv's."""
    import shutil

    from search_service.api.app import create_app
    from search_service.archive_room.rules import DEFAULTS
    from tests.search_service.conftest import signed_in

    by_default = users["clerk_east"].post("/api/handovers/check", json={"accounts": [RESIDENT]})
    assert "YK09" not in by_default.json()["gaps"].get(RESIDENT, [])
    root = tmp_path / "archive"
    shutil.copytree(indexed_archive.root, root, symlinks=True)
    (root / "rules.csv").write_text(DEFAULTS.read_text(encoding="utf-8")
                                    + "应有档案,低压居民,,,,YK09,,受电工程竣工检验意见单\n",
                                    encoding="utf-8")
    app = create_app(indexed_archive.private_copy(tmp_path / "own").settings(archive_root=root))
    clerk = signed_in(app, "clerk_east", "clerk", "城东供电所")
    gaps = clerk.post("/api/handovers/check", json={"accounts": [RESIDENT]}).json()["gaps"]
    assert "YK09" in gaps[RESIDENT]


HOSTILE_REASON = '<img src="/etc/passwd" width="9"/><b>未闭合 =HYPERLINK("http://evil.example","点我")'


def test_hostile_text_reaches_the_list_as_written(room_app, users) -> None:
    """A return reason with markup and a formula: the PDF shows it as text (no image, no
    failure), the Excel cell holds it as quoted text, not a formula."""
    clerk, archivist = users["clerk_east"], users["archivist_east"]
    batch = clerk.post("/api/handovers", json={"accounts": [EAST], "gaps_reason": "补签中"}).json()
    decided = archivist.post(f"/api/handovers/{batch['id']}/decisions", json={"items": [
        {"doc_id": batch["documents"][0]["doc_id"], "accept": False, "reason": HOSTILE_REASON},
        {"doc_id": batch["documents"][1]["doc_id"], "accept": False,
         "reason": "=1+2"}]})
    assert decided.status_code == 200, decided.text
    pdf = clerk.get(f"/api/handovers/{batch['id']}/list.pdf")
    assert pdf.status_code == 200
    reader = PdfReader(io.BytesIO(pdf.content))
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    assert '<img src="/etc/passwd"' in text and "<b>未闭合" in text
    assert not any("/XObject" in (p.get("/Resources") or {}) for p in reader.pages)
    sheet = load_workbook(io.BytesIO(clerk.get(f"/api/handovers/{batch['id']}/list.xlsx")
                                     .content)).active
    cells = {c.value: c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    assert cells["=1+2"].data_type == "s" and cells["=1+2"].quotePrefix
    assert cells[HOSTILE_REASON].data_type == "s"
