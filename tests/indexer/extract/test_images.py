from pathlib import Path

import pytest

from indexer.errors import BombError, CorruptFileError, UnsupportedFileError
from indexer.extract import SOURCE_OCR, Limits, extract
from tests.hostile import png_claiming
from tests.scans import page_image, scan_file


def test_decompression_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    with pytest.raises(BombError, match="100000×100000"):
        extract(png_claiming(tmp_path / "炸弹.png", 100_000, 100_000))


def test_pixel_limit_is_configurable(tmp_path: Path) -> None:
    path = scan_file(tmp_path / "扫描.png", [page_image()])
    with pytest.raises(BombError):
        extract(path, Limits(max_pixels=1000))


def test_truncated_image_is_corrupt(tmp_path: Path) -> None:
    data = scan_file(tmp_path / "a.jpg", [page_image().convert("RGB")]).read_bytes()
    (tmp_path / "a.jpg").write_bytes(data[:200])
    with pytest.raises(CorruptFileError, match="图片文件损坏"):
        extract(tmp_path / "a.jpg")


def test_images_need_ocr(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFileError, match="OCR"):
        extract(scan_file(tmp_path / "a.png", [page_image()]), Limits(ocr=False))


def test_multipage_tiff_reads_every_page(tmp_path: Path) -> None:
    path = scan_file(tmp_path / "合同.tif", [
        page_image(["供用电合同", "户号：3301000001"], size=(700, 200)),
        page_image(["签署页", "签订日期：2021年3月15日"], size=(700, 200)),
    ])
    result = extract(path)
    assert (result.pages, result.source) == (2, SOURCE_OCR)
    assert "3301000001" in result.text and "2021年3月15日" in result.text


def test_blank_means_next_to_no_ink() -> None:
    from PIL import Image, ImageDraw

    from indexer.extract.images import is_blank

    page = Image.new("L", (1654, 2339), 250)
    assert is_blank(page)
    ImageDraw.Draw(page).text((100, 100), "- 1 -", fill=0)  # a page number alone: nothing to read
    assert is_blank(page)
    assert not is_blank(page_image())
