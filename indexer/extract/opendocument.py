"""OpenDocument (.odt text, .ods spreadsheet, .odp presentation), as LibreOffice and WPS
write them: a zip whose content.xml holds the body and styles.xml the headers and footers.
The zip is checked against the limits before any XML is parsed."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from indexer.errors import CorruptFileError
from indexer.extract.base import Extracted, Limits, PageHook

_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_LINES = (f"{_TEXT}p", f"{_TEXT}h")
_HEADERS = tuple(f"{_STYLE}{n}" for n in ("header", "header-first", "header-left", "footer",
                                          "footer-first", "footer-left"))
_SPACING = {f"{_TEXT}s": " ", f"{_TEXT}tab": "\t", f"{_TEXT}line-break": "\n"}


def extract_odf(path: Path, limits: Limits, on_page: PageHook) -> Extracted:
    """Body text (spreadsheets: each sheet as its name and one tab-separated line per row,
    like XLSX; presentations: slide by slide), then the page headers and footers."""
    from lxml import etree

    from indexer.extract.office import check_zip

    check_zip(path, limits)
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            content = etree.fromstring(archive.read("content.xml"))
            styles = etree.fromstring(archive.read("styles.xml")) if "styles.xml" in names \
                else None
            meta = archive.read("meta.xml").decode("utf-8", "replace") if "meta.xml" in names \
                else ""
    except KeyError as exc:
        raise CorruptFileError("OpenDocument 文件缺少正文（content.xml），文件不完整") from exc
    except (zipfile.BadZipFile, OSError) as exc:
        raise CorruptFileError("OpenDocument 文件损坏或不完整") from exc
    except etree.LxmlError as exc:
        raise CorruptFileError("OpenDocument 文件内部 XML 格式错误或不完整") from exc
    body = content.find(f"{_OFFICE}body")
    lines = list(_block_lines(body)) if body is not None else []
    if styles is not None:
        for part in styles.iter(*_HEADERS):
            lines.extend(_block_lines(part))
    return Extracted("\n".join(line for line in lines if line.strip()),
                     _pages(body, meta))


def _block_lines(element: object) -> Iterator[str]:
    """Paragraphs, headings and table rows below ``element``, in document order."""
    for child in element:  # type: ignore[attr-defined]
        if child.tag in _LINES:
            yield _inline_text(child)
            for frame in child.iter(f"{_DRAW}text-box"):  # text boxes anchored here
                yield from _block_lines(frame)
        elif child.tag == f"{_TABLE}table":
            if child.getparent().tag == f"{_OFFICE}spreadsheet":
                yield f"工作表：{child.get(f'{_TABLE}name', '')}"
            yield from _table_rows(child)
        else:
            yield from _block_lines(child)


def _inline_text(element: object) -> str:
    """A paragraph's text with its spaces, tabs and line breaks (not its text boxes)."""
    parts = [element.text or ""]  # type: ignore[attr-defined]
    for child in element:  # type: ignore[attr-defined]
        if child.tag in _SPACING:
            count = int(child.get(f"{_TEXT}c", "1")) if child.tag == f"{_TEXT}s" else 1
            parts.append(_SPACING[child.tag] * min(count, 100))
        elif child.tag != f"{_DRAW}frame":
            parts.append(_inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _table_rows(table: object) -> Iterator[str]:
    """One tab-separated line per non-empty row (repeated empty cells and rows are not
    expanded: a sheet's unused million rows cost nothing)."""
    for row in table.iter(f"{_TABLE}table-row"):  # type: ignore[attr-defined]
        cells = ["\n".join(line for line in _block_lines(cell) if line).strip()
                 for cell in row.iterchildren(f"{_TABLE}table-cell")]
        line = "\t".join(cells).strip()
        if line:
            yield line


def _pages(body: object, meta: str) -> int:
    """Sheets or slides by count; a text document's page count from meta.xml (0: unknown)."""
    if body is not None:
        for kind, tag in (("spreadsheet", f"{_TABLE}table"), ("presentation", f"{_DRAW}page")):
            part = body.find(f"{_OFFICE}{kind}")  # type: ignore[attr-defined]
            if part is not None:
                return len(part.findall(tag))
    match = re.search(r'meta:page-count="(\d+)"', meta)
    return int(match.group(1)) if match else 0
