"""Drawing an OFD page with Pillow: its images and text objects at their positions.

Used for OCR of image-only pages (:mod:`indexer.extract.ofd`) and by the page viewer, which
also gets a box per character of the page's text (from the text objects' positions, so
masking needs no OCR). Text is drawn in the machine's CJK font (the document's embedded
fonts are not loaded: a font file is a program for FreeType, and the text is Unicode).
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from indexer.extract.base import Limits
from indexer.extract.images import OCR_LONG_SIDE, check_pixels
from indexer.extract.ofd import Box, OfdDocument, OfdPage

OCR_DPI = 200


def render_page(document: OfdDocument, index: int, dpi: float, limits: Limits | None = None
                ) -> tuple[Image.Image, str, list[Box | None]]:
    """Page ``index`` as an RGB image at ``dpi``, its text in reading order and a box per
    character in image pixels."""
    limits = limits or Limits()
    page = document.page(index)
    scale = dpi / 25.4  # pixels per mm
    size = (max(1, round(page.width * scale)), max(1, round(page.height * scale)))
    check_pixels(*size, limits)
    image = Image.new("RGB", size, "white")
    for placement in page.images:
        _paste(document, image, placement.member, placement.box, scale, limits)
    _draw_text(image, page, scale)
    text, boxes = page.reading_order()
    return image, text, [None if b is None else tuple(v * scale for v in b)  # type: ignore[misc]
                         for b in boxes]


def render_for_ocr(document: OfdDocument, index: int, limits: Limits) -> Image.Image:
    """An image-only page, greyscale, no longer than the OCR's long side."""
    image = render_page(document, index, OCR_DPI, limits)[0].convert("L")
    if max(image.size) > OCR_LONG_SIDE:
        image.thumbnail((OCR_LONG_SIDE, OCR_LONG_SIDE))
    return image


def _paste(document: OfdDocument, image: Image.Image, member: str, box: Box, scale: float,
           limits: Limits) -> None:
    """Draw one picture into its box; a picture that cannot be decoded (JBIG2, damaged) is
    left out."""
    if member not in document.names:
        return
    left, top = round(box[0] * scale), round(box[1] * scale)
    width, height = round((box[2] - box[0]) * scale), round((box[3] - box[1]) * scale)
    if width <= 0 or height <= 0:
        return
    Image.MAX_IMAGE_PIXELS = None  # checked below against our own limit, before decoding
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(document.read(member))) as picture:
                check_pixels(picture.width, picture.height, limits)
                image.paste(picture.convert("RGB").resize((width, height)), (left, top))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return


def _draw_text(image: Image.Image, page: OfdPage, scale: float) -> None:
    draw = ImageDraw.Draw(image)
    fonts: dict[int, ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}
    for run in page.runs:
        pixels = max(4, round(run.size * scale))
        if pixels not in fonts:
            fonts[pixels] = _font(pixels)
        for char, x in zip(run.text, run.xs):
            draw.text((x * scale, run.y * scale), char, fill="black", font=fonts[pixels],
                      anchor="ls")


def _font(pixels: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from indexer.errors import InputError
    from indexer.fonts import cjk_font_path

    try:
        return ImageFont.truetype(cjk_font_path(), pixels)
    except (InputError, OSError):
        return ImageFont.load_default(pixels)
