"""Values reaching generated documents: markup stays text in PDFs, formulas stay text in
Excel and CSV, and a person reads the value as it was written. The handover list and the
spot-check report are planted through HTTP in their own tests (archive_room/test_handover.py,
oversight/test_spotcheck.py)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from search_service.access.audit import DENIED, AuditLog, Event, RequestInfo, current_request
from search_service.escaping import append_row, csv_cell, formula_like, pdf_markup
from search_service.migrate import make_engine
from search_service.oversight.export import assessment_workbook
from search_service.oversight.report_pdf import spot_check_pdf

FORMULAS = ["=1+1", "+1+1", "-1+cmd|' /C calc'!A0", "@SUM(A1:A9)", "\t=1+1", "\r=1+1",
            '=HYPERLINK("http://evil.example","点我")']
INERT = ["杭州明远纺织有限公司", "-", "-3", "+86", "12.5%", "3301000001", "", "a=b"]


@pytest.mark.parametrize("value", FORMULAS)
def test_formula_like_text_is_neutralised(value: str) -> None:
    assert formula_like(value)
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", INERT)
def test_ordinary_text_is_left_as_it_is(value: str) -> None:
    assert not formula_like(value)
    assert csv_cell(value) == value


def test_spreadsheet_cells_read_as_written_and_never_run() -> None:
    book = Workbook()
    append_row(book.active, FORMULAS + INERT + [42, None])
    out = io.BytesIO()
    book.save(out)
    row = next(load_workbook(io.BytesIO(out.getvalue())).active.iter_rows())
    assert [c.value for c in row[:len(FORMULAS)]] == FORMULAS  # what a person reads
    assert all(c.data_type == "s" and c.quotePrefix for c in row[:len(FORMULAS)])
    assert row[len(FORMULAS) + len(INERT)].value == 42


def test_pdf_markup_is_escaped() -> None:
    assert pdf_markup('<img src="/etc/passwd"/> & <b>') == \
        '&lt;img src="/etc/passwd"/&gt; &amp; &lt;b&gt;'
    assert pdf_markup("户名\x00\x07") == "户名  "


def hostile_check() -> dict:
    from datetime import datetime, timezone

    return {"id": 7, "org": "<font size=90>城东</font>", "size": 1, "passed": 0, "seed": 1,
            "stratified": True, "created_by": "<b>x", "finished_by": "a&b",
            "finished_at": datetime(2026, 3, 2, tzinfo=timezone.utc),
            "customers": [{"account_no": "3301000001", "name": '<img src="/etc/passwd"/>',
                           "items": [{"label": "装订", "result": "不合格",
                                      "note": "<para>未闭合 \x01"}]}]}


def test_spot_check_report_shows_every_hostile_field_as_text() -> None:
    reader = PdfReader(io.BytesIO(spot_check_pdf(hostile_check())))
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    for shown in ("<font size=90>城东</font>", "<b>x", "a&b", '<img src="/etc/passwd"/>',
                  "<para>未闭合"):
        assert shown in text, shown


def test_assessment_workbook_cells_never_run() -> None:
    report = {"figures": [{"key": "timely", "title": "归档及时率", "rate": True,
                           "formula": "=及时归档数/应归档数"}],
              "rows": [{"org": "=HYPERLINK(\"http://evil.example\")",
                        "figures": {"timely": {"value": 0.5, "numerator": 1,
                                               "denominator": 2}}}]}
    book = load_workbook(io.BytesIO(assessment_workbook(report)))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("=")]
    assert len(cells) == 3  # the unit on both sheets, the formula text once
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_audit_csv_neutralises_every_planted_field(db_url: str) -> None:
    log = AuditLog(make_engine(db_url), b"test-key")
    token = current_request.set(RequestInfo("10.0.0.1", "\t=cmd|' /C calc'!A0", "-1+1"))
    try:
        log.append(Event("login_failed", "@SUM(1)", outcome=DENIED, reason="unknown_user"))
    finally:
        current_request.reset(token)
    rows = list(csv.reader(io.StringIO("".join(log.export_csv())[1:])))
    cells = [cell for cell in rows[1] if cell.lstrip("'")[:1] in "=+-@\t\r" and cell]
    assert cells and all(cell.startswith("'") for cell in cells), rows[1]
