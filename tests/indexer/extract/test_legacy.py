import shutil
from pathlib import Path

import pytest

from indexer.errors import CorruptFileError, ExtractionTimeoutError, NeedsLibreOfficeError
from indexer.extract import Limits, extract
from indexer.extract.legacy import convert
from tests.factories import make_docx
from tests.hostile import xlsx

SOFFICE = shutil.which("soffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice 未安装（.ci/run 会安装）")


@pytest.fixture(scope="module")
def legacy_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A .doc and an .xls made by LibreOffice from a DOCX and an XLSX."""
    work = tmp_path_factory.mktemp("legacy")
    docx = make_docx(work / "工作单.docx", "用电检查工作单", [("户号", "3301000001")],
                     paragraphs=["检查结果：配电房未配备灭火器"])
    sheet = xlsx(work / "清单.xlsx", {"变压器": [["户号", "3301000001"], ["型号", "S11-M-630/10"]]})
    return {"doc": convert(SOFFICE, docx, "doc", work, 120),
            "xls": convert(SOFFICE, sheet, "xls", work, 120)}


@needs_soffice
def test_doc_is_converted_and_read(legacy_files: dict[str, Path]) -> None:
    text = extract(legacy_files["doc"]).text
    assert "用电检查工作单" in text and "3301000001" in text and "灭火器" in text


@needs_soffice
def test_xls_keeps_sheet_names_and_cells(legacy_files: dict[str, Path]) -> None:
    text = extract(legacy_files["xls"]).text
    assert "工作表：变压器" in text and "S11-M-630/10" in text


@needs_soffice
def test_wps_file_with_an_odd_name_is_read(legacy_files: dict[str, Path], tmp_path: Path) -> None:
    wps = tmp_path / "检查 记录（2023）#1.wps"  # WPS Office writes the Word binary format
    shutil.copyfile(legacy_files["doc"], wps)
    assert "3301000001" in extract(wps).text


@needs_soffice
def test_conversion_is_killed_at_its_time_limit(legacy_files: dict[str, Path]) -> None:
    with pytest.raises(ExtractionTimeoutError, match="超时"):
        extract(legacy_files["doc"], Limits(soffice_timeout=0.05))


@needs_soffice
def test_corrupt_doc_is_reported(legacy_files: dict[str, Path], tmp_path: Path) -> None:
    broken = tmp_path / "坏.doc"
    broken.write_bytes(legacy_files["doc"].read_bytes()[:1536])
    with pytest.raises(CorruptFileError, match="LibreOffice 无法打开"):
        extract(broken)


@pytest.mark.parametrize("suffix", [".doc", ".xls", ".wps"])
def test_without_libreoffice_the_file_says_what_to_install(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"旧文件{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)  # a Compound File
    with pytest.raises(NeedsLibreOfficeError, match="需要安装 LibreOffice") as caught:
        extract(path, Limits(soffice=str(tmp_path / "no-such-soffice")))
    assert caught.value.status == "unsupported" and "--retry-failed" in caught.value.message


@needs_soffice
def test_rtf_is_converted_and_read(tmp_path: Path) -> None:
    words = "情况说明 户号：3301000001"
    escaped = "".join(f"\\u{ord(c)}?" if ord(c) > 127 else c for c in words)
    path = tmp_path / "说明.rtf"
    path.write_text("{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 SimSun;}}\\f0 " + escaped + "\\par}",
                    "ascii")
    assert extract(path).text.strip() == words
