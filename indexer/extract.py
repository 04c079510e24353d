"""Text extraction, one function per format. Each returns :class:`Extracted` or raises a
specific :class:`~indexer.errors.ExtractionError` whose message says why, in Chinese."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from indexer.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    ExtractionError,
    UnsupportedFileError,
)
from indexer.tables import decode_text


@dataclass(frozen=True)
class Extracted:
    text: str
    pages: int


def extract(path: Path) -> Extracted:
    """Extract the text of one archived file, dispatching on its extension."""
    extractor = EXTRACTORS.get(path.suffix.lower())
    if extractor is None:
        raise UnsupportedFileError(f"不支持的文件类型“{path.suffix or '无扩展名'}”")
    if path.stat().st_size == 0:
        raise EmptyFileError("文件为空（0 字节）")
    result = extractor(path)
    if not result.text.strip():
        raise EmptyFileError("文件中没有可提取的文字")
    return result


def extract_pdf(path: Path) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PyPdfError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise EncryptedFileError("PDF 已加密，需要密码才能打开")
        texts = [page.extract_text() or "" for page in reader.pages]
    except FileNotDecryptedError as exc:
        raise EncryptedFileError("PDF 已加密，需要密码才能打开") from exc
    except ExtractionError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise CorruptFileError(f"PDF 文件损坏或不完整（{type(exc).__name__}: {exc}）") from exc
    if not any(t.strip() for t in texts):
        raise EmptyFileError("PDF 没有文字层（可能是扫描件）")
    return Extracted("\n".join(texts), len(texts))


def extract_docx(path: Path) -> Extracted:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise CorruptFileError(f"Word 文件损坏或不是有效的 DOCX（{exc}）") from exc
    parts = list(_block_texts(document))  # body first: its first line is the title
    for section in document.sections:
        parts.extend(_block_texts(section.header))
        parts.extend(_block_texts(section.footer))
    return Extracted("\n".join(p for p in parts if p.strip()), _docx_pages(path))


def _block_texts(container: object) -> Iterator[str]:
    """Paragraph and table text of a body, header or cell, in document order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for block in container.iter_inner_content():  # type: ignore[attr-defined]
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Table):
            yield from _table_texts(block)


def _table_texts(table: object) -> Iterator[str]:
    """One line per row, cells joined by tabs; merged cells once; nested tables included."""
    for row in table.rows:  # type: ignore[attr-defined]
        seen: set[int] = set()
        cells: list[str] = []
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append("\n".join(_block_texts(cell)).strip())
        yield "\t".join(cells)


def _docx_pages(path: Path) -> int:
    """Page count stated in docProps/app.xml by the program that saved it; 0 when unknown."""
    try:
        with zipfile.ZipFile(path) as archive:
            app = archive.read("docProps/app.xml").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return 0
    match = re.search(r"<Pages>(\d+)</Pages>", app)
    return int(match.group(1)) if match else 0


def extract_txt(path: Path) -> Extracted:
    return Extracted(decode_text(path.read_bytes()), 1)


EXTRACTORS: dict[str, Callable[[Path], Extracted]] = {
    ".pdf": extract_pdf,
    ".docx": extract_docx,
    ".txt": extract_txt,
}
