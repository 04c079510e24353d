from pathlib import Path

import pytest

from indexer.errors import BombError, CorruptFileError, EmptyFileError, FileTooLargeError
from indexer.extract import Limits, extract
from tests.factories import make_pdf
from tests.realworld import CONTRACT_FORM_TEXT, filled_docx
from tests.hostile import docx_with, xlsx, xlsx_with_sheet_xml, zip_bomb_docx, zip_bomb_xlsx


def test_xlsx_sheet_names_and_cells(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "设备清单.xlsx", {
        "变压器": [["户号", 3301000001], ["型号", "S11-M-630/10"], [None, None], ["容量", 630.0]],
        "计量": [["电能表", "DDZY102"]],
    })
    result = extract(path)
    assert result.pages == 2
    assert result.text.splitlines() == ["工作表：变压器", "户号\t3301000001", "型号\tS11-M-630/10",
                                        "容量\t630", "工作表：计量", "电能表\tDDZY102"]


def test_xlsx_with_only_empty_sheets_is_empty(tmp_path: Path) -> None:
    with pytest.raises(EmptyFileError):
        extract(xlsx(tmp_path / "空表.xlsx", {"Sheet1": []}))


@pytest.mark.parametrize("build", [zip_bomb_docx, zip_bomb_xlsx])
def test_zip_bomb_is_refused_before_parsing(tmp_path: Path, build) -> None:  # noqa: ANN001
    path = build(tmp_path / "炸弹", padding_mb=20)
    with pytest.raises(BombError, match="压缩比异常.*疑似压缩炸弹"):
        extract(path)


def test_total_unzipped_size_is_limited(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "大表.xlsx", {"数据": [[f"第{n}行", "x" * 200] for n in range(3000)]})
    with pytest.raises(BombError, match="解压后大小异常"):
        extract(path, Limits(max_unzipped=100_000))


def test_malformed_xml_in_docx_is_corrupt(tmp_path: Path) -> None:
    path = docx_with(tmp_path / "坏.docx", b"<w:document><w:body><w:p>")
    with pytest.raises(CorruptFileError, match="XML 格式错误"):
        extract(path)


def test_malformed_xml_in_xlsx_is_corrupt(tmp_path: Path) -> None:
    path = xlsx_with_sheet_xml(tmp_path / "坏.xlsx", b"<worksheet><sheetData><row>")
    with pytest.raises(CorruptFileError, match="XML 格式错误"):
        extract(path)


def test_zero_byte_file_is_empty(tmp_path: Path) -> None:
    (tmp_path / "空.xlsx").write_bytes(b"")
    with pytest.raises(EmptyFileError, match="0 字节"):
        extract(tmp_path / "空.xlsx")


def test_file_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "大.pdf", [["供用电合同"] * 30])
    with pytest.raises(FileTooLargeError, match="文件过大"):
        extract(path, Limits(max_bytes=512))
    assert extract(path).text


def test_filled_in_values_of_a_docx_are_text_once(tmp_path: Path) -> None:
    text = extract(filled_docx(tmp_path / "合同.docx")).text
    assert text.splitlines() == CONTRACT_FORM_TEXT.splitlines()  # text box once, not twice


def test_merged_cells_are_text_once(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "变压器"  # merged down
    table.cell(0, 1).merge(table.cell(0, 2)).text = "S11-M-630/10"  # merged across
    table.cell(1, 1).text, table.cell(1, 2).text = "630千伏安", "10千伏"
    document.save(str(tmp_path / "设备.docx"))
    assert extract(tmp_path / "设备.docx").text.splitlines() == [
        "变压器\tS11-M-630/10", "630千伏安\t10千伏"]
