from pathlib import Path

import pytest

from indexer.errors import (CorruptFileError, EncryptedFileError, RefusedFileError,
                            UnsupportedFileError)
from indexer.extract import extract
from indexer.filetypes import sniff
from tests.factories import make_docx, make_pdf, make_txt
from tests.hostile import executable, xlsx
from tests.realworld import CASES, encrypted_xlsx


def test_pdf_named_jpg_is_read_as_pdf(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "扫描件.jpg", [["供用电合同", "户号：3301000001"]])
    assert sniff(path) == "pdf"
    assert "户号：3301000001" in extract(path).text


def test_docx_and_xlsx_told_apart_by_their_members(tmp_path: Path) -> None:
    docx = make_docx(tmp_path / "a.xlsx", "用电检查工作单", [("户号", "3301000001")])
    sheet = xlsx(tmp_path / "b.docx", {"设备清单": [["户号", "3301000001"]]})
    assert (sniff(docx), sniff(sheet)) == ("docx", "xlsx")


@pytest.mark.parametrize(("name", "kind", "label"), [
    ("合同.pdf", "MZ", "Windows 可执行程序"), ("工作单.docx", "ELF", "Linux 可执行程序"),
    ("说明.txt", "MZ", "Windows 可执行程序"),
])
def test_renamed_executable_is_refused(tmp_path: Path, name: str, kind: str, label: str) -> None:
    path = executable(tmp_path / name, kind)
    with pytest.raises(RefusedFileError, match=label) as caught:
        extract(path)
    assert caught.value.status == "unsupported" and "拒绝" in caught.value.message


def test_plain_zip_is_unsupported_with_a_hint(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "资料.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(UnsupportedFileError, match="解压"):
        sniff(path)


def test_text_needs_a_text_suffix_and_text_content(tmp_path: Path) -> None:
    assert sniff(make_txt(tmp_path / "说明.txt", "情况说明", "gbk")) == "text"
    (tmp_path / "数据.txt").write_bytes(bytes(range(256)) * 8)
    with pytest.raises(UnsupportedFileError):
        sniff(tmp_path / "数据.txt")


def test_content_not_matching_a_known_suffix_is_corrupt(tmp_path: Path) -> None:
    (tmp_path / "照片.jpg").write_bytes(b"\x00\x01 definitely not an image")
    with pytest.raises(CorruptFileError, match="扩展名“.jpg”"):
        sniff(tmp_path / "照片.jpg")


@pytest.mark.parametrize(("name", "kind"), [
    ("report.odt", "odt"), ("ledger.ods", "ods"), ("slides.pptx", "pptx"), ("slides.ppt", "ppt"),
    ("utf16.txt", "text"), ("notice.html", "html"), ("reply.eml", "eml"),
])
def test_office_containers_and_text_formats_are_told_apart(name: str, kind: str,
                                                           tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == name)
    assert sniff(case.build(tmp_path / name)) == kind


def test_an_office_package_of_another_kind_is_not_called_a_plain_zip(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "流程图.vsdx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("visio/document.xml", "<VisioDocument/>")
    with pytest.raises(UnsupportedFileError, match="不支持的 Office 文档类型") as caught:
        sniff(path)
    assert "解压" not in caught.value.message


def test_password_protected_workbook_says_it_is_encrypted(tmp_path: Path) -> None:
    with pytest.raises(EncryptedFileError) as caught:
        extract(encrypted_xlsx(tmp_path / "台账.xlsx"))
    assert caught.value.message == "文件已加密（设置了打开密码），无法读取内容；请提供未加密的版本"
