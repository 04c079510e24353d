"""What every extractor shares: the result, the limits of one file, the page hook."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field

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
