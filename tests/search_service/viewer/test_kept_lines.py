"""A masked scan page drawn from the OCR lines the indexer kept (issue 21 item 11: the first
masked page within 1 s, docs/benchmarks-viewer.md): every personal number on the page is
blacked out as the text masking finds it in those lines, the viewer masks from the kept
lines rather than recognising the page again, and a page without kept lines (an older
catalog) is recognised on first view and kept."""

from __future__ import annotations

import json
import time

import pytest
from PIL import ImageFont
from sqlalchemy import delete, update

from indexer.catalog.page_lines import LineStore
from indexer.catalog.tables import page_lines
from indexer.files import sha256_of
from indexer.fonts import cjk_font_path
from search_service.access.masking import sensitive_spans
from search_service.api.app import create_app
from search_service.viewer import page_cache, render
from tests.factories import write_customers
from tests.scans import page_image, scan_file
from tests.search_service.conftest import IndexedArchive, doc_id
from tests.search_service.viewer.test_pages import dark_share, png

FOLDER = "城东供电所/3301000001_杭州明远纺织有限公司/用电检查"
NUMBERS_PATH = f"{FOLDER}/用电检查工作单_2023-05-12.png"
PLAIN_PATH = f"{FOLDER}/用电检查工作单_2023-06-01.tif"
SCANNED_PDF_PATH = f"{FOLDER}/用电检查工作单_2023-07-01.pdf"  # OCR'd at 200 dpi, shown at 150
# As a clerk's scan shows them: the mobile and the bank account written in groups, as the
# OCR reads them (with spaces), the ID number whole
LABELS = ("身份证号：", "联系电话：", "开户账号：")
NUMBERS = ("330102198502023456", "138 1234 5678", "6222 0212 3456 7890 123")
LINES = ["用电检查工作单", *(label + number for label, number in zip(LABELS, NUMBERS))]
FONT_SIZE, LEFT, TOP, STEP = 34, 50, 40, 90  # as tests.scans.page_image draws lines
PLANTED = (560.0, 130.0, 890.0, 175.0)  # a blank strip of the plain page (right of the text)


def number_boxes() -> list[tuple[float, float, float, float]]:
    """Where each number of LINES was drawn, inset a little (OCR boxes are shared out by
    character width, so a character's box is only about where the character is)."""
    font = ImageFont.truetype(cjk_font_path(), FONT_SIZE)
    boxes = []
    for row, (label, number) in enumerate(zip(LABELS, NUMBERS), start=1):
        x, y = LEFT + font.getlength(label), TOP + row * STEP
        left, top, right, bottom = font.getbbox(number)
        inset = (right - left) * 0.06
        boxes.append((x + left + inset, y + top + 2, x + right - inset, y + bottom - 2))
    return boxes


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> IndexedArchive:
    base = tmp_path_factory.mktemp("kept-lines")
    root = base / "archive"
    write_customers(root)
    scan_file(root / NUMBERS_PATH, [page_image(LINES, size=(1000, 420))])
    scan_file(root / PLAIN_PATH, [page_image(), page_image()])
    scan_file(root / SCANNED_PDF_PATH, [page_image(LINES, size=(1000, 420))])
    return IndexedArchive.build(root, base / "index")


@pytest.fixture(scope="module")
def app(archive):
    return create_app(archive.settings())


@pytest.fixture
def store(app) -> LineStore:
    return LineStore(app.state.access.catalog.engine)


def content_of(archive: IndexedArchive, relpath: str) -> str:
    return sha256_of(archive.root / relpath)


def first_view(client, relpath: str, page: int = 1):  # noqa: ANN001, ANN201
    """The page as its first viewer gets it: nothing of it kept in this process."""
    page_cache.clear()
    render._ocr_cache.clear()
    return png(client.get(f"/api/documents/{doc_id(relpath)}/pages/{page}.png"))


def test_the_indexer_keeps_the_lines_of_every_scanned_page(archive, store) -> None:
    kept = store.get(content_of(archive, NUMBERS_PATH), 0)
    assert kept is not None and (kept.width, kept.height) == (1000, 420)
    text = "\n".join(line for _, line in kept.lines)
    for number in NUMBERS:
        assert number.replace(" ", "") in text.replace(" ", "")
    plain = content_of(archive, PLAIN_PATH)
    assert store.get(plain, 0) is not None and store.get(plain, 1) is not None


@pytest.mark.parametrize("relpath", [NUMBERS_PATH, SCANNED_PDF_PATH])
def test_every_number_the_text_masking_finds_is_black_on_the_first_view(
        archive, store, clerk, archivist, relpath) -> None:
    kept = store.get(content_of(archive, relpath), 0)
    text = "\n".join(line for _, line in kept.lines)
    assert len(sensitive_spans(text)) == len(NUMBERS)  # the masking finds each one
    masked, plain = first_view(clerk, relpath), first_view(archivist, relpath)
    for box in number_boxes():
        assert dark_share(plain, box) < 0.5  # printed digits on white
        assert dark_share(masked, box) > 0.97  # under one black box


def test_the_viewer_masks_from_the_kept_lines_without_recognising_the_page(
        archive, store, clerk, archivist) -> None:
    """A line planted in the kept lines over a blank strip of the page is blacked out: the
    viewer drew the boxes from the table (OCR of that strip finds nothing)."""
    sha = content_of(archive, PLAIN_PATH)
    kept = store.get(sha, 1)
    planted = [*([*box, text] for box, text in kept.lines),
               [*PLANTED, "身份证号：330102198502023456"]]
    with store.engine.begin() as conn:
        conn.execute(update(page_lines).where(page_lines.c.sha256 == sha, page_lines.c.page == 1)
                     .values(lines=json.dumps(planted, ensure_ascii=False)))
    strip = (PLANTED[0] + 130, PLANTED[1] + 4, PLANTED[2] - 4, PLANTED[3] - 4)  # the digits
    assert dark_share(first_view(clerk, PLAIN_PATH, 2), strip) > 0.97
    assert dark_share(first_view(archivist, PLAIN_PATH, 2), strip) < 0.01
    assert dark_share(first_view(clerk, PLAIN_PATH, 1), strip) < 0.01  # page 1: its own lines


def test_a_page_without_kept_lines_is_recognised_once_and_kept(archive, store, clerk) -> None:
    sha = content_of(archive, NUMBERS_PATH)
    with store.engine.begin() as conn:  # as a catalog from before the lines were kept
        conn.execute(delete(page_lines).where(page_lines.c.sha256 == sha))
    masked = first_view(clerk, NUMBERS_PATH)
    for box in number_boxes():
        assert dark_share(masked, box) > 0.97
    kept = store.get(sha, 0)
    assert kept is not None
    assert len(sensitive_spans("\n".join(line for _, line in kept.lines))) == len(NUMBERS)


def test_a_changed_file_is_not_masked_from_the_lines_of_its_old_content(
        archive, store, clerk) -> None:
    """The lines are kept by content: a scan replaced under the same name gets its own."""
    path = archive.root / PLAIN_PATH
    old = content_of(archive, PLAIN_PATH)
    scan_file(path, [page_image(LINES, size=(1000, 420)), page_image()])
    masked = first_view(clerk, PLAIN_PATH)
    for box in number_boxes():
        assert dark_share(masked, box) > 0.97
    assert store.get(content_of(archive, PLAIN_PATH), 0) is not None
    assert content_of(archive, PLAIN_PATH) != old


def test_viewing_page_one_renders_page_two_ahead(archive, clerk) -> None:
    path = str(archive.root / PLAIN_PATH)
    first_view(clerk, PLAIN_PATH, 1)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not ahead_of(path, 1):
        time.sleep(0.05)
    assert ahead_of(path, 1)


def ahead_of(path: str, index: int) -> bool:
    """Whether page ``index`` of the file is kept for a masked viewer."""
    with page_cache._lock:
        return any(k[0] == path and k[3] == index and k[4] for k in page_cache._pages)
