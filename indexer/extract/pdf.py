"""PDF: the text layer where it is real text, OCR of the rendered page where it is not.

A page whose text layer is empty (a scan) or garbage (a font without a ToUnicode map) is
rendered with PDFium and read by OCR; the document's source is then "ocr" or "mixed".
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from PIL import Image

from indexer.errors import CorruptFileError, EmptyFileError, EncryptedFileError, ExtractionError
from indexer.extract import SOURCE_MIXED, SOURCE_OCR, SOURCE_TEXT, Extracted, Limits, PageHook
from indexer.extract.images import check_pixels, ocr_pages
from indexer.textquality import is_garbled

RENDER_DPI = 200
logging.getLogger("pypdf").setLevel(logging.ERROR)


def extract_pdf(path: Path, limits: Limits, on_page: PageHook) -> Extracted:
    texts = _text_layer(path)
    scanned = [n for n, text in enumerate(texts) if not text.strip() or is_garbled(text)]
    for n in scanned:
        texts[n] = ""
    if not scanned:
        return Extracted("\n".join(texts), len(texts))
    if not limits.ocr:
        if len(scanned) == len(texts):
            raise EmptyFileError("PDF 没有可用的文字层（可能是扫描件），本次运行关闭了 OCR")
        return Extracted("\n".join(texts), len(texts))
    ocr_texts, confidence = ocr_pages(_render(path, scanned, limits), on_page)
    for n, text in zip(scanned, ocr_texts):
        texts[n] = text
    source = SOURCE_OCR if len(scanned) == len(texts) else SOURCE_MIXED
    return Extracted("\n".join(texts), len(texts), source, confidence)


def _text_layer(path: Path) -> list[str]:
    """The extracted text of every page (empty strings for pages without text)."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PyPdfError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise EncryptedFileError("PDF 已加密，需要密码才能打开（空密码无效）")
        return [page.extract_text() or "" for page in reader.pages]
    except FileNotDecryptedError as exc:
        raise EncryptedFileError("PDF 已加密，需要密码才能打开（空密码无效）") from exc
    except ExtractionError:
        raise
    except RecursionError as exc:
        raise CorruptFileError("PDF 结构异常（对象引用循环或嵌套过深），无法解析") from exc
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            AssertionError, NotImplementedError, OSError, ZeroDivisionError) as exc:
        if "cyclic" in str(exc).lower():
            raise CorruptFileError("PDF 结构异常（页面树存在循环引用），无法解析") from exc
        # the library's words (PdfStreamError: …) mean nothing to the archivist who reads this
        raise CorruptFileError("PDF 文件损坏或不完整（文件被截断或内部结构无法解析），"
                               "请重新扫描或从业务系统重新导出") from exc


def _render(path: Path, pages: list[int], limits: Limits) -> Iterator[Image.Image]:
    """The given pages rendered as greyscale images, each within the pixel limit."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise CorruptFileError(f"PDF 页面无法渲染（{exc}）") from exc
    try:
        for n in pages:
            page = document[n]
            width, height = page.get_size()  # points
            scale = RENDER_DPI / 72
            check_pixels(int(width * scale), int(height * scale), limits)
            yield page.render(scale=scale, grayscale=True).to_pil()
    except pdfium.PdfiumError as exc:
        raise CorruptFileError(f"PDF 页面无法渲染（{exc}）") from exc
    finally:
        document.close()
