import time
from pathlib import Path

import pytest

from indexer.errors import CorruptFileError, EmptyFileError, EncryptedFileError
from indexer.extract import SOURCE_MIXED, SOURCE_OCR, SOURCE_TEXT, Limits, extract
from tests.factories import make_pdf
from tests.realworld import (JAPANESE_LINES, RADICAL_LINES, TRADITIONAL_LINES, broken_scan_pdf,
                             broken_xref_pdf, embedded_font_pdf, form_pdf, glyph_name_pdf,
                             odd_filter_pdf)
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
    [(page, width, height, lines)] = result.page_lines  # the scanned page's, for the viewer
    assert page == 1 and width > height
    assert "户号：3301000002" in [text for _, text in lines]


@pytest.mark.parametrize("build", [odd_filter_pdf, broken_xref_pdf])
def test_a_pdf_pypdf_refuses_is_read_by_pdfium(build, tmp_path: Path) -> None:  # noqa: ANN001
    from pypdf import PdfReader

    path = build(tmp_path / "合同.pdf")
    with pytest.raises(Exception):  # noqa: B017,PT011 - the premise: pypdf alone fails
        [page.extract_text() for page in PdfReader(path).pages]
    result = extract(path)
    assert result.source == SOURCE_TEXT and "户名：杭州明远纺织有限公司" in result.text


def test_a_broken_scan_only_pdfium_opens_is_read_by_ocr(tmp_path: Path) -> None:
    result = extract(broken_scan_pdf(tmp_path / "扫描.pdf"))
    assert result.source == SOURCE_OCR and "3301000001" in result.text


def test_glyph_name_text_layer_is_read_by_ocr(tmp_path: Path) -> None:
    result = extract(glyph_name_pdf(tmp_path / "标准.pdf"))
    assert result.source == SOURCE_OCR
    assert "/G" not in result.text and "用电检查工作单" in result.text


@pytest.mark.parametrize("lines", [TRADITIONAL_LINES, JAPANESE_LINES])
def test_traditional_and_japanese_text_layers_are_text(lines: list[str], tmp_path: Path) -> None:
    result = extract(embedded_font_pdf(tmp_path / "a.pdf", lines))
    assert result.source == SOURCE_TEXT and lines[2] in result.text


def test_radical_code_points_are_read_as_the_ideograph(tmp_path: Path) -> None:
    text = extract(embedded_font_pdf(tmp_path / "a.pdf", RADICAL_LINES)).text
    assert "卤代烃（分子式见附表）" in text and "金属氢化物" in text


def test_form_field_values_are_text_of_their_page(tmp_path: Path) -> None:
    result = extract(form_pdf(tmp_path / "申请表.pdf", "用电申请表", {"a": "杭州明远纺织有限公司"}))
    assert result.text.splitlines() == ["用电申请表", "杭州明远纺织有限公司"]


def test_damaged_reason_names_no_library_nor_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\n\x00\xff\x13")
    with pytest.raises(CorruptFileError) as caught:
        extract(path)
    assert caught.value.message == "PDF 文件损坏或不完整，无法读取其中的文字或页面"


def test_a_blank_page_is_not_read_by_ocr(tmp_path: Path) -> None:
    from PIL import Image

    blank = Image.new("L", (900, 420), 255)
    path = scan_file(tmp_path / "扫描.pdf", [page_image(), blank])
    pages: list[int] = []
    result = extract(path, on_page=lambda: pages.append(1))
    assert (result.pages, len(pages), result.source) == (2, 1, SOURCE_OCR)
    assert "3301000001" in result.text
    assert [page for page, *_ in result.page_lines] == [0]  # the viewer reads a blank itself


def test_pages_render_no_larger_than_ocr_reads_them() -> None:
    from indexer.extract.images import OCR_LONG_SIDE
    from indexer.extract.pdf import MAX_RENDER_DPI, render_scale

    a4 = (595, 842)
    assert round(max(a4) * render_scale(*a4)) == OCR_LONG_SIDE  # not 2339 px at 200 dpi
    assert render_scale(300, 200) == MAX_RENDER_DPI / 72  # a small page keeps its resolution


def test_a_field_shown_twice_is_text_once_and_checkboxes_are_not_text(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    path = form_pdf(tmp_path / "a.pdf", "用电申请表", {"applicant": "杭州明远纺织有限公司"})
    writer = PdfWriter(clone_from=PdfReader(path))
    page = writer.pages[0]
    widget = page["/Annots"][0].get_object()
    parent = writer._add_object(DictionaryObject({  # the value moves up to a parent field
        NameObject("/FT"): NameObject("/Tx"), NameObject("/T"): TextStringObject("申请人"),
        NameObject("/V"): widget.pop("/V")}))
    copy = DictionaryObject({k: v for k, v in widget.items() if k != "/T"})
    widget.pop("/T")
    widget[NameObject("/Parent")] = copy[NameObject("/Parent")] = parent
    box = DictionaryObject({NameObject("/Subtype"): NameObject("/Widget"),
                            NameObject("/FT"): NameObject("/Btn"), NameObject("/V"): NameObject("/Yes")})
    page[NameObject("/Annots")] = ArrayObject([*page["/Annots"], writer._add_object(copy),
                                               writer._add_object(box)])
    with (tmp_path / "b.pdf").open("wb") as fh:
        writer.write(fh)
    assert extract(tmp_path / "b.pdf").text.splitlines() == ["用电申请表", "杭州明远纺织有限公司"]
