"""The page viewer through HTTP, checked on the pixels: a masked viewer's page has the number
blacked out where it was printed, no text it carries holds the number, the watermark names
the viewer and the request; the masked copy likewise."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont, PngImagePlugin
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from indexer.fonts import cjk_font_path
from search_service.access.audit import Filters
from search_service.api.app import create_app
from tests.factories import write_customers
from tests.search_service.conftest import IndexedArchive, doc_id

PHONE, ID_NUMBER = "13812345678", "330102198502023456"
UNIT = "城东供电所"
FOLDER = f"{UNIT}/3301000001_杭州明远纺织有限公司"
PDF_PATH = f"{FOLDER}/业扩/用电申请书_2020-08-01.pdf"
SCAN_PATH = f"{FOLDER}/用电检查/用电检查工作单_2023-05-12.png"
PDF_SCALE = 150 / 72
NUMBER_AT = (200, 650)  # where the PDF prints the phone number (points from bottom left)
NUMBER_FONT = ("Helvetica", 16)
SCAN_NUMBER_AT, SCAN_FONT_SIZE = (300, 220), 34


def number_pdf(path: Path) -> Path:
    """A one-page PDF: a title line, the phone number at a known place, an ID number."""
    from reportlab.pdfgen import canvas

    path.parent.mkdir(parents=True, exist_ok=True)
    plain = canvas.Canvas(str(path), invariant=1)
    plain.setFont(*NUMBER_FONT)
    plain.drawString(60, 760, "Application 3301000001 new connection 10kV")
    plain.drawString(60, NUMBER_AT[1], "Mobile:")
    plain.drawString(*NUMBER_AT, PHONE)
    plain.drawString(60, 600, f"ID: {ID_NUMBER}")
    plain.showPage()
    plain.save()
    return path


def number_scan(path: Path) -> Path:
    page = Image.new("L", (1000, 420), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(cjk_font_path(), SCAN_FONT_SIZE)
    draw.text((50, 40), "用电检查工作单", font=font, fill=0)
    draw.text((50, 130), "户号：3301000001", font=font, fill=0)
    draw.text((50, SCAN_NUMBER_AT[1]), "联系电话：", font=font, fill=0)
    draw.text(SCAN_NUMBER_AT, PHONE, font=font, fill=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.save(path)
    return path


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> IndexedArchive:
    base = tmp_path_factory.mktemp("viewer")
    root = base / "archive"
    write_customers(root)
    number_pdf(root / PDF_PATH)
    number_scan(root / SCAN_PATH)
    return IndexedArchive.build(root, base / "index")


@pytest.fixture(scope="module")
def app(archive):
    return create_app(archive.settings())


def png(response) -> Image.Image:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    return Image.open(io.BytesIO(response.content)).convert("L")


def dark_share(image: Image.Image, box: tuple[float, float, float, float]) -> float:
    """The share of pixels in ``box`` that are (near) black."""
    region = np.asarray(image.convert("L").crop(tuple(int(v) for v in box)))
    return float((region < 40).mean())


def count(image: Image.Image, rule) -> int:  # noqa: ANN001 - a predicate over r, g, b arrays
    """How many pixels of an RGB image satisfy ``rule(r, g, b)``."""
    rgb = np.asarray(image.convert("RGB")).astype(int)
    return int(rule(rgb[..., 0], rgb[..., 1], rgb[..., 2]).sum())


def pdf_number_box() -> tuple[float, float, float, float]:
    """The phone number's box in the rendered page, from where the PDF printed it (inset)."""
    width = stringWidth(PHONE, *NUMBER_FONT)
    x, y = NUMBER_AT
    top = (842 - y - NUMBER_FONT[1] * 0.7) * PDF_SCALE
    bottom = (842 - y) * PDF_SCALE
    return (x * PDF_SCALE + 3, top + 2, (x + width) * PDF_SCALE - 3, bottom - 2)


def scan_number_box() -> tuple[float, float, float, float]:
    font = ImageFont.truetype(cjk_font_path(), SCAN_FONT_SIZE)
    left, top, right, bottom = font.getbbox(PHONE)
    x, y = SCAN_NUMBER_AT
    inset = (right - left) * 0.1  # OCR boxes are shared out by character width: some slack
    return (x + left + inset, y + top + 2, x + right - inset, y + bottom - 2)


def test_pdf_page_masked_for_a_clerk_is_black_where_the_number_was(clerk, archivist) -> None:
    doc = doc_id(PDF_PATH)
    box = pdf_number_box()
    plain = png(archivist.get(f"/api/documents/{doc}/pages/1.png"))
    masked_response = clerk.get(f"/api/documents/{doc}/pages/1.png")
    masked = png(masked_response)
    assert dark_share(plain, box) < 0.5  # printed digits on white
    assert dark_share(masked, box) > 0.97  # one black box
    assert PHONE.encode() not in masked_response.content
    assert ID_NUMBER.encode() not in masked_response.content
    info = Image.open(io.BytesIO(masked_response.content)).text["Watermark"]
    assert "clerk_east" in info and UNIT in info and "北京时间" in info
    assert masked_response.headers["x-request-id"] in info


def test_scan_page_masked_by_ocr_boxes(clerk, archivist) -> None:
    doc = doc_id(SCAN_PATH)
    box = scan_number_box()
    assert dark_share(png(archivist.get(f"/api/documents/{doc}/pages/1.png")), box) < 0.5
    assert dark_share(png(clerk.get(f"/api/documents/{doc}/pages/1.png")), box) > 0.97


def test_watermark_band_names_the_viewer_on_every_page(clerk, archivist) -> None:
    doc = doc_id(PDF_PATH)
    one = Image.open(io.BytesIO(clerk.get(f"/api/documents/{doc}/pages/1.png").content))
    two = Image.open(io.BytesIO(archivist.get(f"/api/documents/{doc}/pages/1.png").content))
    assert one.size == two.size and one.height > round(842 * PDF_SCALE)  # a band below the page
    band = one.crop((0, one.height - 28, one.width, one.height))
    assert count(band, lambda r, g, b: (r > 150) & (g < 60)) > 50  # red watermark text
    faint = one.crop((0, 0, one.width, 300))
    assert count(faint, lambda r, g, b: r > g + 20) > 500  # tiled across the page


def test_matches_are_highlighted_where_the_text_is(archivist) -> None:
    doc = doc_id(PDF_PATH)
    image = Image.open(io.BytesIO(
        archivist.get(f"/api/documents/{doc}/pages/1.png?q=Application").content)).convert("RGB")
    y = (842 - 760 - 6) * PDF_SCALE
    row_box = (int(60 * PDF_SCALE), int(y - 4), int(140 * PDF_SCALE), int(y + 4))
    row = image.crop(row_box)
    assert count(row, lambda r, g, b: (r > 240) & (g > 200) & (b < g - 50)) > 200  # yellow
    plain = Image.open(io.BytesIO(archivist.get(f"/api/documents/{doc}/pages/1.png").content))
    assert count(plain.crop(row_box), lambda r, g, b: (r > 240) & (g > 200) & (b < g - 50)) == 0


def test_masked_copy_has_no_number_and_carries_the_watermark(app, clerk) -> None:
    for path, box in ((PDF_PATH, pdf_number_box()), (SCAN_PATH, scan_number_box())):
        response = clerk.get(f"/api/documents/{doc_id(path)}/masked.pdf")
        assert response.status_code == 200 and response.headers["content-type"] == \
            "application/pdf"
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
        assert PHONE not in text and ID_NUMBER not in text and PHONE.encode() not in response.content
        assert "clerk_east" in text and response.headers["x-request-id"] in text
        pdf = pdfium.PdfDocument(response.content)
        page = pdf[0].render(scale=150 / 72).to_pil().convert("L")  # the page image, 1:1
        assert dark_share(page, box) > 0.97
        pdf.close()
    _, rows = app.state.access.audit.query(Filters(user="clerk_east", actions=("copy_download",)))
    assert len(rows) == 2 and all(r["outcome"] == "allowed" for r in rows)


def test_each_page_is_one_log_record_and_bad_pages_are_refused(app, clerk) -> None:
    doc = doc_id(PDF_PATH)
    before = app.state.access.audit.verify().last_seq
    assert clerk.get(f"/api/documents/{doc}/pages/2.png").status_code == 404
    clerk.get(f"/api/documents/{doc}/pages/1.png")
    _, rows = app.state.access.audit.query(Filters(user="clerk_east", actions=("page_view",)))
    fresh = [r for r in rows if r["seq"] > before]
    assert sorted((r["outcome"], r["details"]["page"]) for r in fresh) == [
        ("allowed", 1), ("denied", 2)]
    assert next(r for r in fresh if r["outcome"] == "allowed")["details"]["masked"] is True
