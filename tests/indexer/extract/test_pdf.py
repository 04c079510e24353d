import time
from pathlib import Path

import pytest

from indexer.errors import CorruptFileError, EmptyFileError, EncryptedFileError
from indexer.extract import SOURCE_MIXED, SOURCE_OCR, SOURCE_TEXT, Limits, extract
from tests.factories import make_pdf
from tests.hostile import deep_pdf, encrypted_pdf, recursive_pdf, truncated_pdf
from tests.scans import garbled_pdf, page_image, scan_file


def test_text_layer_needs_no_ocr(tmp_path: Path) -> None:
    result = extract(make_pdf(tmp_path / "合同.pdf", [["供用电合同", "户号：3301000001"]]))
    assert (result.source, result.ocr_confidence) == (SOURCE_TEXT, None)


def test_encrypted_with_empty_password_opens(tmp_path: Path) -> None:
    assert "户号：3301000001" in extract(encrypted_pdf(tmp_path / "a.pdf", "")).text


def test_encrypted_with_a_password_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EncryptedFileError, match="需要密码"):
        extract(encrypted_pdf(tmp_path / "a.pdf", "123456"))


def test_truncated_pdf_is_corrupt(tmp_path: Path) -> None:
    with pytest.raises(CorruptFileError, match="损坏或不完整"):
        extract(truncated_pdf(tmp_path / "a.pdf"))


def test_cyclic_page_tree_is_corrupt_not_endless(tmp_path: Path) -> None:
    with pytest.raises(CorruptFileError, match="页面树存在循环引用"):
        extract(recursive_pdf(tmp_path / "a.pdf"))


def test_enormously_nested_objects_end_in_a_reason(tmp_path: Path) -> None:
    began = time.monotonic()
    with pytest.raises((CorruptFileError, EmptyFileError)):
        extract(deep_pdf(tmp_path / "a.pdf"), Limits(ocr=False))
    assert time.monotonic() - began < 30


def test_scanned_pdf_without_ocr_says_so(tmp_path: Path) -> None:
    path = scan_file(tmp_path / "扫描.pdf", [page_image()])
    with pytest.raises(EmptyFileError, match="扫描件"):
        extract(path, Limits(ocr=False))


def test_garbled_text_layer_is_read_by_ocr(tmp_path: Path) -> None:
    result = extract(garbled_pdf(tmp_path / "乱码.pdf"))
    assert result.source == SOURCE_OCR
    assert "户号" in result.text and "3301000001" in result.text
    assert "\x01" not in result.text and result.ocr_confidence > 0.8


def test_text_page_and_scanned_page_make_a_mixed_document(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    text = make_pdf(tmp_path / "text.pdf", [["供用电合同", "合同编号：GY-2021-0315"]])
    scan = scan_file(tmp_path / "scan.pdf", [page_image(["签署页", "户号：3301000002"])])
    writer = PdfWriter()
    writer.append(PdfReader(text))
    writer.append(PdfReader(scan))
    with (tmp_path / "合同.pdf").open("wb") as fh:
        writer.write(fh)
    result = extract(tmp_path / "合同.pdf")
    assert (result.source, result.pages) == (SOURCE_MIXED, 2)
    assert "GY-2021-0315" in result.text and "3301000002" in result.text
