"""Tests for the sample archive generator (sample_archive/generator.py)."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import docx
import pytest
from pypdf import PasswordType, PdfReader

from indexer.doctypes import lookup, match_keywords
from sample_archive.domain import COMPANY, UNASSIGNED_FOLDER, SampleSummary
from sample_archive.generator import default_scans, generate
from sample_archive.ofd import SUBFOLDER as OFD_FOLDER
from sample_archive.scans import SUBFOLDER as SCAN_FOLDER

PROJECT = Path(__file__).resolve().parents[2]
CUSTOMERS = 20
SEED = 7
CUSTOMERS_HEADER = "户号,户名,用户分类,用电类别,电压等级,供电单位,用电地址,联系电话,证件号码"
CATALOG_HEADER = ["文件路径", "户号", "档案类别", "题名", "形成日期", "档号", "保管期限"]
SUBFOLDERS = {"业扩", "用电检查", "变更", "电费", "扫描件", OFD_FOLDER}
FILE_NAME = re.compile(r"^(?P<stem>.+?)_(\d{4}-\d{2}-\d{2}|\d{8})(_\d)?\.(pdf|docx|txt|dwg|ofd)$")


def gb11643_valid(number: str) -> bool:
    """Independent check of a 身份证 number's mod-11 check digit."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return False
    return "10X98765432"[sum(int(d) * w for d, w in zip(number, weights)) % 11] == number[-1]


def digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def read_text(path: Path) -> str:
    """All text of a generated document: PDF pages, DOCX paragraphs and table cells, or TXT."""
    if path.suffix == ".pdf":
        return "\n".join(page.extract_text() for page in PdfReader(path).pages)
    if path.suffix == ".docx":
        document = docx.Document(str(path))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gbk")


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> SampleSummary:
    return generate(tmp_path_factory.mktemp("sample") / "archive", customers=CUSTOMERS, seed=SEED)


@pytest.fixture(scope="module")
def customers(archive: SampleSummary) -> dict[str, dict[str, str]]:
    text = (archive.root / "customers.csv").read_bytes().decode("gbk")
    return {row["户号"]: row for row in csv.DictReader(io.StringIO(text))}


@pytest.fixture(scope="module")
def documents(archive: SampleSummary) -> dict[str, Path]:
    """Readable documents in customer folders, by path relative to root."""
    skipped = set(archive.broken_files)
    return {p.relative_to(archive.root).as_posix(): p for p in sorted(archive.root.rglob("*"))
            if p.is_file() and p.suffix != ".csv" and UNASSIGNED_FOLDER not in p.parts
            and SCAN_FOLDER not in p.parts and OFD_FOLDER not in p.parts
            and p.relative_to(archive.root).as_posix() not in skipped}


@pytest.fixture(scope="module")
def texts(documents: dict[str, Path]) -> dict[str, str]:
    return {rel: read_text(path) for rel, path in documents.items()}


def test_scans_start_with_the_demo_customer(archive: SampleSummary) -> None:
    scans = sorted(archive.root.glob(f"*/*/{SCAN_FOLDER}/*"))
    assert archive.scans == len(scans) == default_scans(CUSTOMERS)
    assert scans[0].parent.parent.name.startswith("3301234567_")
    assert scans[0].suffix in {".jpg", ".png", ".pdf", ".tif"}


def account_of(rel: str) -> str:
    return rel.split("/")[1][:10]


def test_same_seed_gives_identical_files(archive: SampleSummary, tmp_path: Path) -> None:
    """Regenerated in a fresh interpreter with another hash seed, so set/dict order cannot leak in."""
    again = tmp_path / "again"
    script = f"from pathlib import Path; from sample_archive.generator import generate; generate(Path({str(again)!r}), {CUSTOMERS}, {SEED})"
    subprocess.run([sys.executable, "-c", script], check=True, cwd=PROJECT, env={**os.environ, "PYTHONHASHSEED": "99"})
    assert digests(again) == digests(archive.root)


def test_other_seed_gives_other_archive(archive: SampleSummary, tmp_path: Path) -> None:
    other = generate(tmp_path / "other", customers=CUSTOMERS, seed=SEED + 1)
    mine, theirs = digests(archive.root), digests(other.root)
    assert mine["customers.csv"] != theirs["customers.csv"]
    assert set(mine) != set(theirs)


def test_refuses_a_non_empty_root(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("x")
    with pytest.raises(FileExistsError):
        generate(tmp_path, customers=CUSTOMERS)


def test_summary_counts_what_was_written(archive: SampleSummary) -> None:
    files = [p for p in archive.root.rglob("*") if p.is_file() and p.suffix != ".csv"]
    assert archive.customers == CUSTOMERS
    assert archive.documents == len(files)
    assert 5 * CUSTOMERS <= archive.documents <= 15 * CUSTOMERS


def test_customers_csv_is_gbk_with_the_exact_header(archive: SampleSummary) -> None:
    raw = (archive.root / "customers.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    lines = raw.decode("gbk").splitlines()
    assert lines[0] == CUSTOMERS_HEADER
    assert len(lines) == CUSTOMERS + 1


def test_customer_fields_have_their_formats(customers: dict[str, dict[str, str]]) -> None:
    assert len(customers) == CUSTOMERS
    voltages = {"低压居民": {"220V"}, "低压非居民": {"380V"}, "高压": {"10kV", "35kV", "110kV"}}
    for number, row in customers.items():
        assert re.fullmatch(r"\d{10}", number)
        assert re.fullmatch(r"1[3-9]\d{9}", row["联系电话"])
        assert row["电压等级"] in voltages[row["用户分类"]]
        assert row["供电单位"].endswith("供电所")
        assert len(row["证件号码"]) == 18
        if row["用户分类"] == "低压居民":
            assert row["用电类别"] == "居民生活"
            assert gb11643_valid(row["证件号码"]), row
        else:
            assert row["用电类别"] != "居民生活"
            assert row["户名"].endswith(("有限公司", "）"))


def test_some_names_share_substrings(customers: dict[str, dict[str, str]]) -> None:
    names = [row["户名"] for row in customers.values()]
    assert sum("明远" in name for name in names) >= 2
    assert "张三" in names and "张三丰" in names


def test_every_customer_has_a_folder_of_documents(
        archive: SampleSummary, customers: dict[str, dict[str, str]]) -> None:
    for number, row in customers.items():
        folder = archive.root / row["供电单位"] / f"{number}_{row['户名']}"
        assert len(list((folder / "业扩").iterdir())) >= 4


def test_document_paths_follow_the_layout(archive: SampleSummary, customers: dict[str, dict[str, str]]) -> None:
    for path in archive.root.rglob("*"):
        rel = path.relative_to(archive.root).parts
        if not path.is_file() or path.suffix == ".csv":
            continue
        assert FILE_NAME.match(rel[-1]), rel
        if rel[1] == UNASSIGNED_FOLDER:
            assert len(rel) == 3
            continue
        unit, folder, subfolder, _ = rel
        number, name = folder.split("_", 1)
        assert customers[number]["户名"] == name and customers[number]["供电单位"] == unit
        assert subfolder in SUBFOLDERS


def test_every_document_states_its_account_number(texts: dict[str, str]) -> None:
    assert texts
    for rel, text in texts.items():
        assert f"户号：{account_of(rel)}" in text, rel


def test_title_line_and_file_name_give_the_same_type(texts: dict[str, str]) -> None:
    for rel, text in texts.items():
        title = text.strip().splitlines()[0].strip()
        by_title, by_name = match_keywords(title), match_keywords(FILE_NAME.match(rel.rsplit("/", 1)[1])["stem"])
        assert by_title is not None and by_title == by_name, (rel, title)


def test_pdfs_open_and_carry_the_account(documents: dict[str, Path]) -> None:
    pdfs = {rel: p for rel, p in documents.items() if p.suffix == ".pdf"}
    assert pdfs
    for rel, path in pdfs.items():
        reader = PdfReader(path)
        assert not reader.is_encrypted
        assert f"户号：{account_of(rel)}" in reader.pages[0].extract_text(), rel


def test_contracts_run_over_several_pages(documents: dict[str, Path]) -> None:
    contracts = [p for rel, p in documents.items() if "/供用电合同_" in rel]
    assert contracts
    assert all(2 <= len(PdfReader(p).pages) <= 3 for p in contracts)


def test_docx_keeps_key_fields_in_a_table(documents: dict[str, Path]) -> None:
    docxs = {rel: p for rel, p in documents.items() if p.suffix == ".docx"}
    assert docxs
    for rel, path in docxs.items():
        document = docx.Document(str(path))
        cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
        assert f"户号：{account_of(rel)}" in cells, rel
        assert document.sections[0].header.paragraphs[0].text == COMPANY


def test_inspection_documents_use_the_agreed_labels(texts: dict[str, str]) -> None:
    day = r"\d{4}年\d{1,2}月\d{1,2}日"
    for rel, text in texts.items():
        if "/用电检查工作单_" in rel:
            assert re.search(rf"检查日期：{day}", text) and "检查人员：" in text and "客户签字：" in text
            assert re.search(r"检查结果：(发现安全隐患，.+|未发现安全隐患)", text)
        if "/隐患整改通知书_" in rel:
            assert re.search(rf"整改期限：{day}", text) and "隐患内容：" in text
            assert re.search(r"整改状态：(未整改|整改中|已整改|逾期)", text)
        if "/整改回执_" in rel:
            assert "整改状态：已整改" in text and re.search(rf"复查日期：{day}", text)


def test_catalog_rows_point_at_existing_files(archive: SampleSummary) -> None:
    with (archive.root / "catalog.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert (archive.root / "catalog.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert rows[0] == CATALOG_HEADER + ["归档日期"]
    described = [row for row in rows[1:] if row[1]]  # the others state only a 归档日期
    assert 0.1 * archive.documents <= len(described) <= 0.5 * archive.documents
    for path, number, category, title, day, archive_number, retention, _ in described:
        assert (archive.root / path).is_file() and "\\" not in path
        assert path.split("/")[1].startswith(number + "_")
        assert lookup(category) is not None and title
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", day)
        assert re.fullmatch(r"G017-YX·\d{4}-(Y|D30|D10)-[A-Z]{2}-\d{4}", archive_number)
        assert retention in {"永久", "30年", "10年"}


def test_most_documents_are_filed_in_time_some_late(archive: SampleSummary) -> None:
    with (archive.root / "catalog.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    delays = []
    for row in rows:
        assert (archive.root / row["文件路径"]).is_file()
        made = FILE_NAME.match(row["文件路径"].rsplit("/", 1)[1])
        if made and row["归档日期"]:
            digits = made.group(2).replace("-", "")
            formed = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
            delays.append((date.fromisoformat(row["归档日期"]) - formed).days)
    assert delays and min(delays) >= 1
    in_time = sum(d <= 30 for d in delays) / len(delays)
    assert 0.8 <= in_time <= 0.95 and max(delays) > 30
    dated = [p for p in archive.root.rglob("*_*.*") if p.parent.name != UNASSIGNED_FOLDER
             and p.suffix != ".csv"]
    assert len(delays) == len(dated)  # every filed document has its 归档日期


def test_broken_files_exist_and_fail_as_intended(archive: SampleSummary) -> None:
    assert archive.broken == len(archive.broken_files) == 4
    paths = [archive.root / rel for rel in archive.broken_files]
    assert all(p.is_file() and p.parent.parent.name[:10].isdigit() for p in paths)
    by_suffix = {p.suffix: p for p in paths if p.suffix != ".pdf"}
    assert by_suffix[".docx"].stat().st_size == 0
    assert ".dwg" in by_suffix
    encrypted, truncated = [], []
    for pdf in (p for p in paths if p.suffix == ".pdf"):
        try:
            reader = PdfReader(pdf)
        except Exception:  # noqa: BLE001 - any read error marks the truncated file
            truncated.append(pdf)
            continue
        assert reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED
        encrypted.append(pdf)
    assert len(encrypted) == len(truncated) == 1


def test_one_unassigned_document_has_no_account_number(archive: SampleSummary) -> None:
    unassigned = list(archive.root.glob(f"*/{UNASSIGNED_FOLDER}/*"))
    assert len(unassigned) == 1
    text = read_text(unassigned[0])
    assert "户号" not in text and "户名：" in text
    assert not re.search(r"\d{10}", unassigned[0].relative_to(archive.root).as_posix())


def test_unit_tree_puts_every_station_under_the_county_company(archive: SampleSummary) -> None:
    from search_service.access.policy import Units

    units = Units.from_file(archive.root / "units.csv")
    assert units.roots() == ["国网杭州供电公司"]
    stations = {row["供电单位"] for row in csv.DictReader(io.StringIO(
        (archive.root / "customers.csv").read_bytes().decode("gbk")))}
    assert set(units.subtree(COMPANY)) == stations | {COMPANY}
