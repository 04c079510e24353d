"""Lending through HTTP: a clerk's loan requested, approved, used and expired, with the
search's counts and the access log checked at each step."""

from __future__ import annotations

import io
from datetime import timedelta

from fastapi import FastAPI
from openpyxl import load_workbook

from search_service.access.audit import Filters
from search_service.db import utcnow
from tests.search_service.conftest import doc_id

WEST = "3301000002"  # 张三丰, 城西供电所: holds a mobile number and an ID number
WEST_DOC = doc_id("城西供电所/3301000002_张三丰/用电申请书.txt")
WEST_PHONE = "13998765432"


def loan_body(**changes: object) -> dict:
    return {"accounts": [WEST], "purpose": "业务办理", "purpose_text": "核对用电地址",
            "days": 7, **changes}


def org_count(result: dict, org: str) -> int:
    return next((f["count"] for f in result["facets"]["org"] if f["value"] == org), 0)


def actions(app: FastAPI, **filters: str) -> list[dict]:
    _, rows = app.state.access.audit.query(Filters(**filters), page_size=500)
    return list(reversed(rows))


def test_loan_requested_approved_used_and_expired(room_app, users) -> None:
    clerk = users["clerk_east"]
    before = clerk.get("/api/search?q=").json()
    assert org_count(before, "城西供电所") == 0
    assert clerk.get(f"/api/customers/{WEST}").status_code == 404

    created = clerk.post("/api/loans", json=loan_body())
    assert created.status_code == 201, created.text
    loan = created.json()
    assert (loan["status"], loan["org"], loan["requester"]) == ("pending", "", "clerk_east")
    assert clerk.get(f"/api/customers/{WEST}").status_code == 404  # not before approval

    for wrong in ("clerk_west", "archivist_east", "inspector"):
        assert users[wrong].post(f"/api/loans/{loan['id']}/approve", json={}).status_code == 403
    pending = users["archivist_west"].get("/api/loans/pending").json()["loans"]
    assert [p["id"] for p in pending] == [loan["id"]]
    approved = users["archivist_west"].post(f"/api/loans/{loan['id']}/approve",
                                            json={"reason": "同意"})
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    mine = clerk.get("/api/loans/mine").json()["loans"]
    assert [(m["id"], m["status_label"], m["org"]) for m in mine] == [
        (loan["id"], "借出中", "城西供电所")]  # the unit shows once its archivist agreed

    during = clerk.get("/api/search?q=").json()
    granted = org_count(during, "城西供电所")
    assert granted > 0 and during["total"] == before["total"] + granted
    assert {h["account_no"] for h in clerk.get("/api/search?q=&org=城西供电所").json()["hits"]} \
        == {WEST}  # exactly what the loan names, not the whole unit
    assert clerk.get(f"/api/customers/{WEST}").status_code == 200
    document = clerk.get(f"/api/documents/{WEST_DOC}")
    assert document.status_code == 200 and WEST_PHONE not in document.text  # still masked
    assert clerk.get(f"/api/documents/{WEST_DOC}/file").status_code == 403  # not an original
    use = actions(room_app, user="clerk_east", doc=WEST_DOC, actions=("document_view",))
    assert [r["details"]["loan"] for r in use] == [loan["id"]]  # the read names its loan

    room_app.state.reader.room.clock = lambda: utcnow() + timedelta(days=7, minutes=1)
    after = clerk.get("/api/search?q=").json()
    assert org_count(after, "城西供电所") == 0 and after["total"] == before["total"]
    assert clerk.get(f"/api/customers/{WEST}").status_code == 404
    assert clerk.get(f"/api/documents/{WEST_DOC}").status_code == 404
    assert clerk.get("/api/loans/mine").json()["loans"][0]["status"] == "expired"

    story = [r["action"] for r in actions(room_app, user="clerk_east")
             if r["action"].startswith("loan_")]
    assert story == ["loan_request", "loan_expire"]
    decided = [r for r in actions(room_app, user="archivist_west") if r["action"] == "loan_approve"]
    assert [r["details"]["loan"] for r in decided] == [loan["id"]]
    assert room_app.state.access.audit.verify().ok


def test_refusal_needs_a_reason_and_is_shown_to_the_requester(room_app, users) -> None:
    loan = users["clerk_east"].post("/api/loans", json=loan_body(purpose="其他",
                                                                   purpose_text="培训")).json()
    archivist = users["archivist_west"]
    assert archivist.post(f"/api/loans/{loan['id']}/refuse", json={}).status_code == 400
    refused = archivist.post(f"/api/loans/{loan['id']}/refuse", json={"reason": "用途不符"})
    assert refused.json()["status"] == "refused"
    mine = users["clerk_east"].get("/api/loans/mine").json()["loans"][0]
    assert (mine["status_label"], mine["reason"]) == ("已拒绝", "用途不符")
    assert users["clerk_east"].get(f"/api/customers/{WEST}").status_code == 404
    assert [r["outcome"] for r in actions(room_app, actions=("loan_refuse",))] == ["allowed"]


def test_bad_requests_are_refused_with_reasons(users) -> None:
    clerk = users["clerk_east"]
    for body, words in [(loan_body(days=6), "7 至 30"), (loan_body(days=31), "7 至 30"),
                        (loan_body(days=400), "7 至 30"), (loan_body(days=0), "7 至 30"),
                        (loan_body(purpose="好奇"), "借阅目的"),
                        (loan_body(purpose="其他", purpose_text=""), "说明"),
                        (loan_body(accounts=[]), "至少"),
                        (loan_body(accounts=["3301-0002"]), "户号只能由字母和数字"),
                        (loan_body(accounts=["<b>户号</b>"]), "户号只能由字母和数字"),
                        (loan_body(doc_ids=["ZZ" * 8]), "16 位十六进制"),
                        (loan_body(doc_ids=[WEST_DOC + "0"]), "16 位十六进制")]:
        response = clerk.post("/api/loans", json=body)
        assert response.status_code == 400 and words in response.json()["error"]["message"]
    assert users["auditor"].post("/api/loans", json=loan_body()).status_code == 403


def test_a_loan_of_the_original_unmasks_exactly_that_document(room_app, users) -> None:
    clerk = users["clerk_west"]  # in scope, but masked: the original is refused
    assert clerk.get(f"/api/documents/{WEST_DOC}/file").status_code == 403
    loan = clerk.post("/api/loans", json=loan_body(accounts=[], doc_ids=[WEST_DOC],
                                                   original=True, days=30)).json()
    users["archivist_west"].post(f"/api/loans/{loan['id']}/approve", json={})
    document = clerk.get(f"/api/documents/{WEST_DOC}").json()
    assert WEST_PHONE in document["text"] and document["file_allowed"]
    download = clerk.get(f"/api/documents/{WEST_DOC}/file")
    assert download.status_code == 200 and WEST_PHONE.encode() in download.content
    record = actions(room_app, user="clerk_west", actions=("file_download",))[-1]
    assert record["outcome"] == "allowed" and record["details"]["loan"] == loan["id"]
    returned = clerk.post(f"/api/loans/{loan['id']}/return")
    assert returned.json()["status"] == "returned"
    assert clerk.get(f"/api/documents/{WEST_DOC}/file").status_code == 403
    assert WEST_PHONE not in clerk.get(f"/api/documents/{WEST_DOC}").text


def test_renewal_is_approved_again_and_continues_the_loan(room_app, users) -> None:
    clerk, archivist = users["clerk_east"], users["archivist_west"]
    first = clerk.post("/api/loans", json=loan_body()).json()
    archivist.post(f"/api/loans/{first['id']}/approve", json={})
    for days in (3, 31, 400):  # the server enforces the period, not only the page's field
        refused = clerk.post(f"/api/loans/{first['id']}/renew", json={"days": days})
        assert refused.status_code == 400 and "7 至 30" in refused.json()["error"]["message"]
    renewal = clerk.post(f"/api/loans/{first['id']}/renew", json={"days": 10})
    assert renewal.status_code == 201 and renewal.json()["status"] == "pending"
    approved = archivist.post(f"/api/loans/{renewal.json()['id']}/approve", json={}).json()
    assert approved["starts_at"] == archivist.get(f"/api/loans/{first['id']}").json()["due_at"]
    room_app.state.reader.room.clock = lambda: utcnow() + timedelta(days=12)
    assert clerk.get(f"/api/customers/{WEST}").status_code == 200  # the renewal runs
    room_app.state.reader.room.clock = lambda: utcnow() + timedelta(days=18)
    assert clerk.get(f"/api/customers/{WEST}").status_code == 404


def test_paper_loan_overdue_is_an_alert_until_returned(room_app, users) -> None:
    clerk, archivist = users["clerk_east"], users["archivist_west"]
    archivist.put(f"/api/customers/{WEST}/paper",
                  json={"store": "一号库房", "cabinet": "3", "shelf": "2", "box": "0457"})
    loan = clerk.post("/api/loans", json=loan_body(paper=True)).json()
    archivist.post(f"/api/loans/{loan['id']}/approve", json={})
    place = archivist.get("/api/paper?q=0457").json()["locations"]
    assert [(p["account_no"], p["out"]) for p in place] == [(WEST, True)]

    room_app.state.reader.room.clock = lambda: utcnow() + timedelta(days=9)
    register = users["auditor"].get("/api/loans?status=overdue").json()["loans"]
    assert [r["id"] for r in register] == [loan["id"]]
    alerts = users["auditor"].get("/api/audit/alerts").json()["alerts"]
    assert any(a["kind"] == "overdue_loan" and a["user"] == "clerk_east" for a in alerts)
    assert users["clerk_east"].get(f"/api/customers/{WEST}").status_code == 404  # grant ended

    assert archivist.post(f"/api/loans/{loan['id']}/return").json()["status"] == "returned"
    assert archivist.get("/api/paper?q=0457").json()["locations"][0]["out"] is False
    alerts = users["auditor"].get("/api/audit/alerts").json()["alerts"]
    assert not any(a["kind"] == "overdue_loan" for a in alerts)


def test_register_is_for_archivists_and_auditors_and_exports(users) -> None:
    loan = users["clerk_east"].post("/api/loans", json=loan_body()).json()
    assert users["clerk_east"].get("/api/loans").status_code == 403
    assert [r["id"] for r in users["archivist_west"].get("/api/loans").json()["loans"]] == \
        [loan["id"]]
    assert users["archivist_east"].get("/api/loans").json()["loans"] == []  # not their unit
    assert users["archivist_east"].get(f"/api/loans/{loan['id']}").status_code == 404
    assert users["auditor"].get(f"/api/loans/{loan['id']}").json()["items"][0]["label"] == \
        f"{WEST} 张三丰"
    assert users["clerk_east"].get(f"/api/loans/{loan['id']}").json()["items"][0]["label"] == \
        WEST  # the requester learns no name before approval
    export = users["auditor"].get("/api/loans/register.xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["编号", "借阅人", "单位"] and rows[1][1] == "clerk_east"


def test_a_page_out_of_scope_offers_a_loan_request(users) -> None:
    page = users["clerk_east"].get(f"/customers/{WEST}")
    assert page.status_code == 404
    assert f'id="ask-loan" href="/loans?account_no={WEST}"' in page.text
    form = users["clerk_east"].get(f"/loans?account_no={WEST}").text
    assert f'id="accounts" name="accounts" value="{WEST}"' in form
    assert 'id="ask-loan"' not in users["auditor"].get(f"/customers/{WEST}").text
