"""Loan requests are no existence oracle (issue 18 item 9): whatever a well-formed request names
(customers or documents of the requester's unit, of another unit, or none at all; one unit or
several), the requester's answer is the same; the archivists and the log see the truth."""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from search_service.access.audit import Filters
from search_service.access.audit_labels import details_text
from search_service.access.policy import DEFAULT_CITY
from tests.search_service.conftest import doc_id

# Two of each class and kind, as clerk_east (城东供电所) sees them.
ITEMS = {
    ("account", "own"): ("3301000001", "3301000005"),
    ("account", "other"): ("3301000002", "3301000006"),
    ("account", "missing"): ("3301999998", "3301999999"),
    ("doc", "own"): (doc_id("城东供电所/3301000001_杭州明远纺织有限公司/业扩/供用电合同_2021-03-15.pdf"),
                     doc_id("城东供电所/3301000005_杭州东方化工有限公司/用电检查/隐患整改通知书_2023-08-01.docx")),
    ("doc", "other"): (doc_id("城西供电所/3301000002_张三丰/用电申请书.txt"),
                       doc_id("城西供电所/3301000006_临平宏达机械厂/用电检查/隐患整改通知书_2023-04-04.txt")),
    ("doc", "missing"): ("0123456789abcdef", "fedcba9876543210"),
}
CLASSES = ("own", "other", "missing")
SHAPES = [("account",), ("doc",), ("account", "account"), ("doc", "doc"), ("account", "doc")]
VOLATILE = ("id", "requested_at")
EAST, WEST, MISSING = "3301000001", "3301000002", "3301999999"


def body(accounts: list[str], doc_ids: list[str]) -> dict:
    return {"accounts": accounts, "doc_ids": doc_ids, "purpose": "业务办理",
            "purpose_text": "核对用电地址", "days": 7}


def typed(shape: tuple[str, ...], classes: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The 户号 and document ids a request of this shape and these classes names."""
    values = [ITEMS[kind, cls][n] for n, (kind, cls) in enumerate(zip(shape, classes))]
    return ([v for v, kind in zip(values, shape) if kind == "account"],
            [v for v, kind in zip(values, shape) if kind == "doc"])


def neutral(text: str, values: list[str]) -> str:
    """``text`` with what was typed replaced by its position in the request."""
    for n, value in enumerate(values):
        text = text.replace(value, f"<item {n}>")
    return text


def stable(loan: dict[str, Any]) -> dict[str, Any]:
    """A loan as answered, without its number and time, its items in a fixed order."""
    kept = {k: v for k, v in loan.items() if k not in VOLATILE}
    return {**kept, "items": sorted(loan["items"], key=lambda i: (i["kind"], i["value"]))}


def answers(clerk: TestClient, accounts: list[str], doc_ids: list[str]) -> list[Any]:
    """Everything the requester is told about a new request: the answer to it, the newest
    row of 我的借阅, the loan itself, the next number (a part split off, if any), the register
    (for archivists: not their own requests) and the loan's row on the page."""
    created = clerk.post("/api/loans", json=body(accounts, doc_ids))
    loan_id = created.json()["id"]
    values = accounts + doc_ids
    mine = clerk.get("/api/loans/mine")
    one = clerk.get(f"/api/loans/{loan_id}")
    register = clerk.get("/api/loans")
    own = [loan["id"] for loan in register.json().get("loans", [])
           if loan["requester"] == created.json()["requester"]]
    page = clerk.get("/loans").text
    row = re.search(rf'<tr class="loan" data-id="{loan_id}".*?</tr>', page, re.S)
    assert mine.json()["loans"][0]["id"] == loan_id and row is not None
    shown_row = row.group(0).replace(f'data-id="{loan_id}"', "").replace(f"<td>{loan_id}</td>", "")
    return [(created.status_code, stable(json.loads(neutral(created.text, values)))),
            (mine.status_code, stable(json.loads(neutral(mine.text, values))["loans"][0])),
            (one.status_code, stable(json.loads(neutral(one.text, values)))),
            clerk.get(f"/api/loans/{loan_id + 1}").status_code,
            (register.status_code, own),
            sorted_items(neutral(shown_row, values))]


def sorted_items(row: str) -> str:
    """The page lists a loan's items by kind and value; put them in one order to compare."""
    items = re.findall(r"<div>.*?</div>", row)
    return re.sub(r"<div>.*</div>", "".join(sorted(items)), row)


@pytest.mark.parametrize("requester", ["clerk_east", "archivist_east"])
def test_the_requester_gets_one_answer_whatever_the_items_are(users, requester: str) -> None:
    clerk = users[requester]
    for shape in SHAPES:
        seen = {classes: answers(clerk, *typed(shape, classes))
                for classes in itertools.product(CLASSES, repeat=len(shape))}
        first = seen[("own",) * len(shape)]
        assert first[0][0] == 201 and first[0][1]["status"] == "pending"
        assert first[0][1]["org"] == "" and first[0][1]["decided_by"] == ""
        assert [i["label"] for i in first[0][1]["items"]] == [i["value"] for i in
                                                              first[0][1]["items"]]
        for classes, answer in seen.items():
            assert answer == first, (shape, classes)


def decide(archivist: TestClient, loan_id: int, verb: str, reason: str = "") -> Any:
    return archivist.post(f"/api/loans/{loan_id}/{verb}", json={"reason": reason})


def pending_of(archivist: TestClient) -> list[dict]:
    return archivist.get("/api/loans/pending").json()["loans"]


def test_each_item_goes_to_its_units_archivists_and_not_found_to_the_requesters(
        room_app: FastAPI, users) -> None:
    clerk, east, west = users["clerk_east"], users["archivist_east"], users["archivist_west"]
    asked = clerk.post("/api/loans", json=body([EAST, WEST, MISSING], [])).json()
    assert [i["value"] for i in asked["items"]] == [EAST, WEST, MISSING]

    [at_east], [at_west] = pending_of(east), pending_of(west)
    assert (at_east["id"], at_east["org"]) == (asked["id"], "城东供电所")
    assert [i["label"] for i in at_east["items"]] == [f"{EAST} 杭州明远纺织有限公司",
                                                      f"{MISSING}（未找到该户号）"]
    assert (at_west["org"], [i["label"] for i in at_west["items"]]) == (
        "城西供电所", [f"{WEST} 张三丰"])

    # the part not shown yet answers as another's loan would, for every verb
    other = users["clerk_west"].post("/api/loans", json=body([EAST], [])).json()["id"]
    for loan_id in (at_west["id"], other):
        assert clerk.get(f"/api/loans/{loan_id}").status_code == 404
        assert clerk.post(f"/api/loans/{loan_id}/return").status_code == 404
        assert clerk.post(f"/api/loans/{loan_id}/renew", json={"days": 7}).status_code == 404

    approving = decide(east, at_east["id"], "approve")
    assert approving.status_code == 400 and MISSING in approving.json()["error"]["message"]
    assert decide(east, at_east["id"], "refuse", "未找到该户号，请核对后重新申请").status_code == 200
    assert decide(west, at_west["id"], "approve", "同意").status_code == 200

    mine = {m["id"]: m for m in clerk.get("/api/loans/mine").json()["loans"] if m["id"] != other}
    refused, approved = mine[at_east["id"]], mine[at_west["id"]]
    assert (refused["status"], refused["org"], refused["decided_by"], refused["reason"]) == (
        "refused", "", "", "未找到该户号，请核对后重新申请")
    assert [i["label"] for i in refused["items"]] == [EAST, MISSING]
    assert (approved["status"], approved["org"], approved["items"][0]["label"]) == (
        "approved", "城西供电所", f"{WEST} 张三丰")
    assert clerk.get(f"/api/customers/{WEST}").status_code == 200
    page = clerk.get("/loans").text
    rows = {int(m[1]): m[0] for m in re.finditer(r'<tr class="loan" data-id="(\d+)".*?</tr>',
                                                  page, re.S)}
    assert "城西供电所" in rows[at_west["id"]] and "张三丰" in rows[at_west["id"]]
    assert "城东供电所" not in rows[at_east["id"]] and "明远" not in rows[at_east["id"]]

    _, rows = room_app.state.access.audit.query(
        Filters(user="clerk_east", actions=("loan_request",)), page_size=10)
    assert len(rows) == 1 and rows[0]["details"]["not_found"] == [MISSING]
    assert f"未找到的户号或档案：{MISSING}" in details_text(rows[0]["details"])
    assert rows[0]["details"]["loans"] == [{"loan": at_east["id"], "org": "城东供电所"},
                                           {"loan": at_west["id"], "org": "城西供电所"}]


def test_items_of_a_requester_without_a_unit_go_to_the_top_unit(users) -> None:
    asked = users["inspector"].post("/api/loans", json=body([MISSING], [])).json()
    [waiting] = pending_of(users["archivist_city"])
    assert (waiting["id"], waiting["org"]) == (asked["id"], DEFAULT_CITY)
    assert pending_of(users["archivist_east"]) == []
