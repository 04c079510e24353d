"""Planned documents rendered as files: PDF with a text layer, DOCX, TXT in GBK or UTF-8, and
the deliberately broken ones."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from functools import lru_cache
from typing import Callable, Iterable, Sequence

import docx
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from sample_archive.domain import COMPANY, Doc, PlannedFile


FONT = "STSong-Light"  # reportlab's built-in CID font: no font file needed, pypdf reads it back
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
PAGE_W, PAGE_H = A4
MARGIN = 60
BODY_SIZE = 11
NO_BREAK_BEFORE = frozenset("，。；：、）》”！？")  # CJK punctuation never starts a line
LINE_GAP = 1.65
_char_widths: dict[str, float] = {}


def _width(text: str, size: float) -> float:
    total = 0.0
    for ch in text:
        if ch not in _char_widths:
            _char_widths[ch] = pdfmetrics.stringWidth(ch, FONT, 1)
        total += _char_widths[ch]
    return total * size


def _wrap(text: str, size: float, widths: tuple[float, float]) -> list[str]:
    """Break ``text`` into lines: the first at most widths[0] wide, the others widths[1]."""
    lines: list[str] = []
    current, used = "", 0.0
    for ch in text:
        step = _width(ch, size)
        if current and used + step > widths[min(len(lines), 1)] and ch not in NO_BREAK_BEFORE:
            lines.append(current)
            current, used = "", 0.0
        current += ch
        used += step
    return lines + [current]


Line = tuple[float, float, str]  # font size, x, text


def _paragraph_lines(paragraphs: Iterable[tuple[str, float, float]]) -> list[Line]:
    """Wrap (text, left offset, first-line indent) paragraphs into body-size lines."""
    usable = PAGE_W - 2 * MARGIN
    lines: list[Line] = []
    for text, left, indent in paragraphs:
        parts = _wrap(text, BODY_SIZE, (usable - left - indent, usable - left))
        lines += [(BODY_SIZE, MARGIN + left + (indent if i == 0 else 0.0), part) for i, part in enumerate(parts)]
    return lines


def _pdf_layout(doc: Doc) -> list[list[Line]]:
    """Pages of lines; the title is the first line of the first page."""
    half = (PAGE_W - 2 * MARGIN) / 2
    head: list[Line] = [(18, (PAGE_W - _width(doc.title, 18)) / 2, doc.title),
                        (BODY_SIZE, (PAGE_W - _width(COMPANY, BODY_SIZE)) / 2, COMPANY)]
    body = head + _paragraph_lines([(f"{k}：{v}", 0.0, 0.0) for k, v in doc.fields]
                                   + [(p, 0.0, 2 * BODY_SIZE) for p in doc.body]
                                   + [("    ".join(r), 0.0, 0.0) for r in doc.rows])
    sign = _paragraph_lines((f"{k}：{v}", half, 0.0) for k, v in doc.sign)
    per_page = int((PAGE_H - 2 * MARGIN) / (BODY_SIZE * LINE_GAP)) - 2
    chunks = [body, sign] if doc.sign_page else [body + sign]
    return [chunk[i:i + per_page] for chunk in chunks for i in range(0, len(chunk), per_page)]


def render_pdf(doc: Doc) -> bytes:
    pages = _pdf_layout(doc)
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1)
    canvas.setTitle(doc.title)
    canvas.setAuthor(COMPANY)
    for number, lines in enumerate(pages, 1):
        y = PAGE_H - MARGIN
        for size, x, text in lines:
            canvas.setFont(FONT, size)
            canvas.drawString(x, y, text)
            y -= size * LINE_GAP
        if len(pages) > 1:
            canvas.setFont(FONT, 9)
            canvas.drawCentredString(PAGE_W / 2, MARGIN / 2, f"第{number}页 共{len(pages)}页")
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed member timestamps so equal content gives equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(zipfile.ZipInfo(info.filename, ZIP_TIME), source.read(info), zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _docx_table(document: DocxDocument, fields: Sequence[tuple[str, str]]) -> None:
    """Fields as a form: two ``标签：值`` cells per row, long values on a merged full row."""
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    texts = [f"{label}：{value}" for label, value in fields]
    index = 0
    while index < len(texts):
        cells = table.add_row().cells
        pair = texts[index:index + 2]
        if len(pair) == 2 and max(map(len, pair)) <= 20:
            cells[0].text, cells[1].text = pair
            index += 2
        elif len(pair[0]) > 20:
            cells[0].merge(cells[1]).text = pair[0]
            index += 1
        else:
            cells[0].text = pair[0]
            index += 1


DOCX_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "TableGrid", "NoList", "Header", "HeaderChar"}
DOCX_DROPPED_PARTS = ("/stylesWithEffects", "/customXml", "/thumbnail")


@lru_cache(maxsize=1)
def docx_template() -> bytes:
    """python-docx's default template cut down to the styles used, with 宋体 as the body font.

    The full template carries ~800 kB of style XML that every open and save would re-process.
    """
    document = docx.Document()
    styles = document.styles.element
    for style in list(styles):
        unused = style.tag == qn("w:style") and style.get(qn("w:styleId")) not in DOCX_STYLES
        if unused or style.tag == qn("w:latentStyles"):
            styles.remove(style)
    for part in (document.part, document.part.package):
        for rel_id, rel in list(part.rels.items()):
            if rel.reltype.endswith(DOCX_DROPPED_PARTS):
                part.rels.pop(rel_id)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "宋体", Pt(10.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def render_docx(doc: Doc) -> bytes:
    document = docx.Document(io.BytesIO(docx_template()))
    props = document.core_properties
    props.author = props.last_modified_by = COMPANY
    props.title, props.comments = doc.title, ""
    props.created = props.modified = datetime(doc.day.year, doc.day.month, doc.day.day, 9, 0)
    document.sections[0].header.paragraphs[0].text = COMPANY
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(doc.title)
    run.bold, run.font.size = True, Pt(16)
    _docx_table(document, doc.fields)
    for text in doc.body:
        document.add_paragraph(text)
    if doc.rows:
        table = document.add_table(rows=0, cols=len(doc.rows[0]))
        table.style = "Table Grid"
        for values in doc.rows:
            for cell, value in zip(table.add_row().cells, values):
                cell.text = value
    for label, value in doc.sign:
        document.add_paragraph(f"{label}：{value}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buf = io.BytesIO()
    document.save(buf)
    return _fixed_zip(buf.getvalue())


def render_txt(doc: Doc, encoding: str) -> bytes:
    newline = "\r\n" if encoding == "gbk" else "\n"
    return (newline.join(doc.lines()) + newline).encode(encoding)


def encrypt_pdf(data: bytes, password: str = "123456") -> bytes:
    """Encrypt with RC4-128 and a fixed file identifier (pypdf would draw a random one)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    file_id = ByteStringObject(b"archive-sample-0")
    writer.generate_file_identifiers = lambda: setattr(  # type: ignore[method-assign]
        writer, "_ID", ArrayObject((file_id, file_id)))
    writer.encrypt(password, algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


DAMAGES: dict[str, Callable[[bytes], bytes]] = {
    "truncate": lambda data: data[: len(data) // 2], "encrypt": encrypt_pdf, "empty": lambda data: b"",
}


def render(planned: PlannedFile) -> bytes:
    """The bytes of a planned file, damaged if it was picked to be broken."""
    doc = planned.doc
    if doc is None:
        data = planned.raw
    elif planned.fmt == "pdf":
        data = render_pdf(doc)
    elif planned.fmt == "docx":
        data = render_docx(doc)
    else:
        data = render_txt(doc, planned.fmt.removeprefix("txt-"))
    return DAMAGES[planned.damage](data) if planned.damage else data


