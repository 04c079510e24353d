"""Text extraction: decide a file's type by content, then run that format's extractor.

Each extractor returns :class:`Extracted` or raises a specific
:class:`~indexer.errors.ExtractionError` whose message says why, in Chinese. Extraction of one
file may be slow or hostile; the pipeline runs it in a worker process it can kill.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from indexer.analysis import fold_lookalikes
from indexer.errors import EmptyFileError, FileTooLargeError
from indexer.filetypes import sniff

SOURCE_TEXT, SOURCE_OCR, SOURCE_MIXED = "text", "ocr", "mixed"
# One OCR'd page: (page from 0, image width, image height, ((box, text), ...)), plain data
# that crosses to the main process and the OCR cache (indexer.catalog.page_lines keeps it)
OcrLines = tuple[int, int, int, tuple]


@dataclass(frozen=True)
class Extracted:
    """A file's text, its page count, where the text came from and the OCR confidence."""

    text: str
    pages: int
    source: str = SOURCE_TEXT  # text layer, OCR, or mixed
    ocr_confidence: float | None = None  # character-weighted mean over OCR'd pages
    page_lines: tuple[OcrLines, ...] = ()  # the lines of each OCR'd page, for the viewer


def _default_soffice() -> str | None:
    return os.environ.get("ARCHIVE_SEARCH_SOFFICE") or shutil.which("soffice")


@dataclass(frozen=True)
class Limits:
    """What one file may cost; beyond these it is recorded as failed, never half-read."""

    max_bytes: int = 512 * 1024 * 1024  # file size
    max_pixels: int = 80_000_000  # one image or rendered page (A0 at 300 dpi ≈ 140 MP)
    max_unzipped: int = 512 * 1024 * 1024  # total uncompressed size of a DOCX/XLSX
    max_zip_ratio: int = 200  # compression ratio of one member above 1 MB
    max_text_chars: int = 20_000_000
    ocr: bool = True
    soffice: str | None = field(default_factory=_default_soffice)
    soffice_timeout: float = 120.0


def size_text(size: int) -> str:
    """A byte count for people: 512 KB, 3.2 MB."""
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size / 1024:.0f} KB"


def quiet_libraries() -> None:
    """Silence the format libraries' warnings and log messages in this (worker) process:
    pypdf, openpyxl and others write one per odd font or property, which floods the console
    of a run over real archives, while what matters reaches the run as a reason."""
    import logging
    import warnings

    warnings.simplefilter("ignore")
    logging.disable(logging.ERROR)


PageHook = Callable[[], None]  # called after each page that cost real work (OCR)


def extract(path: Path, limits: Limits | None = None, on_page: PageHook | None = None) -> Extracted:
    """Extract the text of one archived file, dispatching on its content type."""
    from indexer.extract import html_mail, images, legacy, office, ofd, opendocument, pdf

    limits = limits or Limits()
    size = path.stat().st_size
    if size == 0:
        raise EmptyFileError("文件为空（0 字节）")
    if size > limits.max_bytes:
        raise FileTooLargeError(f"文件过大（{size_text(size)}，上限 {size_text(limits.max_bytes)}），"
                                "未处理")
    kind = sniff(path)
    hook = on_page or (lambda: None)
    extractors: dict[str, Callable[[Path, Limits, PageHook], Extracted]] = {
        "pdf": pdf.extract_pdf, "docx": office.extract_docx, "xlsx": office.extract_xlsx,
        "pptx": office.extract_pptx, "text": office.extract_txt, "ofd": ofd.extract_ofd,
        "html": html_mail.extract_html, "eml": html_mail.extract_eml,
        **dict.fromkeys(("odt", "ods", "odp"), opendocument.extract_odf),
        **{k: partial(legacy.extract_legacy, kind=k) for k in legacy.KINDS},
        **dict.fromkeys(images.KINDS, images.extract_image),
    }
    result = extractors[kind](path, limits, hook)
    if not result.text.strip():
        raise EmptyFileError("文件中没有可提取的文字")
    return replace(result, text=fold_lookalikes(result.text))  # ⻧代烃 shown as 卤代烃
