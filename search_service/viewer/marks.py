"""What is drawn on a rendered page: matches highlighted, sensitive numbers blacked out, and
the watermark naming the viewer (name, unit, Beijing time, request id).

Order matters: highlights first, then the black boxes over them, then the watermark, so no
highlight or watermark pixel can reveal a masked digit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from search_service.access.masking import sensitive_spans
from search_service.timefmt import BEIJING
from search_service.viewer.highlight import match_spans
from search_service.viewer.render import Page

HIGHLIGHT = (255, 214, 0, 110)
REDACTION_PAD = 2  # pixels around each blacked-out number
FOOTER_HEIGHT = 28


@dataclass(frozen=True)
class Watermark:
    """Who is looking, so that a leaked copy names its source."""

    user: str
    org: str
    at: datetime
    request_id: str

    def text(self) -> str:
        moment = self.at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
        return (f"{self.user} · {self.org or '全公司'} · 北京时间 {moment} · "
                f"请求 {self.request_id or '-'}")


def highlight(page: Page, pattern: re.Pattern[str] | None) -> int:
    """Mark the matches of ``pattern`` on the page; returns how many were marked."""
    if pattern is None or not page.text:
        return 0
    overlay = Image.new("RGBA", page.image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    marked = 0
    for start, end in match_spans(page.text, pattern):  # on folded text, as the snippets
        for box in page.spans(start, end):
            draw.rectangle(box, fill=HIGHLIGHT)
            marked += 1
    if marked:
        page.image = Image.alpha_composite(page.image.convert("RGBA"), overlay).convert("RGB")
    return marked


def redact(page: Page) -> int:
    """Black out every sensitive number of the page's text; returns how many boxes were drawn.

    The page's text keeps only masked characters afterwards, so nothing carried with the
    page can give a number away."""
    draw = ImageDraw.Draw(page.image)
    drawn = 0
    spans = sensitive_spans(page.text)
    for start, end in spans:
        for left, top, right, bottom in page.spans(start, end):
            wide = _ocr_slack(page, bottom - top)
            draw.rectangle((left - wide, top - REDACTION_PAD,
                            right + wide, bottom + REDACTION_PAD), fill=(0, 0, 0))
            drawn += 1
    chars = list(page.text)
    for start, end in spans:
        chars[start:end] = "*" * (end - start)
    page.text = "".join(chars)
    return drawn


def _ocr_slack(page: Page, height: float) -> float:
    """How far a black box reaches left and right of its characters: a text layer places
    each character exactly; OCR gives only the line's box, shared out by an estimate of
    character widths (the recogniser also drops the spaces between digit groups), which
    can be about a character off, so a scan's box reaches one line height further."""
    return REDACTION_PAD if page.source == "text" else max(REDACTION_PAD, height)


def stamp(image: Image.Image, mark: Watermark) -> Image.Image:
    """The watermark: the viewer's line tiled diagonally across the page, faint, and once in
    full on a band added below the page."""
    text = mark.text()
    width, height = image.size
    tile = _tile(text, max(14, min(width, height) // 40))
    layer = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    step_x, step_y = tile.width * 2 // 3, tile.height // 2
    for row, y in enumerate(range(-step_y // 2, height, step_y)):
        for x in range(-step_x + (row % 2) * step_x // 2, width, step_x):
            layer.alpha_composite(tile, (max(x, 0), max(y, 0)),
                                  (max(-x, 0), max(-y, 0)))
    out = Image.new("RGB", (width, height + FOOTER_HEIGHT), (255, 255, 255))
    out.paste(Image.alpha_composite(image.convert("RGBA"), layer).convert("RGB"), (0, 0))
    ImageDraw.Draw(out).text((8, height + 5), text, font=_font(15), fill=(180, 0, 0))
    return out


@lru_cache(maxsize=32)
def _tile(text: str, size: int) -> Image.Image:
    """The watermark line once, faint red, turned 30° (drawn once per viewer and size)."""
    font = _font(size)
    length = int(ImageDraw.Draw(Image.new("L", (1, 1))).textlength(text, font=font))
    line = Image.new("RGBA", (length + size * 2, size * 2), (0, 0, 0, 0))
    ImageDraw.Draw(line).text((size, size // 2), text, font=font, fill=(200, 30, 30, 46))
    turned = line.rotate(30, expand=True)
    return turned.crop(turned.getbbox() or (0, 0, 1, 1))


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from indexer.errors import InputError
    from indexer.fonts import cjk_font_path

    try:
        return ImageFont.truetype(cjk_font_path(), size)
    except (InputError, OSError):
        return ImageFont.load_default(size)
