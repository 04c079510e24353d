"""``archive-search report completeness|followup|assessment`` as a real subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from search_service.access.audit import Filters
from search_service.access.control import Access
from tests.search_service.conftest import TEST_SECRET
from tests.search_service.oversight.conftest import EAST, LATE
from tests.search_service.oversight.helpers import sheet_rows, workbook

ROOT = Path(__file__).parents[3]


def run(archive, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "ARCHIVE_SEARCH_SECRET": TEST_SECRET}
    return subprocess.run([sys.executable, "-m", "search_service.cli.main", "report", *args,
                           "--index", str(archive.index_dir), "--root", str(archive.root)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)


def test_completeness_report(oversight_archive) -> None:
    done = run(oversight_archive, "completeness")
    assert done.returncode == 0, done.stderr
    assert "客户 5 户，资料齐全 2 户（40.0%），不齐全 3 户" in done.stdout
    assert "3302000001\t城东化工有限公司\t城东供电所\t高压\t13\t11\tYK08 受电工程设计审查意见书、YK09 中间检查记录" \
        in done.stdout


def test_followup_json_for_one_unit(oversight_archive) -> None:
    done = run(oversight_archive, "followup", "--org", EAST, "--json")
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert [r["account_no"] for r in body["hazards"]["rows"]] == ["3302000001"]
    assert body["late"]["total"] == LATE - 1
    assert {r["org"] for name in body for r in body[name]["rows"]} == {EAST}


def test_assessment_to_excel_and_logged(oversight_archive, tmp_path: Path) -> None:
    target = tmp_path / "考核.xlsx"
    done = run(oversight_archive, "assessment", "--xlsx", str(target))
    assert done.returncode == 0, done.stderr
    assert "合计\t5\t40.0%（2/5）" in done.stdout and "计算公式" in done.stdout
    assert sheet_rows(workbook(target.read_bytes())["客户数"])[-1][:2] == ["合计", 5]
    access = Access(oversight_archive.settings())
    _, found = access.audit.query(Filters(actions=("oversight_export",)), page_size=100)
    assert any(r["user"].startswith("命令行:") for r in found)


def test_bad_rules_exit_2_naming_the_line(oversight_archive, tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(oversight_archive.root, root)
    (root / "rules.csv").write_text("规则,用户分类,电压等级,业务,条件,档案类别,数值\n"
                                    "应有档案,高压,,,,YK01,\n应有档案,高压,,,,YK77,\n",
                                    encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "search_service.cli.main", "report",
                           "completeness", "--index", str(oversight_archive.index_dir), "--root", str(root)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "ARCHIVE_SEARCH_SECRET": TEST_SECRET})
    assert done.returncode == 2
    assert "第 3 行：档案类别“YK77”不存在" in done.stderr


@pytest.mark.parametrize("period", ["2024Q9", "24"])
def test_bad_period(oversight_archive, period: str) -> None:
    done = run(oversight_archive, "assessment", "--period", period)
    assert done.returncode == 2 and "2024Q3" in done.stderr
