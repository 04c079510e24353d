"""An archive with known gaps, dated relative to today, indexed once by the real indexer.

- 3302000001 城东供电所, 高压 10kV with 项目批文 and 调度管理: 13 required, misses YK08 YK09;
  JC01 400 days ago (overdue); JC03 100 days ago, deadline 70 days ago, no JC05 (overdue);
  contract expiring in about 30 days.
- 3302000002 城东供电所, 高压 35kV: complete (11); JC01 60 days ago; JC03 100 days ago closed
  by a JC05 65 days ago; contract 400 days old.
- 3302000003 城东供电所, 低压居民: complete (5); contract 5 years and 10 days old (expired);
  JC03 5 days ago, deadline in 10 days.
- 3302000004 城西供电所, 低压非居民 380V: misses YK10; never inspected, connected 800 days ago
  (overdue); JC03 25 days ago, 已整改.
- 3302000005 城西供电所, 低压居民: nothing (misses 5).

Documents dated more than 30 days before today are filed late (the indexer files them
today): 3 of 3302000001, 4 of 3302000002, 1 of 3302000003, 1 of 3302000004 — 9 of 42.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from indexer.doctypes import name_of
from indexer.pipeline import run_index
from search_service.oversight.followup import add_months
from tests.factories import CUSTOMER_HEADER, make_docx, make_pdf, make_txt, write_customers
from tests.search_service.conftest import IndexedArchive

TODAY = date.today()
EAST, WEST = "城东供电所", "城西供电所"
HEADER = CUSTOMER_HEADER + ["项目批文", "调度管理"]
CUSTOMERS = [
    ["3302000001", "城东化工有限公司", "高压", "大工业", "10kV", EAST, "城东路1号",
     "13800000001", "91330110MA2B3C4D5E", "是", "是"],
    ["3302000002", "城东钢铁有限公司", "高压", "大工业", "35kV", EAST, "城东路2号",
     "13800000002", "91330110MA2B3C4D6F", "", ""],
    ["3302000003", "李四", "低压居民", "居民生活", "220V", EAST, "城东路3号",
     "13800000003", "330102198502023456", "", ""],
    ["3302000004", "城西商贸有限公司", "低压非居民", "一般工商业", "380V", WEST, "城西路4号",
     "13800000004", "91330110MA2B3C4D7G", "", ""],
    ["3302000005", "王二", "低压居民", "居民生活", "220V", WEST, "城西路5号",
     "13800000005", "330102198502023472", "", ""],
]
UNITS = "单位,上级单位\n市供电公司,\n县供电公司,市供电公司\n城东供电所,县供电公司\n城西供电所,县供电公司\n"
NAMES = {row[0]: row[1] for row in CUSTOMERS}
ORGS = {row[0]: row[5] for row in CUSTOMERS}


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


EXPIRING_SIGNED = add_months(TODAY, -36) + timedelta(days=30)
EXPIRED_SIGNED = add_months(TODAY, -60) - timedelta(days=10)
RECENT = 20
# (account, type, date, extra text)
DOCUMENTS: list[tuple[str, str, date, str]] = [
    *[("3302000001", t, ago(RECENT), "") for t in
      ("YK01", "YK02", "YK03", "YK04", "YK05", "YK06", "YK07", "YK10", "YK12", "YK13")],
    ("3302000001", "YK11", EXPIRING_SIGNED, ""),
    ("3302000001", "JC01", ago(400), "客户签字：张经理"),
    ("3302000001", "JC03", ago(100), f"整改期限：{cn(ago(70))}\n整改状态：未整改"),
    *[("3302000002", t, ago(RECENT), "") for t in
      ("YK01", "YK02", "YK03", "YK05", "YK06", "YK07", "YK08", "YK09", "YK10", "YK13")],
    ("3302000002", "YK11", ago(400), ""),
    ("3302000002", "JC01", ago(60), "客户签字：钱经理"),
    ("3302000002", "JC03", ago(100), f"整改期限：{cn(ago(70))}\n整改状态：未整改"),
    ("3302000002", "JC05", ago(65), "复查结论：已整改"),
    *[("3302000003", t, ago(RECENT), "") for t in ("YK01", "YK02", "YK03", "YK13")],
    ("3302000003", "YK11", EXPIRED_SIGNED, ""),
    ("3302000003", "JC03", ago(5), f"整改期限：{cn(ago(-10))}\n整改状态：未整改"),
    *[("3302000004", t, ago(RECENT), "") for t in
      ("YK01", "YK02", "YK03", "YK05", "YK06", "YK07", "YK11")],
    ("3302000004", "YK13", ago(800), ""),
    ("3302000004", "JC03", ago(25), f"整改期限：{cn(ago(5))}\n整改状态：已整改"),
]
LATE = 9
TOTAL_DOCUMENTS = 42


def build_oversight_archive(root: Path) -> Path:
    write_customers(root, CUSTOMERS, encoding="utf-8", header=HEADER)
    (root / "units.csv").write_text(UNITS, encoding="utf-8")
    for n, (account, code, day, extra) in enumerate(DOCUMENTS):
        folder = root / ORGS[account] / f"{account}_{NAMES[account]}"
        name = f"{name_of(code)}_{day.isoformat()}"
        lines = [name_of(code), f"户号：{account}", f"户名：{NAMES[account]}", *extra.split("\n")]
        if code == "YK11":  # one real PDF and one DOCX among the text files
            make_pdf(folder / f"{name}.pdf", [lines])
        elif code == "JC01":
            make_docx(folder / f"{name}.docx", name_of(code), [
                (line.partition("：")[0], line.partition("：")[2]) for line in lines[1:] if line])
        else:
            make_txt(folder / f"{name}.txt", "\n".join(lines) + "\n")
    return root


def indexed_oversight_archive(base: Path) -> IndexedArchive:
    root = build_oversight_archive(base / "archive")
    run_index(root, base / "index", workers=1, progress=False)
    return IndexedArchive(root, base / "index")


@pytest.fixture(scope="session")
def oversight_archive(tmp_path_factory: pytest.TempPathFactory) -> IndexedArchive:
    """Shared by the tests that only read; spot checks get a private one (they change
    the assessment's figures)."""
    return indexed_oversight_archive(tmp_path_factory.mktemp("oversight"))
