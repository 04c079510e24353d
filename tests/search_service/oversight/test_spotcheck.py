"""Spot checks: a reproducible stratified sample, the checklist over HTTP, read-only once
finished, the PDF report, the unit's figure, one log record per step."""

from __future__ import annotations

import io

import pytest
from fastapi import FastAPI
from pypdf import PdfReader

from search_service.access.policy import DEFAULT_CITY
from search_service.api.app import create_app
from search_service.oversight.spotcheck import draw_sample
from tests.search_service.oversight.conftest import EAST, WEST, indexed_oversight_archive
from tests.search_service.oversight.helpers import client_for, log_of

MANUAL = ("binding", "signatures", "consistency")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """A private archive: spot checks change the figures other tests compare."""
    return create_app(indexed_oversight_archive(tmp_path_factory.mktemp("spot")).settings())


def test_sample_is_reproducible_and_stratified() -> None:
    population = [(f"{n:010d}", "高压" if n % 4 == 0 else "低压居民") for n in range(100)]
    first = draw_sample(population, 20, seed=42, stratified=True)
    assert first == draw_sample(list(reversed(population)), 20, seed=42, stratified=True)
    assert first != draw_sample(population, 20, seed=43, stratified=True)
    assert sum(int(a) % 4 == 0 for a in first) == 5  # 25 of 100 are 高压: 5 of 20
    assert len(set(draw_sample(population, 20, seed=1, stratified=False))) == 20
    everyone = [a for a, _ in population[:3]]
    assert draw_sample(population[:3], 20, seed=1, stratified=True) == everyone


def test_the_whole_flow(app) -> None:
    inspector = client_for(app, "sc-inspector", "inspector", DEFAULT_CITY)
    created = inspector.post("/api/spot-checks", json={"org": EAST, "size": 3, "seed": 7})
    assert created.status_code == 201, created.text
    check_id = created.json()["id"]
    check = inspector.get(f"/api/spot-checks/{check_id}").json()
    assert (check["seed"], check["size"], check["finished"], check["pending"]) == (7, 3, False, 9)
    items = {c["account_no"]: {i["key"]: (i["result"], i["note"]) for i in c["items"]}
             for c in check["customers"]}
    assert sorted(items) == ["3302000001", "3302000002", "3302000003"]
    assert items["3302000001"]["documents"] == (
        "不合格", "应有 13 项，已有 11 项，缺 YK08 受电工程设计审查意见书、YK09 中间检查记录")
    assert items["3302000001"]["inspection_sheet"] == ("合格", "")
    assert items["3302000003"]["inspection_sheet"][0] == "不适用"

    early = inspector.post(f"/api/spot-checks/{check_id}/finish")
    assert early.status_code == 400 and "还有 9 个" in early.json()["error"]["message"]
    no_note = inspector.put(f"/api/spot-checks/{check_id}/items", json={
        "account_no": "3302000002", "item": "binding", "result": "不合格"})
    assert no_note.status_code == 400
    automatic = inspector.put(f"/api/spot-checks/{check_id}/items", json={
        "account_no": "3302000002", "item": "documents", "result": "合格"})
    assert automatic.status_code == 400
    for account in items:
        for item in MANUAL:
            failed = account == "3302000003" and item == "signatures"
            response = inspector.put(f"/api/spot-checks/{check_id}/items", json={
                "account_no": account, "item": item, "result": "不合格" if failed else "合格",
                "note": "户主未签字" if failed else ""})
            assert response.status_code == 200, response.text
    assert response.json() == {"pending": 0, "passed": 1}
    finished = inspector.post(f"/api/spot-checks/{check_id}/finish").json()
    assert (finished["finished"], finished["passed"]) == (True, 1)  # only 3302000002

    again = inspector.put(f"/api/spot-checks/{check_id}/items", json={
        "account_no": "3302000002", "item": "binding", "result": "不合格", "note": "x"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "spot_check_finished"

    pdf = inspector.get(f"/api/spot-checks/{check_id}/report.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "档案抽查报告" in text and "户主未签字" in text and "随机种子：7" in text

    report = inspector.get("/api/oversight/assessment").json()
    east = next(r for r in report["rows"] if r["org"] == EAST)["figures"]["spotcheck_pass"]
    assert (east["numerator"], east["denominator"]) == (1, 3)

    steps = [r for r in log_of(app, "sc-inspector") if r["action"].startswith("spotcheck")]
    assert [r["action"] for r in steps] == [  # refused inputs change nothing and log nothing
        "spotcheck_create", "spotcheck_view", *["spotcheck_record"] * 9, "spotcheck_finish",
        "spotcheck_report"]
    assert steps[0]["details"]["seed"] == 7 and len(steps[0]["details"]["accounts"]) == 3


def test_same_seed_same_sample(app) -> None:
    archivist = client_for(app, "sc-archivist", "archivist", DEFAULT_CITY)
    ids = [archivist.post("/api/spot-checks", json={"org": DEFAULT_CITY, "size": 2,
                                                    "seed": 99}).json()["id"] for _ in range(2)]
    samples = [[c["account_no"] for c in archivist.get(f"/api/spot-checks/{i}").json()["customers"]]
               for i in ids]
    assert samples[0] == samples[1] and len(samples[0]) == 2


def test_scope_and_roles(app) -> None:
    inspector = client_for(app, "sc-inspector2", "inspector", DEFAULT_CITY)
    check_id = inspector.post("/api/spot-checks", json={"org": EAST, "size": 1}).json()["id"]
    clerk = client_for(app, "sc-clerk", "clerk", WEST)
    assert clerk.post("/api/spot-checks", json={"org": WEST, "size": 1}).status_code == 403
    assert clerk.get(f"/api/spot-checks/{check_id}").status_code == 404
    assert check_id not in [c["id"] for c in clerk.get("/api/spot-checks").json()["spot_checks"]]
    west_archivist = client_for(app, "sc-west-archivist", "archivist", WEST)
    refused = west_archivist.post("/api/spot-checks", json={"org": EAST, "size": 1})
    assert refused.status_code == 404
    assert log_of(app, "sc-west-archivist")[-1]["reason"] == "out_of_scope"
    assert inspector.get(f"/api/spot-checks/{check_id}/report.pdf").status_code == 409


def test_a_hostile_note_reaches_the_report_as_written(app) -> None:
    """Markup in a note is shown as text: no file of the server embedded, no broken report."""
    inspector = client_for(app, "sc-hostile", "inspector", DEFAULT_CITY)
    check = inspector.post("/api/spot-checks", json={"org": EAST, "size": 1, "seed": 5}).json()
    account = inspector.get(f"/api/spot-checks/{check['id']}").json()["customers"][0]["account_no"]
    notes = {"binding": '<img src="/etc/passwd" width="9"/>', "signatures": "<b>未闭合 & 未签",
             "consistency": "=cmd|' /C calc'!A0"}
    for item, note in notes.items():
        response = inspector.put(f"/api/spot-checks/{check['id']}/items", json={
            "account_no": account, "item": item, "result": "不合格", "note": note})
        assert response.status_code == 200, response.text
    assert inspector.post(f"/api/spot-checks/{check['id']}/finish").status_code == 200
    pdf = inspector.get(f"/api/spot-checks/{check['id']}/report.pdf")
    assert pdf.status_code == 200
    reader = PdfReader(io.BytesIO(pdf.content))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    for note in notes.values():
        assert note in text, note
    assert not any("/XObject" in (p.get("/Resources") or {}) for p in reader.pages)
