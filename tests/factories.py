"""Builders of real archive files for tests: PDFs (reportlab), DOCX (python-docx), TXT."""

from __future__ import annotations

import csv
import io
from pathlib import Path

CUSTOMER_HEADER = ["户号", "户名", "用户分类", "用电类别", "电压等级", "供电单位", "用电地址",
                   "联系电话", "证件号码"]

CUSTOMERS = [
    ["3301000001", "杭州明远纺织有限公司", "高压", "大工业", "10kV", "城东供电所",
     "杭州市余杭区明远路8号", "13812345678", "91330110MA2B3C4D5E"],
    ["3301000002", "张三丰", "低压居民", "居民生活", "220V", "城西供电所",
     "杭州市西湖区武当路1号", "13998765432", "110105199001011234"],
    ["3301000003", "张三", "低压居民", "居民生活", "220V", "城东供电所",
     "杭州市上城区清河坊2号", "13700001111", "330102198502023456"],
    ["3301000004", "宁波华丰纺织有限公司", "低压非居民", "一般工商业", "380V", "城西供电所",
     "宁波市鄞州区华丰街9号", "13611112222", "91330212MA2C5D6E7F"],
]


def write_customers(root: Path, rows: list[list[str]] = CUSTOMERS, encoding: str = "gbk",
                    header: list[str] = CUSTOMER_HEADER) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    root.mkdir(parents=True, exist_ok=True)
    path = root / "customers.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_catalog(root: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["文件路径", "户号", "档案类别", "题名", "形成日期", "档号", "保管期限"])
    writer.writerows(rows)
    path = root / "catalog.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return path


def make_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A text PDF with one list of lines per page, in the built-in CID font STSong-Light."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for lines in pages:
        pdf.setFont("STSong-Light", 12)
        y = 800
        for line in lines:
            pdf.drawString(60, y, line)
            y -= 20
        pdf.showPage()
    pdf.save()
    return path


def make_docx(path: Path, title: str, fields: list[tuple[str, str]],
              paragraphs: list[str] = (), header: str = "", footer: str = "") -> Path:
    """A form-like DOCX: a title, a two-column table of fields, free paragraphs."""
    import docx

    document = docx.Document()
    if header:
        document.sections[0].header.paragraphs[0].text = header
    if footer:
        document.sections[0].footer.paragraphs[0].text = footer
    document.add_heading(title, level=1)
    table = document.add_table(rows=0, cols=2)
    for label, value in fields:
        row = table.add_row().cells
        row[0].text, row[1].text = label, value
    for text in paragraphs:
        document.add_paragraph(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def make_txt(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def build_archive(root: Path) -> Path:
    """A small hand-checked archive covering every format and the inference rules."""
    write_customers(root)
    east = root / "城东供电所" / "3301000001_杭州明远纺织有限公司"
    make_pdf(east / "业扩" / "供用电合同_2021-03-15.pdf", [
        ["供用电合同", "合同编号：GY-2021-0315", "户号：3301000001", "用电人：杭州明远纺织有限公司",
         "供电人：某县供电公司", "合同容量：630kVA，变压器型号 S11-M-630/10"],
        ["第二条 电费结算", "双方约定按月结算电费。", "签订日期：2021年3月15日"],
    ])
    make_docx(east / "用电检查" / "用电检查工作单_20230512.docx", "用电检查工作单", [
        ("户号", "3301000001"), ("户名", "杭州明远纺织有限公司"), ("检查日期", "2023年5月12日"),
        ("检查结果", "发现安全隐患，配电房未配备灭火器"), ("客户签字", "李明远"),
    ], header="某县供电公司 用电检查", footer="第 1 页")
    make_pdf(east / "用电检查" / "隐患整改通知书_2023-05-20.pdf", [[
        "隐患整改通知书", "户号：3301000001", "隐患内容：配电房未配备灭火器，电缆沟积水",
        "整改期限：2023年6月30日", "整改状态：未整改",
    ]])
    west = root / "城西供电所" / "3301000002_张三丰"
    make_txt(west / "用电申请书.txt",
             "用电申请书\n户号：3301000002\n户名：张三丰\n申请日期：2020年8月1日\n联系电话：13998765432\n",
             encoding="gbk")
    make_pdf(root / "城东供电所" / "3301000003_张三" / "业扩" / "装表接电工作单_2019-09-09.pdf", [[
        "装表接电工作单", "户号：3301000003", "户名：张三", "电能表资产编号：3330001000123456",
        "装表日期：2019年9月9日",
    ]])
    make_txt(root / "城东供电所" / "待归档" / "情况说明.txt",
             "情况说明\n该文件尚未归档，客户不详。\n2024.01.05\n")
    return root
