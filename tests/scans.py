"""Builders of scanned documents for tests: small page images with real Chinese text."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from indexer.fonts import cjk_font_path

FORM_LINES = ["用电检查工作单", "户号：3301000001", "户名：杭州明远纺织有限公司", "检查日期：2023年5月12日"]


def page_image(lines: list[str] = FORM_LINES, size: tuple[int, int] = (900, 420),
               rotation: int = 0, tilt: float = 0.0) -> Image.Image:
    """A greyscale page with one text line per entry, turned ``rotation``° counter-clockwise."""
    page = Image.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(cjk_font_path(), 34)
    for n, line in enumerate(lines):
        draw.text((50, 40 + n * 90), line, font=font, fill=0)
    if tilt:
        page = page.rotate(tilt, expand=True, fillcolor=255)
    return page.rotate(rotation, expand=True) if rotation else page


def scan_file(path: Path, pages: list[Image.Image]) -> Path:
    """Save pages as the format the suffix names (multi-page for .tif and .pdf)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    first, rest = pages[0], pages[1:]
    if path.suffix.lower() in (".tif", ".tiff", ".pdf"):
        first.save(path, save_all=True, append_images=rest, resolution=150)
    else:
        first.save(path)
    return path


def garbled_pdf(path: Path, lines: list[str] = FORM_LINES) -> Path:
    """A PDF whose text renders correctly but extracts as control characters: an embedded
    TrueType font with its ToUnicode map removed, as some scanning software writes."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "TestCJK" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("TestCJK", cjk_font_path(), subfontIndex=0))
    plain = path.with_suffix(".plain.pdf")
    pdf = canvas.Canvas(str(plain), pagesize=(500, 300))
    pdf.setFont("TestCJK", 20)
    for n, line in enumerate(lines):
        pdf.drawString(30, 260 - n * 40, line)
    pdf.showPage()
    pdf.save()
    writer = PdfWriter(clone_from=PdfReader(plain))
    for page in writer.pages:
        fonts = page["/Resources"]["/Font"]
        for name in fonts:
            font = fonts[name].get_object()
            if "/ToUnicode" in font:
                del font["/ToUnicode"]
    with path.open("wb") as fh:
        writer.write(fh)
    plain.unlink()
    return path
