import pytest

from indexer.ocr import ocr_image
from tests.scans import FORM_LINES, page_image


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_pages_in_every_orientation_read_in_order(rotation: int) -> None:
    page = ocr_image(page_image(rotation=rotation, tilt=2))
    assert page.rotation == rotation
    assert page.text.replace(" ", "").splitlines() == FORM_LINES
    assert page.confidence > 0.9


def test_blank_page_has_no_text_and_no_confidence() -> None:
    from PIL import Image

    page = ocr_image(Image.new("L", (600, 400), 255))
    assert (page.text, page.confidence) == ("", 0.0)


def test_cells_of_one_row_stay_on_one_line() -> None:
    from PIL import ImageDraw, ImageFont

    from indexer.fonts import cjk_font_path

    image = page_image([], size=(900, 200))
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(cjk_font_path(), 34)
    draw.text((40, 60), "户名", font=font, fill=0)
    draw.text((400, 64), "张三丰", font=font, fill=0)  # a few pixels lower, as in a scanned table
    assert ocr_image(image).text == "户名  张三丰"
