"""The real-document corpus: generated files reproducing what real archives hold.

Each :class:`Case` builds one file the way real-world producers write it (a PDF whose
cross-reference table is broken, a national standard's glyph-name text layer, a contract's
Word content controls, an OpenDocument file from LibreOffice...) with the text a reader sees
in it and the distinctive words a user would search for. Nothing is downloaded: every file
is made here, by hand-written bytes, reportlab, python-docx, openpyxl or LibreOffice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from indexer.analysis import tokenize
from indexer.fonts import cjk_font_path
from tests.factories import make_pdf
from tests.scans import FORM_LINES, garbled_pdf, page_image, scan_file


@dataclass(frozen=True)
class Case:
    """One corpus file: its name, how to build it, its reference text and search words."""

    name: str
    build: Callable[[Path], Path]
    text: str
    words: tuple[str, ...]


def token_f1(reference: str, extracted: str) -> float:
    """F1 of the analyzer's tokens (bigrams and words) of ``extracted`` against ``reference``."""
    want, got = Counter(tokenize(reference)), Counter(tokenize(extracted))
    common = sum((want & got).values())
    if not common:
        return 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)


# --- PDF -------------------------------------------------------------------------------

CONTRACT_LINES = ["供用电合同", "户号：3301000001", "户名：杭州明远纺织有限公司",
                  "受电容量：630千伏安", "合同编号：GY-2021-0315"]


def _compressed_pdf(path: Path, lines: list[str]) -> bytes:
    """A one-page text PDF (STSong-Light) whose content stream is Flate-compressed."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1, pageCompression=1)
    pdf.setFont("STSong-Light", 12)
    for n, line in enumerate(lines):
        pdf.drawString(60, 800 - 20 * n, line)
    pdf.showPage()
    pdf.save()
    return path.read_bytes()


def odd_filter_pdf(path: Path, lines: list[str] = CONTRACT_LINES) -> Path:
    """Content compressed under the abbreviated filter name ``/Fl`` (valid for inline images
    only; some producers write it for streams): pypdf refuses it, PDFium reads it."""
    data = _compressed_pdf(path, lines)
    path.write_bytes(data.replace(b"/FlateDecode", b"/Fl         "))  # same length: offsets hold
    return path


def broken_xref_pdf(path: Path, lines: list[str] = CONTRACT_LINES) -> Path:
    """A cross-reference table whose subsection header has trailing junk."""
    data = make_pdf(path, [lines]).read_bytes()
    head = data.rindex(b"xref\n0 ")
    end = data.index(b"\n", head + 5)
    path.write_bytes(data[:end] + b" 0000" + data[end:])
    return path


def broken_scan_pdf(path: Path, lines: list[str] = FORM_LINES) -> Path:
    """A scanned page (no text layer) in a PDF whose cross-reference table is broken: only
    PDFium opens it, and only OCR reads it."""
    data = scan_file(path, [page_image(lines)]).read_bytes()
    head = data.rindex(b"xref\n0 ")
    end = data.index(b"\n", head + 5)
    path.write_bytes(data[:end] + b" 0000" + data[end:])
    return path


def glyph_name_pdf(path: Path, lines: list[str] = FORM_LINES) -> Path:
    """Chinese that renders right but whose text layer is glyph names (``/G21/G22``): a
    font without a ToUnicode map whose encoding names its glyphs G0..G255, as the
    typesetting systems of many national standards write."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

    garbled_pdf(path, lines)
    writer = PdfWriter(clone_from=PdfReader(path))
    for page in writer.pages:
        fonts = page["/Resources"]["/Font"]
        for name in fonts:
            font = fonts[name].get_object()
            if font["/Subtype"] == "/TrueType":
                font[NameObject("/Encoding")] = DictionaryObject({
                    NameObject("/Type"): NameObject("/Encoding"),
                    NameObject("/Differences"): ArrayObject(
                        [NumberObject(0), *(NameObject(f"/G{n + 20}") for n in range(256))])})
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def embedded_font_pdf(path: Path, lines: list[str]) -> Path:
    """A text PDF in an embedded TrueType font (WenQuanYi) with its ToUnicode map: for 繁體,
    Japanese and the look-alike code points, which STSong-Light cannot encode."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "TestCJK" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("TestCJK", cjk_font_path(), subfontIndex=0))
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf = canvas.Canvas(str(path), pagesize=(595, 842), invariant=1)
    pdf.setFont("TestCJK", 14)
    for n, line in enumerate(lines):
        pdf.drawString(50, 790 - 24 * n, line)
    pdf.showPage()
    pdf.save()
    return path


def form_pdf(path: Path, title: str, values: dict[str, str]) -> Path:
    """An application form whose filled-in values live only in AcroForm fields."""
    import logging

    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path.parent.mkdir(parents=True, exist_ok=True)
    blank = path.with_suffix(".blank.pdf")
    pdf = canvas.Canvas(str(blank), invariant=1)
    pdf.setFont("STSong-Light", 14)
    pdf.drawString(60, 790, title)
    for n, name in enumerate(values):
        pdf.acroForm.textfield(name=name, value=" ", x=60, y=720 - 40 * n, width=400, height=24)
    pdf.showPage()
    pdf.save()
    writer = PdfWriter(clone_from=PdfReader(blank))
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # "not supported by font encoding"
    writer.update_page_form_field_values(writer.pages[0], values, auto_regenerate=False)
    with path.open("wb") as fh:
        writer.write(fh)
    blank.unlink()
    return path


def _encrypted(plain: Path, path: Path) -> Path:
    """``plain`` encrypted (AES-256) with an empty user password at ``path``; opens without
    asking, as printing-restricted PDFs from government sites do."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="", owner_password="owner-secret", algorithm="AES-256")
    with path.open("wb") as fh:
        writer.write(fh)
    plain.unlink()
    return path


def encrypted_pdf(path: Path, lines: list[str] = CONTRACT_LINES) -> Path:
    return _encrypted(make_pdf(path.with_suffix(".plain.pdf"), [lines]), path)


def encrypted_scan_pdf(path: Path, lines: list[str] = FORM_LINES) -> Path:
    """A scan: decrypted by PDFium too, to render it for OCR."""
    return _encrypted(scan_file(path.with_suffix(".plain.pdf"), [page_image(lines)]), path)


TRADITIONAL_LINES = ["臺灣電力公司 用電申請書", "戶號：3301000009", "申請人：臺北市興業紡織股份有限公司",
                     "營業處所：臺北市中正區羅斯福路", "繳費憑證已檢附，請審核"]
JAPANESE_LINES = ["電気需給契約書", "お客様番号：3301000010", "契約者：東京電機工業株式会社",
                  "契約電力は五百キロワットとする", "検針日は毎月十五日"]
RADICAL_LINES = ["危险化学品登记表", "品名：⻧代烃（分⼦式见附表）", "户号：3301000011",
                 "⾦属氢化物另行存放"]  # ⻧ U+2EE7 for 卤, ⼦ U+2F26 for 子, ⾦ U+2F66 for 金
RADICAL_TEXT = "危险化学品登记表\n品名：卤代烃（分子式见附表）\n户号：3301000011\n金属氢化物另行存放"
FORM_VALUES = {"applicant": "杭州明远纺织有限公司", "account": "3301000012",
               "amount": "贰拾万元整", "address": "杭州市上城区望江路"}

CASES = PDF_CASES = [
    Case("odd-filter.pdf", odd_filter_pdf, "\n".join(CONTRACT_LINES), ("明远纺织", "GY-2021-0315")),
    Case("broken-xref.pdf", broken_xref_pdf, "\n".join(CONTRACT_LINES), ("受电容量", "明远纺织")),
    Case("broken-scan.pdf", broken_scan_pdf, "\n".join(FORM_LINES), ("用电检查", "明远纺织")),
    Case("glyph-names.pdf", glyph_name_pdf, "\n".join(FORM_LINES), ("用电检查", "杭州明远")),
    Case("encrypted-empty.pdf", encrypted_pdf, "\n".join(CONTRACT_LINES), ("受电容量",)),
    Case("encrypted-scan.pdf", encrypted_scan_pdf, "\n".join(FORM_LINES), ("检查日期",)),
    Case("traditional.pdf", lambda p: embedded_font_pdf(p, TRADITIONAL_LINES),
         "\n".join(TRADITIONAL_LINES), ("臺灣電力", "興業紡織", "繳費憑證")),
    Case("japanese.pdf", lambda p: embedded_font_pdf(p, JAPANESE_LINES),
         "\n".join(JAPANESE_LINES), ("電気需給", "東京電機")),
    Case("radicals.pdf", lambda p: embedded_font_pdf(p, RADICAL_LINES), RADICAL_TEXT,
         ("卤代烃", "分子式", "金属氢化物")),
    Case("form.pdf", lambda p: form_pdf(p, "用电申请表", FORM_VALUES),
         "用电申请表\n" + "\n".join(FORM_VALUES.values()), ("明远纺织", "贰拾万元", "望江路")),
]


# --- Word: the values people fill in ---------------------------------------------------

_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_BOX_NS = ('xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
           'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
           'xmlns:v="urn:schemas-microsoft-com:vml"')
CONTRACT_FORM = {"header_first": "国网杭州供电公司 合同首页", "header_even": "供用电合同（偶数页）",
                 "footer_even": "合同编号 GY-2021-0317", "block_control": "用电人：钱塘江化纤股份有限公司",
                 "inline_control": "3301000013", "text_box": "签约金额：人民币叁拾万元整"}
CONTRACT_FORM_TEXT = "\n".join([
    "高压供用电合同", "户号：3301000013", "用电人：钱塘江化纤股份有限公司", "签约金额：人民币叁拾万元整",
    "开户银行\t杭州银行钱江支行", "联系人\t周建华",
    "国网杭州供电公司 合同首页", "供用电合同（偶数页）", "合同编号 GY-2021-0317"])


def _sdt(content: str) -> str:
    return f"<w:sdt {_W_NS}><w:sdtPr><w:alias w:val=\"值\"/></w:sdtPr><w:sdtContent>{content}" \
           "</w:sdtContent></w:sdt>"


def _run(text: str) -> str:
    return f"<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r>"


def _text_box(text: str) -> str:
    """A run holding a DrawingML text box and, as Word writes it, its VML fallback copy."""
    box = f"<w:txbxContent><w:p>{_run(text)}</w:p></w:txbxContent>"
    return (f"<w:r {_W_NS} {_BOX_NS}><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing>"
            f"<wps:wsp><wps:txbx>{box}</wps:txbx></wps:wsp></w:drawing></mc:Choice>"
            f"<mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict>"
            "</mc:Fallback></mc:AlternateContent></w:r>")


def _cell(content: str) -> str:
    return f"<w:tc><w:p>{_run(content)}</w:p></w:tc>"


# a table whose value cell is a content control and whose second row is a repeating section
_FORM_TABLE = (f"<w:tbl {_W_NS}><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>"
               f"<w:tr>{_cell('开户银行')}<w:sdt><w:sdtContent>{_cell('杭州银行钱江支行')}"
               "</w:sdtContent></w:sdt></w:tr>"
               f"<w:sdt><w:sdtContent><w:tr>{_cell('联系人')}{_cell('周建华')}</w:tr>"
               "</w:sdtContent></w:sdt></w:tbl>")


def filled_docx(path: Path, values: dict[str, str] = CONTRACT_FORM) -> Path:
    """A contract whose filled-in values sit where python-docx's paragraphs do not look:
    content controls (block, inline, a table cell, a repeating table row), a text box,
    first-page and even-page headers and footers."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = values["header_first"]
    section.even_page_header.paragraphs[0].text = values["header_even"]
    section.even_page_footer.paragraphs[0].text = values["footer_even"]
    document.add_paragraph("高压供用电合同")
    number = document.add_paragraph("户号：")
    number._p.append(parse_xml(_sdt(_run(values["inline_control"]))))
    body = document.element.body
    body.insert(body.index(number._p) + 1,
                parse_xml(_sdt(f"<w:p>{_run(values['block_control'])}</w:p>")))
    holder = document.add_paragraph()
    holder._p.append(parse_xml(_text_box(values["text_box"])))
    body.insert(body.index(holder._p) + 1, parse_xml(_FORM_TABLE))
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


CASES.append(Case("filled.docx", filled_docx, CONTRACT_FORM_TEXT,
                  ("钱塘江化纤", "3301000013", "叁拾万元", "GY-2021-0317", "偶数页", "钱江支行",
                   "周建华")))


# --- more formats ----------------------------------------------------------------------

def _converted(make: Callable[[Path], Path], target: str) -> Callable[[Path], Path]:
    """A builder converting what ``make`` writes to ``target`` with LibreOffice, as the
    archive's producers save files; converted once per test session, then copied."""
    import shutil
    import tempfile

    from indexer.extract.legacy import convert

    made: dict[str, bytes] = {}

    def build(path: Path) -> Path:
        if target not in made:
            with tempfile.TemporaryDirectory(prefix="realworld-") as tmp:
                source = make(Path(tmp) / "source" / f"input.{_SOURCE_SUFFIX.get(target, 'x')}")
                out = convert(shutil.which("soffice") or "soffice", source, target, Path(tmp),
                              timeout=180)
                made[target] = out.read_bytes()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(made[target])
        return path

    return build


_SOURCE_SUFFIX = {"odt": "docx", "ods": "xlsx", "pptx": "fodp", "ppt": "fodp"}
REPORT_FIELDS = [("户号", "3301000014"), ("户名", "富阳造纸有限公司"), ("检查结论", "计量装置接线正确")]
REPORT_TEXT = "用电检查报告\n" + "\n".join(f"{k}\t{v}" for k, v in REPORT_FIELDS) + \
    "\n现场发现电容补偿柜缺相\n城南供电所 用电检查班"
SHEET_ROWS = [["户号", "户名", "合同容量"], ["3301000015", "萧山轴承制造厂", "800千伏安"],
              ["3301000016", "临安竹木制品合作社", "315千伏安"]]
SHEET_TEXT = "工作表：台账\n" + "\n".join("\t".join(row) for row in SHEET_ROWS)
SLIDES = [["迎峰度夏保供电方案", "城北供电所 二〇二四年六月"],
          ["重点客户", "富春江水泥有限公司 双电源切换演练"]]
SLIDES_TEXT = "\n".join(line for slide in SLIDES for line in slide)


def _report_docx(path: Path) -> Path:
    from tests.factories import make_docx

    return make_docx(path, "用电检查报告", REPORT_FIELDS, ["现场发现电容补偿柜缺相"],
                     footer="城南供电所 用电检查班")


def _ledger_xlsx(path: Path) -> Path:
    from tests.hostile import xlsx

    return xlsx(path, {"台账": SHEET_ROWS})


def _slides_fodp(path: Path) -> Path:
    """A flat OpenDocument presentation (XML), for LibreOffice to save as .pptx and .ppt."""
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
          'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"')
    pages = "".join(
        f'<draw:page draw:name="p{n}">' + "".join(
            f'<draw:frame svg:x="2cm" svg:y="{2 + 4 * k}cm" svg:width="20cm" svg:height="3cm">'
            f"<draw:text-box><text:p>{line}</text:p></draw:text-box></draw:frame>"
            for k, line in enumerate(lines)) + "</draw:page>"
        for n, lines in enumerate(SLIDES))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?><office:document {ns} office:version='
                    f'"1.2" office:mimetype="application/vnd.oasis.opendocument.presentation">'
                    f"<office:body><office:presentation>{pages}</office:presentation></office:body>"
                    "</office:document>", encoding="utf-8")
    return path


UTF16_TEXT = "情况说明\r\n户号：3301000017\r\n客户余杭印染厂申请暂停一台变压器（S11-M-400/10）。\r\n"
HTML_TEXT = "停电通知\n因线路检修，以下区域计划停电\n区域\t时间\n良渚街道\t2024年7月3日8:00至17:00"
EMAIL_TEXT = ("主题：关于桐庐电镀厂增容申请的回复\n发件人：营销部 <yingxiao@example.cn>\n"
              "收件人：城西供电所 <chengxi@example.cn>\n"
              "户号 3301000018 的增容申请已受理，请于三个工作日内完成现场勘查。\n附件：勘查单.pdf")


def utf16_txt(path: Path) -> Path:
    """UTF-16 (little-endian) without a byte-order mark, as some exports write."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(UTF16_TEXT.encode("utf-16-le"))
    return path


def gbk_html(path: Path) -> Path:
    """A saved web page in GBK with a script, a style and a table."""
    markup = ('<html><head><meta charset="gbk"><title>停电通知</title><style>p{color:red}</style>'
              '<script>var 广告 = "不应出现";</script></head><body><p>因线路检修，以下区域计划停电</p>'
              "<table><tr><th>区域</th><th>时间</th></tr><tr><td>良渚街道</td>"
              "<td>2024年7月3日8:00至17:00</td></tr></table></body></html>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(markup.encode("gbk"))
    return path


def email_eml(path: Path) -> Path:
    """A reply with a plain and an HTML body (base64, UTF-8) and a PDF attachment."""
    from email.message import EmailMessage

    message = EmailMessage()
    message["Subject"] = "关于桐庐电镀厂增容申请的回复"
    message["From"] = "营销部 <yingxiao@example.cn>"
    message["To"] = "城西供电所 <chengxi@example.cn>"
    body = "户号 3301000018 的增容申请已受理，请于三个工作日内完成现场勘查。"
    message.set_content(body, cte="base64")
    message.add_alternative(f"<p>{body}</p>", subtype="html", cte="base64")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf",
                           filename="勘查单.pdf")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(message.as_bytes())
    return path


def encrypted_xlsx(path: Path, password: str = "gd2024") -> Path:
    """A workbook with an opening password (ECMA-376 agile encryption, as Excel writes)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = _ledger_xlsx(path.with_suffix(".plain.xlsx"))
    with plain.open("rb") as source, path.open("wb") as target:
        OOXMLFile(source).encrypt(password, target)
    plain.unlink()
    return path


CASES.extend([
    Case("report.odt", _converted(_report_docx, "odt"), REPORT_TEXT, ("富阳造纸", "电容补偿柜")),
    Case("ledger.ods", _converted(_ledger_xlsx, "ods"), SHEET_TEXT, ("萧山轴承", "临安竹木")),
    Case("slides.pptx", _converted(_slides_fodp, "pptx"), SLIDES_TEXT, ("迎峰度夏", "双电源切换")),
    Case("slides.ppt", _converted(_slides_fodp, "ppt"), SLIDES_TEXT, ("迎峰度夏", "富春江水泥")),
    Case("utf16.txt", utf16_txt, UTF16_TEXT, ("余杭印染", "S11-M-400")),
    Case("notice.html", gbk_html, HTML_TEXT, ("良渚街道", "线路检修")),
    Case("reply.eml", email_eml, EMAIL_TEXT, ("桐庐电镀", "现场勘查", "勘查单")),
])


def unknown_cmap_pdf(path: Path, lines: list[str] = CONTRACT_LINES) -> Path:
    """A CID font naming a predefined CMap pypdf does not implement: pypdf logs an error for
    every page (the console flood of real archives) yet reads the text."""
    data = make_pdf(path, [lines] * 3).read_bytes()
    path.write_bytes(data.replace(b"/UniGB-UCS2-H", b"/UniGB-UTF8-H"))
    return path
