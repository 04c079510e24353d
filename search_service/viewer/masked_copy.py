"""The masked copy (脱敏副本): a PDF of the document's pages, masked and watermarked.

Paged documents (PDF, scans) become one image per page with every sensitive number blacked
out and the watermark burnt in; the watermark line is also written as the PDF's only text,
so the copy carries no text layer of the original. Documents without pages (Word, Excel,
text) become pages of their masked text under the same watermark.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from PIL import Image

from search_service.access.masking import mask_text
from search_service.archive_room.reports import CJK_FONT, register_cjk_font
from search_service.viewer.marks import Watermark

POINTS_PER_PIXEL = 72 / 150
TEXT_LINES_PER_PAGE = 48
TEXT_WIDTH = 46  # characters per line of a text page


def images_pdf(pages: Iterable[Image.Image], mark: Watermark) -> bytes:
    """A PDF of page images (already masked and stamped), the watermark as its text."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    register_cjk_font()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, invariant=1)
    pdf.setTitle("脱敏副本")
    pdf.setAuthor(mark.text())
    for image in pages:
        width, height = (v * POINTS_PER_PIXEL for v in image.size)
        pdf.setPageSize((width, height))
        pdf.drawImage(ImageReader(image), 0, 0, width, height)
        _mark_line(pdf, mark, width)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def text_pdf(text: str, title: str, mark: Watermark) -> bytes:
    """A PDF of ``text`` masked, on A4 pages, the watermark on each page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    register_cjk_font()
    lines = [f"【脱敏副本】{title}", ""] + _wrapped(mask_text(text))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    pdf.setTitle("脱敏副本")
    pdf.setAuthor(mark.text())
    width, height = A4
    for start in range(0, max(len(lines), 1), TEXT_LINES_PER_PAGE):
        pdf.setFont(CJK_FONT, 11)
        for n, line in enumerate(lines[start:start + TEXT_LINES_PER_PAGE]):
            pdf.drawString(50, height - 60 - n * 15, line)
        _diagonal(pdf, mark, width, height)
        _mark_line(pdf, mark, width)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def _wrapped(text: str) -> list[str]:
    lines: list[str] = []
    for line in text.splitlines() or [""]:
        lines += [line[i:i + TEXT_WIDTH] for i in range(0, max(len(line), 1), TEXT_WIDTH)]
    return lines


def _mark_line(pdf: "object", mark: Watermark, width: float) -> None:
    pdf.setFont(CJK_FONT, 7)
    pdf.setFillColorRGB(0.7, 0, 0)
    pdf.drawString(6, 4, mark.text())
    pdf.setFillColorRGB(0, 0, 0)


def _diagonal(pdf: "object", mark: Watermark, width: float, height: float) -> None:
    pdf.saveState()
    pdf.setFillColorRGB(0.85, 0.3, 0.3, alpha=0.18)
    pdf.setFont(CJK_FONT, 14)
    pdf.translate(width / 2, height / 2)
    pdf.rotate(30)
    for y in range(-360, 420, 120):
        pdf.drawCentredString(0, y, mark.text())
    pdf.restoreState()
