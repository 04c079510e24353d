"""Scanned images (JPG, PNG, TIFF including multi-page, BMP, GIF) read by OCR."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path

from PIL import Image, ImageSequence, UnidentifiedImageError

from indexer.errors import BombError, CorruptFileError, UnsupportedFileError
from indexer.extract.base import SOURCE_OCR, Extracted, Limits, OcrLines, PageHook

KINDS = ("jpeg", "png", "tiff", "bmp", "gif")
OCR_LONG_SIDE = 2000  # pages are scaled down to this before OCR (RapidOCR detects at ≤2000)
BLANK_DARK_LEVEL = 128  # grey values below this are ink
BLANK_MAX_INK_SHARE = 0.0002  # a page with less ink than this (0.02 %) is blank: no OCR


def extract_image(path: Path, limits: Limits, on_page: PageHook) -> Extracted:
    if not limits.ocr:
        raise UnsupportedFileError("图片需要 OCR 识别，但本次运行关闭了 OCR")
    Image.MAX_IMAGE_PIXELS = None  # check_pixels below checks every frame against our limit
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                frames = (_prepare(frame, limits) for frame in ImageSequence.Iterator(image))
                texts, confidence, lines = ocr_pages(frames, on_page)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise CorruptFileError("图片文件损坏或不完整（无法解码），请重新扫描") from exc
    return Extracted("\n\n".join(texts), len(texts), SOURCE_OCR, confidence,
                     numbered(range(len(texts)), lines))


def check_pixels(width: int, height: int, limits: Limits) -> None:
    if width * height > limits.max_pixels:
        raise BombError(f"图片尺寸异常（{width}×{height} 像素，上限 {limits.max_pixels:,} 像素），"
                        "疑似解压炸弹，未处理")


def _prepare(frame: Image.Image, limits: Limits) -> Image.Image:
    """A greyscale copy no longer than OCR_LONG_SIDE on its long side."""
    check_pixels(frame.width, frame.height, limits)  # before decoding a single pixel
    page = frame.convert("L")
    scale = OCR_LONG_SIDE / max(page.size)
    if scale < 1:
        page = page.resize((round(page.width * scale), round(page.height * scale)))
    return page


def ocr_pages(pages: Iterable[Image.Image], on_page: PageHook
              ) -> tuple[list[str], float, list[tuple[int, int, tuple] | None]]:
    """OCR each page (blank ones are skipped): the page texts, their character-weighted
    mean confidence, and per page the image size and lines found (None for a blank page).
    ``on_page`` is called after each page OCR read."""
    from indexer.ocr import ocr_image

    texts, lines, weighted, chars = [], [], 0.0, 0
    for page in pages:
        if is_blank(page):  # costs nothing: not counted as an OCR'd page
            texts.append("")
            lines.append(None)
            continue
        result = ocr_image(page)
        texts.append(result.text)
        lines.append((page.width, page.height, result.lines))
        weighted += result.confidence * len(result.text)
        chars += len(result.text)
        on_page()
    return texts, round(weighted / chars, 4) if chars else 0.0, lines


def numbered(numbers: Iterable[int], found: Iterable[tuple[int, int, tuple] | None]
             ) -> tuple[OcrLines, ...]:
    """The OCR'd pages' lines under their page numbers (blank pages left out: the viewer
    recognises those itself)."""
    return tuple((n, *page) for n, page in zip(numbers, found) if page is not None)


def is_blank(page: Image.Image) -> bool:
    """Next to no ink (an empty page, the back of a sheet): OCR would find nothing there."""
    histogram = page.convert("L").histogram()
    return sum(histogram[:BLANK_DARK_LEVEL]) < BLANK_MAX_INK_SHARE * page.width * page.height
