"""Office Open XML (DOCX, XLSX, PPTX) and plain text. A DOCX/XLSX/PPTX is a zip: its members
are checked against the limits before any XML is parsed, so a zip bomb costs nothing."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from indexer.errors import BombError, CorruptFileError, ExtractionError
from indexer.extract.base import Extracted, Limits, PageHook, size_text
from indexer.tables import decode_text


def check_zip(path: Path, limits: Limits) -> None:
    """Refuse a zip whose members would inflate beyond the limits (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CorruptFileError("文件的压缩结构损坏（文件损坏或不完整）") from exc
    total = sum(m.file_size for m in members)
    if total > limits.max_unzipped:
        raise BombError(f"解压后大小异常（{size_text(total)}，上限 {size_text(limits.max_unzipped)}），"
                        "疑似压缩炸弹，未处理")
    for member in members:
        if member.file_size > 2**20 and member.file_size > limits.max_zip_ratio * max(
                member.compress_size, 1):
            raise BombError(f"压缩比异常（{member.filename} 压缩比超过 "
                            f"{limits.max_zip_ratio}:1），疑似压缩炸弹，未处理")


def _xml_line(exc: Exception) -> str:
    """Where malformed XML broke, for people: "（第 3 行）", or nothing when unknown."""
    line = getattr(exc, "lineno", None) or getattr(exc, "position", (None,))[0]
    return f"（第 {line} 行）" if isinstance(line, int) and line > 0 else ""


def _xml_error(exc: Exception, what: str) -> ExtractionError:
    return CorruptFileError(f"{what}内部 XML 格式错误或不完整{_xml_line(exc)}")


def extract_docx(path: Path, limits: Limits, on_page: PageHook) -> Extracted:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import LxmlError

    check_zip(path, limits)
    try:
        document = docx.Document(str(path))
        parts = list(_part_texts(document))  # body first: its first line is the title
    except (zipfile.BadZipFile, PackageNotFoundError) as exc:
        raise CorruptFileError("Word 文件损坏或不是有效的 DOCX") from exc
    except (LxmlError, KeyError, ValueError) as exc:
        raise _xml_error(exc, "Word 文件") from exc
    return Extracted("\n".join(p for p in parts if p.strip()), _docx_pages(path))


def extract_xlsx(path: Path, limits: Limits, on_page: PageHook) -> Extracted:
    """Each sheet as its name, then one tab-separated line per non-empty row."""
    from xml.etree.ElementTree import ParseError

    import openpyxl
    from lxml.etree import LxmlError

    check_zip(path, limits)
    lines: list[str] = []
    chars = 0
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            for sheet in book.worksheets:
                lines.append(f"工作表：{sheet.title}")
                for row in sheet.iter_rows(values_only=True):
                    cells = [_cell_text(v) for v in row]
                    line = "\t".join(cells).strip()
                    if line:
                        lines.append(line)
                        chars += len(line)
                    if chars > limits.max_text_chars:
                        break
        finally:
            book.close()
    except (zipfile.BadZipFile, OSError) as exc:
        raise CorruptFileError("Excel 文件损坏或不是有效的 XLSX") from exc
    except (LxmlError, ParseError, KeyError, ValueError, TypeError, IndexError) as exc:
        raise _xml_error(exc, "Excel 文件") from exc
    if all(line.startswith("工作表：") for line in lines):
        lines = []  # sheet names alone are not content
    return Extracted("\n".join(lines), len(book.sheetnames))


_SLIDE = re.compile(r"ppt/(slides/slide|notesSlides/notesSlide)(\d+)\.xml")
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def extract_pptx(path: Path, limits: Limits, on_page: PageHook) -> Extracted:
    """Each slide's text (titles, text boxes, tables) then its speaker notes, slide by slide
    in the order of their part names."""
    from lxml import etree

    check_zip(path, limits)
    lines: list[str] = []
    try:
        with zipfile.ZipFile(path) as archive:
            parts = sorted((int(m.group(2)), m.group(1).startswith("notes"), m.group())
                           for m in map(_SLIDE.fullmatch, archive.namelist()) if m)
            for _, _, name in parts:
                slide = etree.fromstring(archive.read(name))
                lines.extend("".join(t.text or "" for t in p.iter(f"{_A}t"))
                             for p in slide.iter(f"{_A}p"))
    except (zipfile.BadZipFile, OSError) as exc:
        raise CorruptFileError("PowerPoint 文件损坏或不是有效的 PPTX") from exc
    except etree.LxmlError as exc:
        raise _xml_error(exc, "PowerPoint 文件") from exc
    slides = sum(1 for _, notes, _ in parts if not notes)
    return Extracted("\n".join(line for line in lines if line.strip()), slides)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_CHAR_TAGS = {f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n"}
_SKIPPED = frozenset({f"{_W}txbxContent", _FALLBACK})  # text boxes: their own blocks; the
# Fallback of mc:AlternateContent repeats its Choice (a text box as VML) for old programs
_WRAPPERS = frozenset({f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"})  # around blocks, rows
# or cells (a content control's w:sdtPr holds no text)


def _part_texts(document: object) -> Iterator[str]:
    """Body, then every header and footer with its own definition (default, first-page and
    even-page ones alike), each in document order."""
    yield from _block_texts(document.element.body)  # type: ignore[attr-defined]
    for section in document.sections:  # type: ignore[attr-defined]
        for part in (section.header, section.first_page_header, section.even_page_header,
                     section.footer, section.first_page_footer, section.even_page_footer):
            if not part.is_linked_to_previous:
                yield from _block_texts(part._element)


def _block_texts(element: object) -> Iterator[str]:
    """Paragraph and table text of a body, header, cell, content control or text box."""
    for child in element:  # type: ignore[attr-defined]
        tag = child.tag
        if tag == f"{_W}p":
            yield _paragraph_text(child)
            for box in _text_boxes(child):
                yield from _block_texts(box)
        elif tag == f"{_W}tbl":
            yield from _table_texts(child)
        elif tag in _WRAPPERS:  # a content control or custom XML around blocks
            yield from _block_texts(child)


def _paragraph_text(element: object) -> str:
    """A paragraph's text, including its inline content controls, fields and hyperlinks."""
    parts: list[str] = []
    stack = [iter(element)]  # type: ignore[call-overload]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child.tag == f"{_W}t":
            parts.append(child.text or "")
        elif child.tag in _CHAR_TAGS:
            parts.append(_CHAR_TAGS[child.tag])
        elif child.tag not in _SKIPPED:
            stack.append(iter(child))
    return "".join(parts)


def _text_boxes(element: object) -> Iterator[object]:
    """The text boxes anchored in a paragraph (not their VML fallback copies)."""
    for child in element:  # type: ignore[attr-defined]
        if child.tag == f"{_W}txbxContent":
            yield child
        elif child.tag != _FALLBACK:
            yield from _text_boxes(child)


def _table_texts(table: object) -> Iterator[str]:
    """One line per row, cells joined by tabs (rows and cells inside content controls too,
    as a form's repeating sections put them); a merged cell once; nested tables included."""
    for row in _wrapped(table, f"{_W}tr"):
        cells = [("\n".join(_block_texts(cell))).strip() for cell in _wrapped(row, f"{_W}tc")
                 if not _continues_merge(cell)]
        yield "\t".join(cells)


def _wrapped(element: object, tag: str) -> Iterator[object]:
    """The children with ``tag``, also those inside content controls and custom XML."""
    for child in element:  # type: ignore[attr-defined]
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _wrapped(child, tag)


def _continues_merge(cell: object) -> bool:
    """A cell continuing a vertical merge: the text is in the cell where the merge starts."""
    merge = cell.find(f"{_W}tcPr/{_W}vMerge")  # type: ignore[attr-defined]
    return merge is not None and merge.get(f"{_W}val") != "restart"


def _docx_pages(path: Path) -> int:
    """Page count stated in docProps/app.xml by the program that saved it; 0 when unknown."""
    try:
        with zipfile.ZipFile(path) as archive:
            app = archive.read("docProps/app.xml").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return 0
    match = re.search(r"<Pages>(\d+)</Pages>", app)
    return int(match.group(1)) if match else 0


def extract_txt(path: Path, limits: Limits, on_page: PageHook) -> Extracted:
    return Extracted(decode_text(path.read_bytes()), 1)
