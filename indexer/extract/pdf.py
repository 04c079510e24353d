"""PDF: the text layer where it is real text, OCR of the rendered page where it is not.

The text layer comes from pypdf; a file pypdf cannot parse (a broken cross-reference table,
an abbreviated filter name) is read by PDFium instead, and only a file neither opens is
damaged. A page whose text layer is empty (a scan) or garbage (:mod:`indexer.textquality`)
is rendered with PDFium and read by OCR; the document's source is then "ocr" or "mixed".
The values filled into form fields (AcroForm) are added to their page's text.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from PIL import Image

from indexer.errors import CorruptFileError, EmptyFileError, EncryptedFileError, ExtractionError
from indexer.extract.base import SOURCE_MIXED, SOURCE_OCR, SOURCE_TEXT, Extracted, Limits, PageHook
from indexer.extract.images import OCR_LONG_SIDE, check_pixels, numbered, ocr_pages
from indexer.textquality import is_garbled

MAX_RENDER_DPI = 200  # pages are rendered at this, or less so the long side fits OCR_LONG_SIDE
logging.getLogger("pypdf").setLevel(logging.ERROR)
_ENCRYPTED = "PDF 已加密，需要密码才能打开（空密码无效）"
_DAMAGED = "PDF 文件损坏或不完整，无法读取其中的文字或页面"


def extract_pdf(path: Path, limits: Limits, on_page: PageHook) -> Extracted:
    texts, fields = _read(path)
    scanned = [n for n, text in enumerate(texts) if not text.strip() or is_garbled(text)]
    for n in scanned:
        texts[n] = ""
    source = SOURCE_TEXT
    confidence, lines = None, ()
    if scanned and limits.ocr:
        ocr_texts, confidence, found = ocr_pages(_render(path, scanned, limits), on_page)
        lines = numbered(scanned, found)
        for n, text in zip(scanned, ocr_texts):
            texts[n] = text
        source = SOURCE_OCR if len(scanned) == len(texts) else SOURCE_MIXED
    elif len(scanned) == len(texts) and not any(fields.values()):
        raise EmptyFileError("PDF 没有可用的文字层（可能是扫描件），本次运行关闭了 OCR")
    for n, values in fields.items():
        texts[n] = "\n".join([texts[n].rstrip(), *values]).lstrip("\n")
    return Extracted("\n".join(texts), len(texts), source, confidence, lines)


def _read(path: Path) -> tuple[list[str], dict[int, list[str]]]:
    """Every page's text layer and form-field values: pypdf first, then PDFium's text."""
    try:
        return _pypdf_pages(path)
    except EncryptedFileError:
        raise
    except ExtractionError as exc:
        try:
            return _pdfium_pages(path), {}
        except CorruptFileError:
            raise exc from None


def _pypdf_pages(path: Path) -> tuple[list[str], dict[int, list[str]]]:
    from pypdf import PdfReader
    from pypdf.errors import DeprecationError, FileNotDecryptedError, PyPdfError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise EncryptedFileError(_ENCRYPTED)
        texts = [page.extract_text() or "" for page in reader.pages]
        return texts, _field_values(reader)
    except FileNotDecryptedError as exc:
        raise EncryptedFileError(_ENCRYPTED) from exc
    except ExtractionError:
        raise
    except RecursionError as exc:
        raise CorruptFileError("PDF 结构异常（对象引用循环或嵌套过深），无法解析") from exc
    except (PyPdfError, DeprecationError, ValueError, KeyError, TypeError, AttributeError,
            IndexError, AssertionError, NotImplementedError, OSError, ZeroDivisionError) as exc:
        if "cyclic" in str(exc).lower():
            raise CorruptFileError("PDF 结构异常（页面树存在循环引用），无法解析") from exc
        if "encrypt" in str(exc).lower():
            raise EncryptedFileError("PDF 使用了不支持的加密方式，无法打开") from exc
        raise CorruptFileError(_DAMAGED) from exc


def _field_values(reader: object) -> dict[int, list[str]]:
    """The text of every filled-in form field (text boxes, lists), by page number; a field
    shown by several widgets once, on the first page showing it."""
    found: dict[int, list[str]] = {}
    seen: set[int] = set()
    for n, page in enumerate(reader.pages):  # type: ignore[attr-defined]
        for ref in page.get("/Annots") or ():
            widget = ref.get_object()
            if widget.get("/Subtype") != "/Widget":
                continue
            parent = widget.get("/Parent")
            field = widget if "/V" in widget or parent is None else parent.get_object()
            if id(field) in seen or field.get("/FT") not in ("/Tx", "/Ch"):
                continue
            seen.add(id(field))
            value = field.get("/V")
            items = value if isinstance(value, list) else [value]
            texts = [str(v) for v in items if v is not None and str(v).strip()]
            found.setdefault(n, []).extend(texts)
    return found


def _pdfium_pages(path: Path) -> list[str]:
    """Every page's text as PDFium reads it (it repairs what pypdf refuses)."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise CorruptFileError(_DAMAGED) from exc
    try:
        texts = []
        for page in document:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range().replace("\r\n", "\n"))
            textpage.close()
            page.close()
        return texts
    except pdfium.PdfiumError as exc:
        raise CorruptFileError(_DAMAGED) from exc
    finally:
        document.close()


def page_count(path: Path) -> int:
    """How many pages the PDF has, as pypdf or else PDFium reads it (CorruptFileError when
    neither opens it)."""
    from pypdf import PdfReader

    try:
        return len(PdfReader(path).pages)
    except Exception:  # noqa: BLE001 - whatever pypdf fails on, PDFium is asked
        return len(_pdfium_pages(path))


def render_scale(width: float, height: float) -> float:
    """Points to pixels: MAX_RENDER_DPI, less for a page whose long side would pass
    OCR_LONG_SIDE (the recogniser scales larger images down anyway)."""
    return min(MAX_RENDER_DPI / 72, OCR_LONG_SIDE / max(width, height, 1.0))


def _render(path: Path, pages: list[int], limits: Limits) -> Iterator[Image.Image]:
    """The given pages rendered as greyscale images, each within the pixel limit."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise CorruptFileError("PDF 页面无法渲染（文件损坏或不完整）") from exc
    try:
        for n in pages:
            page = document[n]
            width, height = page.get_size()  # points
            scale = render_scale(width, height)
            check_pixels(int(width * scale), int(height * scale), limits)
            yield page.render(scale=scale, grayscale=True).to_pil()
    except pdfium.PdfiumError as exc:
        raise CorruptFileError("PDF 页面无法渲染（文件损坏或不完整）") from exc
    finally:
        document.close()
