"""One page for one viewer, and a whole masked copy: render, highlight, redact, stamp."""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import PngImagePlugin

from indexer.catalog.page_lines import LineStore
from search_service.viewer.marks import Watermark, highlight, redact, stamp
from search_service.viewer.masked_copy import images_pdf, text_pdf
from search_service.viewer.page_cache import cached_page
from search_service.viewer.render import is_paged, page_count, render_page

MAX_COPY_PAGES = 200


def page_png(path: Path, file_type: str, index: int, mark: Watermark, masked: bool,
             pattern: re.Pattern[str] | None = None, store: LineStore | None = None) -> bytes:
    """Page ``index`` as PNG: matches highlighted, numbers blacked out if ``masked`` (a
    scan's from the lines ``store`` keeps), stamped. The PNG's text chunk repeats the
    watermark (and carries nothing of the page's text)."""
    page = cached_page(path, file_type, index, ocr=masked, store=store)
    highlight(page, pattern)
    if masked:
        redact(page)
    image = stamp(page.image, mark)
    info = PngImagePlugin.PngInfo()
    info.add_itxt("Watermark", mark.text())
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info, optimize=False, compress_level=3)
    return out.getvalue()


def copy_pdf(path: Path, file_type: str, text: str, title: str, mark: Watermark,
             store: LineStore | None = None) -> bytes:
    """The masked copy (脱敏副本) of a document, whatever its format."""
    if not is_paged(file_type):
        return text_pdf(text, title, mark)
    count = min(page_count(path, file_type), MAX_COPY_PAGES)

    def pages():  # noqa: ANN202 - a generator of page images, rendered one at a time
        for index in range(count):
            page = render_page(path, file_type, index, ocr=True, store=store)
            redact(page)
            yield stamp(page.image, mark)
    return images_pdf(pages(), mark)
