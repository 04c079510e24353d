"""The archive room's printed lists: the handover list (移交清单) as PDF and Excel, the loan
register (借阅登记簿) and the disposal register (销毁清册) as Excel. Times are Beijing time."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from search_service.escaping import append_row, paragraph
from search_service.timefmt import beijing, beijing_date

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CJK_FONT = "STSong-Light"  # reportlab's built-in CID font: nothing to embed or install

HANDOVER_HEADERS = ("序号", "户号", "户名", "档案类别", "题名", "形成日期", "页数", "状态", "退回理由")
LOAN_HEADERS = ("编号", "借阅人", "单位", "所属单位", "借阅内容", "目的", "原件", "实体", "天数",
                "申请时间", "审批人", "审批时间", "到期", "状态", "结束时间")
DISPOSAL_HEADERS = ("编号", "档案编号", "户号", "户名", "档案类别", "题名", "形成日期", "保管期限",
                    "期满日期", "鉴定意见", "提出人", "提出时间", "审批人", "审批时间", "状态")


def _minute(moment: Any) -> str:
    return beijing(moment, seconds=False)


def table_xlsx(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
               preface: Sequence[str] = ()) -> bytes:
    """One sheet: optional preface lines, a bold header row, the rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for line in preface:
        append_row(sheet, [line])
    append_row(sheet, headers)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        append_row(sheet, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _handover_rows(batch: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(n, d["account_no"], d["customer_name"], d["doc_type_name"] or "未分类",
             d["title"] or d["path"], d["doc_date"], d["pages"] or "", d["handover_status"],
             d["handover_reason"]) for n, d in enumerate(batch["documents"], start=1)]


def _handover_preface(batch: dict[str, Any]) -> list[str]:
    counts = batch["counts"]
    return [f"移交清单  批次号：{batch['batch_no']}",
            f"移交单位：{batch['org']}    移交人：{batch['submitted_by']}    "
            f"移交日期：{beijing_date(batch['submitted_at'])}",
            "客户：" + "；".join(c["label"] for c in batch["customers"]),
            f"档案 {counts['documents']} 件，共 {counts['pages']} 页；已接收 {counts['accepted']} 件，"
            f"退回 {counts['returned']} 件，待接收 {counts['pending']} 件",
            f"接收人：{batch['received_by'] or '          '}    "
            f"接收日期：{beijing_date(batch['closed_at']) or '          '}"]


def handover_xlsx(batch: dict[str, Any]) -> bytes:
    return table_xlsx("移交清单", HANDOVER_HEADERS, _handover_rows(batch),
                      _handover_preface(batch))


def handover_pdf(batch: dict[str, Any]) -> bytes:
    """The handover list: unit, batch, customers, documents with counts and pages, and the
    signature lines of 移交人 and 接收人 with dates."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    register_cjk_font()
    text = ParagraphStyle("cjk", fontName=CJK_FONT, fontSize=9, leading=12, wordWrap="CJK")
    title = ParagraphStyle("title", parent=text, fontSize=16, leading=22, alignment=1)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=12 * mm,
                            rightMargin=12 * mm, topMargin=12 * mm, bottomMargin=12 * mm,
                            title=f"移交清单 {batch['batch_no']}", invariant=1)
    rows = [[paragraph(v, text) for v in HANDOVER_HEADERS]]
    rows += [[paragraph(v, text) for v in row] for row in _handover_rows(batch)]
    table = Table(rows, colWidths=[10 * mm, 24 * mm, 40 * mm, 34 * mm, 70 * mm, 22 * mm,
                                   12 * mm, 16 * mm, 40 * mm], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    preface = _handover_preface(batch)
    story = [paragraph("档案移交清单", title), Spacer(1, 4 * mm),
             paragraph(f"批次号：{batch['batch_no']}", text)]
    story += [paragraph(line, text) for line in preface[1:4]]
    story += [Spacer(1, 3 * mm), table, Spacer(1, 10 * mm),
              paragraph(f"移交人（签字）：{batch['submitted_by']}________________　　"
                        f"日期：{beijing_date(batch['submitted_at'])}", text),
              Spacer(1, 6 * mm),
              paragraph(f"接收人（签字）：{batch['received_by']}________________　　"
                        f"日期：{beijing_date(batch['closed_at']) or '____年__月__日'}", text)]
    doc.build(story)
    return out.getvalue()


def loans_xlsx(loans: list[dict[str, Any]]) -> bytes:
    rows = [(loan["id"], loan["requester"], loan["requester_org"], loan["org"],
             "；".join(i["label"] for i in loan["items"]),
             f"{loan['purpose']} {loan['purpose_text']}".strip(), "是" if loan["original"] else "否",
             "是" if loan["paper"] else "否", loan["days"], _minute(loan["requested_at"]),
             loan["decided_by"], _minute(loan["decided_at"]), _minute(loan["due_at"]),
             loan["status_label"] + ("（逾期）" if loan["overdue"] and loan["open"] else ""),
             _minute(loan["ended_at"])) for loan in loans]
    return table_xlsx("借阅登记簿", LOAN_HEADERS, rows)


def disposals_xlsx(cases: list[dict[str, Any]]) -> bytes:
    rows = []
    for case in cases:
        doc = case["record"]
        rows.append((case["id"], case["doc_id"], doc.get("account_no", ""),
                     doc.get("customer_name", ""), doc.get("doc_type_name", ""),
                     doc.get("title", ""), doc.get("doc_date", ""), doc.get("retention", ""),
                     doc.get("expired_on", ""), case["reason"], case["proposed_by"],
                     _minute(case["proposed_at"]), case["decided_by"],
                     _minute(case["decided_at"]), case["status_label"]))
    return table_xlsx("销毁清册", DISPOSAL_HEADERS, rows)


def register_cjk_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
