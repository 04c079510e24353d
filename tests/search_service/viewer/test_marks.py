"""Black boxes on a rendered text page for every written form of a number (docs/security.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from search_service.viewer.marks import redact
from search_service.viewer.render import render_page
from tests.factories import make_pdf

LINES = [  # (as printed, its hidden digits)
    ("证件号码：330102 19870623 4417", "19870623"),
    ("身份证：330102-1965-0318-123x", "19650318"),
    ("老证件：330102650714123", "650714"),
    ("手机：+86 137 5862 9034", "5862"),
    ("手机：0086-135-9173-2046", "9173"),
    ("手机：１３６４７２９８８０１", "４７２９"),
    ("卡号：6217 8563 9042 7715 208", "621785639042771"),
]


@pytest.fixture(scope="module")
def page_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_pdf(tmp_path_factory.mktemp("marks") / "numbers.pdf",
                    [["用电检查工作单", *(line for line, _ in LINES)]])


@pytest.mark.parametrize("line, hidden", LINES)
def test_every_written_number_is_blacked_out(page_pdf: Path, line: str, hidden: str) -> None:
    page = render_page(page_pdf, "pdf", 0)
    start = page.text.index(line.split("：")[1][:6])
    boxes = [b for b in page.spans(start, start + len(line.split("：")[1]))
             if b[3] - b[1] > 4]  # glyphs (a space's box is a hairline)
    assert boxes, "the text layer has boxes for the number"
    drawn = redact(page)
    assert drawn >= len(LINES)
    pixels = np.asarray(page.image.convert("L"))
    for left, top, right, bottom in boxes:  # the number's glyphs: all black now
        region = pixels[int(top) + 1:int(bottom) - 1, int(left) + 1:int(right) - 1]
        assert region.size and region.max() < 40
    assert hidden not in page.text.replace(" ", "").replace("-", "")
