from pathlib import Path

import pytest

from indexer.errors import (
    CorruptFileError,
    EmptyFileError,
    UnsupportedFileError,
)
from indexer.extract import extract
from tests.factories import make_docx, make_pdf, make_txt


def test_pdf_text_and_page_count(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "合同.pdf", [["供用电合同", "户号：3301000001"], ["第二页 电费结算"]])
    result = extract(path)
    assert result.pages == 2
    assert "户号：3301000001" in result.text and "电费结算" in result.text


def test_docx_reads_tables_headers_and_footers(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "工作单.docx", "用电检查工作单", [("户号", "3301000001")],
                     paragraphs=["检查结论见上表"], header="某县供电公司", footer="第 1 页")
    text = extract(path).text
    assert text.splitlines()[0] == "用电检查工作单"
    for part in ("户号\t3301000001", "检查结论见上表", "某县供电公司", "第 1 页"):
        assert part in text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_txt_in_each_encoding(tmp_path: Path, encoding: str) -> None:
    path = make_txt(tmp_path / "说明.txt", "情况说明：户号：3301000002，张三丰", encoding)
    assert extract(path).text.lstrip("\ufeff") == "情况说明：户号：3301000002，张三丰"


def test_zero_byte_docx_is_empty(tmp_path: Path) -> None:
    (tmp_path / "空.docx").write_bytes(b"")
    with pytest.raises(EmptyFileError, match="0 字节"):
        extract(tmp_path / "空.docx")


def test_docx_that_is_not_a_zip_is_corrupt(tmp_path: Path) -> None:
    (tmp_path / "坏.docx").write_bytes(b"this is not a word file")
    with pytest.raises(CorruptFileError):
        extract(tmp_path / "坏.docx")


def test_unsupported_type_names_the_extension(tmp_path: Path) -> None:
    (tmp_path / "图纸.dwg").write_bytes(b"AC1027")
    with pytest.raises(UnsupportedFileError, match=".dwg"):
        extract(tmp_path / "图纸.dwg")
