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
from indexer.sample_scans import cjk_font_path
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
    writer.update_page_form_field_values(writer.pages[0], values, auto_regenerate=False)
    with path.open("wb") as fh:
        writer.write(fh)
    blank.unlink()
    return path


def encrypted_pdf(path: Path, lines: list[str] = CONTRACT_LINES) -> Path:
    """Encrypted with an empty user password (printing restricted): opens without asking."""
    from pypdf import PdfReader, PdfWriter

    plain = make_pdf(path.with_suffix(".plain.pdf"), [lines])
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="", owner_password="owner-secret", algorithm="AES-256")
    with path.open("wb") as fh:
        writer.write(fh)
    plain.unlink()
    return path


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


def filled_docx(path: Path, values: dict[str, str] = CONTRACT_FORM) -> Path:
    """A contract whose filled-in values sit where python-docx's paragraphs do not look:
    content controls (block and inline), a text box, first-page and even-page headers and
    footers."""
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
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


CASES.append(Case("filled.docx", filled_docx, CONTRACT_FORM_TEXT,
                  ("钱塘江化纤", "3301000013", "叁拾万元", "GY-2021-0317", "偶数页")))
