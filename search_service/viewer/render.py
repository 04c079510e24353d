"""Pages of a document as images, with where each character of the page's text sits.

PDF pages are rendered by pdfium (pypdfium2) and their text layer gives a box per character;
OFD pages are drawn from their text objects and images (:mod:`indexer.extract.ofd_render`),
each character's box from its position;
scans (JPG, PNG, TIFF pages, BMP) are opened with Pillow, and so are PDF pages without a
usable text layer after rendering: their characters' boxes come from OCR line boxes, shared
out along each line by character width (a CJK character counts twice a Latin one). The line
boxes are those the indexer kept (:mod:`indexer.catalog.page_lines`, found by the file's
SHA-256), or recognised here once and kept when there are none.

pdfium is not thread-safe, not even across documents: every pdfium call of the process runs
under :data:`pdfium_lock`, from opening a document to freeing its last bitmap (concurrent
viewers once made a worker abort with a double free; docs/security.md, "Rendering under load").
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageSequence
from sqlalchemy.exc import SQLAlchemyError

from indexer.catalog.page_lines import Line, LineStore, PageLines
from indexer.files import sha256_of
from indexer.textquality import is_garbled

PDF_TYPES = frozenset({"pdf"})
IMAGE_TYPES = frozenset({"jpeg", "jpg", "png", "tif", "tiff", "bmp", "gif"})  # indexer names
OFD_TYPES = frozenset({"ofd"})
PAGED_TYPES = PDF_TYPES | IMAGE_TYPES | OFD_TYPES
PDF_SCALE = 150 / 72  # 150 dpi: a readable A4 page of 1240 x 1754 pixels
MAX_SIDE = 2000  # scans larger than this are scaled down for the screen
MIN_TEXT_CHARS = 8
OCR_CACHE_PAGES = 256  # OCR'd pages kept in memory (text and boxes, a few KB each)
pdfium_lock = threading.RLock()  # one pdfium call at a time in this process

Box = tuple[float, float, float, float]  # left, top, right, bottom in image pixels


@dataclass
class Page:
    """A rendered page: the image, its text, and one box (or None) per character of it."""

    image: Image.Image
    text: str = ""
    boxes: list[Box | None] = field(default_factory=list)
    source: str = "text"  # "text" (a PDF text layer) or "ocr"

    def spans(self, start: int, end: int) -> list[Box]:
        """Boxes covering characters ``start:end``, merged per line."""
        merged: list[list[float]] = []
        for box in self.boxes[start:end]:
            if box is None:
                continue
            last = merged[-1] if merged else None
            if last is not None and abs(box[1] - last[1]) < (last[3] - last[1]) / 2:
                last[0], last[2] = min(last[0], box[0]), max(last[2], box[2])
                last[1], last[3] = min(last[1], box[1]), max(last[3], box[3])
            else:
                merged.append(list(box))
        return [tuple(b) for b in merged]  # type: ignore[misc]


def is_paged(file_type: str) -> bool:
    return file_type.lower() in PAGED_TYPES


def page_count(path: Path, file_type: str) -> int:
    if file_type.lower() in PDF_TYPES:
        with _pdf(path) as pdf:
            return len(pdf)
    if file_type.lower() in OFD_TYPES:
        from indexer.extract.ofd import open_ofd

        with open_ofd(path) as ofd:
            return len(ofd.page_paths)
    with Image.open(path) as image:
        return getattr(image, "n_frames", 1)


def render_page(path: Path, file_type: str, index: int, ocr: bool = False,
                store: LineStore | None = None) -> Page:
    """Page ``index`` (from 0) of the file; ``ocr``: find character boxes of scans by OCR
    (needed to mask them; one OCR of the page: docs/benchmarks-viewer.md), or from the
    lines ``store`` keeps of this file's content and page."""
    stat = path.stat()  # the version drawn: lines found for it are kept under its content
    if file_type.lower() in PDF_TYPES:
        page = _pdf_page(path, index)
    elif file_type.lower() in OFD_TYPES:
        page = _ofd_page(path, index)
    else:
        page = Page(_image_page(path, index), source="ocr")
    if ocr and page.source == "ocr":
        text, boxes = ocr_boxes(str(path), stat.st_mtime_ns, stat.st_size, index, page.image,
                                store)
        page.text, page.boxes = text, list(boxes)
    return page


def _pdf_page(path: Path, index: int) -> Page:
    with _pdf(path) as pdf:
        if not 0 <= index < len(pdf):
            raise IndexError(index)
        page = pdf[index]
        try:
            bitmap = page.render(scale=PDF_SCALE)
            image = bitmap.to_pil().convert("RGB")  # a copy: the bitmap is freed here, locked
            bitmap.close()
            height = page.get_height()
            textpage = page.get_textpage()
            count = textpage.count_chars()
            chars, boxes = [], []
            for n in range(count):
                chars.append(textpage.get_text_range(n, 1) or " ")
                left, bottom, right, top = textpage.get_charbox(n)
                boxes.append((left * PDF_SCALE, (height - top) * PDF_SCALE,
                              right * PDF_SCALE, (height - bottom) * PDF_SCALE)
                             if right > left else None)
            textpage.close()
        finally:
            page.close()
    text = "".join(c[:1] for c in chars)
    if len(text.strip()) < MIN_TEXT_CHARS or is_garbled(text):
        return Page(image, source="ocr")
    return Page(image, text, boxes, "text")


def _ofd_page(path: Path, index: int) -> Page:
    """An OFD page drawn from its text objects and images; its characters' boxes come from
    the text objects' positions (an image-only page is left to OCR, like a scan)."""
    from indexer.extract.ofd import open_ofd
    from indexer.extract.ofd_render import render_page as render_ofd

    with open_ofd(path) as ofd:
        if not 0 <= index < len(ofd.page_paths):
            raise IndexError(index)
        image, text, boxes = render_ofd(ofd, index, PDF_SCALE * 72)
    if len(text.strip()) < MIN_TEXT_CHARS or is_garbled(text):
        return Page(image, source="ocr")
    return Page(image, text, boxes, "text")


def _image_page(path: Path, index: int) -> Image.Image:
    with Image.open(path) as image:
        for n, frame in enumerate(ImageSequence.Iterator(image)):
            if n == index:
                page = frame.convert("RGB")
                break
        else:
            raise IndexError(index)
    if max(page.size) > MAX_SIDE:
        page.thumbnail((MAX_SIDE, MAX_SIDE))
    return page


_ocr_cache: OrderedDict[tuple, tuple[str, tuple[Box | None, ...]]] = OrderedDict()
_ocr_lock = threading.Lock()
_hashes: OrderedDict[tuple[str, int, int], str] = OrderedDict()  # file version: SHA-256


def ocr_boxes(path: str, mtime_ns: int, size: int, index: int, image: Image.Image,
              store: LineStore | None = None) -> tuple[str, tuple[Box | None, ...]]:
    """Text and character boxes of a scanned page, kept for the last
    :data:`OCR_CACHE_PAGES` pages by file version and page (the next view of the same page,
    by anyone, skips the OCR). With a ``store``, the page's lines come from it when the
    indexer (or an earlier viewer) kept them, else they are recognised once and kept there."""
    key = (path, mtime_ns, size, index)
    with _ocr_lock:
        if key in _ocr_cache:
            _ocr_cache.move_to_end(key)
            return _ocr_cache[key]
    found = char_boxes(_page_lines(Path(path), (mtime_ns, size), index, image, store))
    with _ocr_lock:
        _ocr_cache[key] = found
        while len(_ocr_cache) > OCR_CACHE_PAGES:
            _ocr_cache.popitem(last=False)
    return found


def _page_lines(path: Path, version: tuple[int, int], index: int, image: Image.Image,
                store: LineStore | None) -> list[Line] | tuple[Line, ...]:
    """The page's OCR lines in pixels of ``image``: kept ones, else recognised (and kept).
    A file changed since it was drawn is recognised and nothing is kept for it."""
    from indexer.ocr import ocr_lines

    sha256 = _content_of(path, version) if store is not None else None
    if store is None or sha256 is None:
        return ocr_lines(image)
    kept = store.get(sha256, index)
    if kept is not None:
        return kept.scaled(image.width, image.height)
    lines = ocr_lines(image)
    try:
        store.put(sha256, [PageLines(index, image.width, image.height, tuple(lines))])
    except SQLAlchemyError:  # a busy database: the page is shown, its lines found again later
        pass
    return lines


def _content_of(path: Path, version: tuple[int, int]) -> str | None:
    """The SHA-256 of the file if it is still the version (mtime, size) that was drawn
    (remembered per version: each page of a long scan hashes it once)."""
    key = (str(path), *version)
    with _ocr_lock:
        if key in _hashes:
            return _hashes[key]
    digest = sha256_of(path)
    stat = path.stat()
    if (stat.st_mtime_ns, stat.st_size) != version:
        return None
    with _ocr_lock:
        _hashes[key] = digest
        while len(_hashes) > OCR_CACHE_PAGES:
            _hashes.popitem(last=False)
    return digest


def char_boxes(lines: Iterable[Line]) -> tuple[str, tuple[Box | None, ...]]:
    """A page's text from its OCR lines, one line each, and a box per character: each line's
    box shared out by character width (a CJK character counts twice a Latin one)."""
    text: list[str] = []
    boxes: list[Box | None] = []
    for (left, top, right, bottom), line in lines:
        weights = [2 if ord(c) > 0x2E7F else 1 for c in line]
        unit = (right - left) / max(sum(weights), 1)
        x = left
        for char, weight in zip(line, weights):
            text.append(char)
            boxes.append((x, top, x + weight * unit, bottom))
            x += weight * unit
        text.append("\n")
        boxes.append(None)
    return "".join(text), tuple(boxes)


@contextmanager
def _pdf(path: Path) -> Iterator["object"]:
    """An open PDF; pdfium is held by this thread until the document is closed."""
    import pypdfium2 as pdfium

    with pdfium_lock:
        pdf = pdfium.PdfDocument(str(path))
        try:
            yield pdf
        finally:
            pdf.close()
