"""The printable report of a finished spot check: a PDF (reportlab, CID font STSong-Light)."""

from __future__ import annotations

import io
from typing import Any

from search_service.escaping import paragraph

FONT = "STSong-Light"


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def spot_check_pdf(check: dict[str, Any]) -> bytes:
    """A4 report: header facts, then a table of customers × items with results and notes."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    _register_font()
    title = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22, spaceAfter=6)
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm,
                            title=f"档案抽查报告 第 {check['id']} 号", invariant=1)
    finished = check["finished_at"].strftime("%Y-%m-%d %H:%M") if check["finished_at"] else ""
    facts = [
        f"被抽查单位：{check['org']}　　抽查户数：{check['size']}　　"
        f"合格户数：{check['passed']}　　合格率：{_rate(check['passed'], check['size'])}",
        f"随机种子：{check['seed']}（{'按用户分类分层' if check['stratified'] else '简单随机'}抽样，可复现）",
        f"抽查人：{check['created_by']}　　完成人：{check['finished_by']}　　完成时间：{finished} (UTC)",
    ]
    story: list[Any] = [paragraph(f"档案抽查报告（第 {check['id']} 号）", title)]
    story += [paragraph(line, body) for line in facts] + [Spacer(1, 6 * mm)]
    rows = [[paragraph(h, body) for h in ("户号", "户名", "抽查项目", "结果", "说明")]]
    for customer in check["customers"]:
        for n, item in enumerate(customer["items"]):
            rows.append([paragraph(customer["account_no"] if n == 0 else "", body),
                         paragraph(customer["name"] if n == 0 else "", body),
                         paragraph(item["label"], body), paragraph(item["result"], body),
                         paragraph(item["note"], body)])
    table = Table(rows, colWidths=[24 * mm, 36 * mm, 40 * mm, 16 * mm, 64 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story += [table, Spacer(1, 10 * mm), paragraph("抽查人签字：＿＿＿＿＿＿　　被抽查单位负责人签字：＿＿＿＿＿＿", body)]
    doc.build(story)
    return out.getvalue()


def _rate(passed: int, total: int) -> str:
    return f"{passed / total * 100:.1f}%" if total else "—"
