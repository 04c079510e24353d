"""The administrators' commands: ``archive-search user ...`` and ``archive-search audit ...``."""

from __future__ import annotations

import csv
import io
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from search_service.access.audit import Filters
from search_service.access.control import Access
from search_service.config import Settings

ROOT = Path(__file__).parents[3]
SECRET = "cli-test-secret-0123456789"
PASSWORD = "Chengdong-2026"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "ARCHIVE_SEARCH_SECRET": SECRET,
            "ARCHIVE_SEARCH_DB": f"sqlite:///{tmp_path / 'cli.db'}",
            "ARCHIVE_SEARCH_INDEX": str(tmp_path / "index")}


def run(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "search_service.cli.main", *args], input=stdin,
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)


def access(env: dict[str, str]) -> Access:
    return Access(Settings.from_env(env))


def test_user_lifecycle_is_logged(env) -> None:
    added = run(env, "user", "add", "zhangwei", "--role", "clerk", "--org", "城东供电所",
                stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert "已创建用户 zhangwei：营业员，城东供电所" in added.stdout
    assert access(env).accounts.login("zhangwei", PASSWORD).user.org == "城东供电所"
    assert run(env, "user", "set-role", "zhangwei", "--role", "inspector").returncode == 0
    assert run(env, "user", "reset-password", "zhangwei", stdin="Another-pass-9\n").returncode == 0
    assert run(env, "user", "disable", "zhangwei").returncode == 0
    listed = run(env, "user", "list").stdout
    assert "zhangwei\tinspector（稽查员）\t城东供电所\t已停用" in listed
    _, rows = access(env).audit.query(Filters(), page_size=100)
    actions = [r["action"] for r in reversed(rows) if r["user"].startswith("命令行:")]
    assert actions == ["user_create", "user_role", "user_password", "user_disable"]


def test_passwords_are_never_arguments_and_must_be_strong(env) -> None:
    as_argument = run(env, "user", "add", "lisi", "--role", "auditor", "--password", PASSWORD)
    assert as_argument.returncode == 2  # argparse: no such option
    weak = run(env, "user", "add", "lisi", "--role", "auditor", stdin="lisi12345\n")
    assert weak.returncode == 2 and "至少需要 10 个字符" in weak.stderr
    missing = run(env, "user", "add", "lisi", "--role", "auditor")
    assert missing.returncode == 2 and "标准输入" in missing.stderr
    no_org = run(env, "user", "add", "lisi", "--role", "clerk", stdin=PASSWORD + "\n")
    assert no_org.returncode == 2 and "--org" in no_org.stderr
    assert run(env, "user", "disable", "nobody").returncode == 2


def test_tokens_from_the_command_line(env) -> None:
    run(env, "user", "add", "script", "--role", "inspector", stdin=PASSWORD + "\n")
    created = run(env, "user", "token", "create", "script", "--label", "夜间报表")
    assert created.returncode == 0
    secret = created.stdout.split("\n")[1].strip()
    assert secret.startswith("ast_") and access(env).accounts.token_user(secret).name == "script"
    assert "夜间报表\t" in run(env, "user", "token", "list", "script").stdout
    assert run(env, "user", "token", "revoke", "1").returncode == 0
    assert access(env).accounts.token_user(secret) is None
    assert run(env, "user", "token", "revoke", "x").returncode == 2


def test_audit_verify_names_the_altered_record(env, tmp_path: Path) -> None:
    run(env, "user", "add", "zhangwei", "--role", "clerk", "--org", "城东供电所",
        stdin=PASSWORD + "\n")
    run(env, "user", "disable", "zhangwei")
    ok = run(env, "audit", "verify")
    assert ok.returncode == 0 and "访问日志完整" in ok.stdout
    with sqlite3.connect(tmp_path / "cli.db") as db:
        db.execute("UPDATE audit_records SET details = '{}' WHERE seq = 2")
    broken = run(env, "audit", "verify")
    assert broken.returncode == 1 and "第 2 号记录的内容被修改" in broken.stdout


def test_audit_verify_with_another_key_fails(env) -> None:
    run(env, "user", "add", "zhangwei", "--role", "auditor", stdin=PASSWORD + "\n")
    other = {**env, "ARCHIVE_SEARCH_SECRET": "another-secret-123456"}
    assert run(other, "audit", "verify").returncode == 1
    refused = run(other, "user", "add", "lisi", "--role", "auditor", stdin=PASSWORD + "\n")
    assert refused.returncode == 2 and "服务密钥与访问日志不符" in refused.stderr
    assert run(env, "audit", "verify").returncode == 0  # the wrong key wrote nothing


def test_audit_export_and_prune_refusal(env, tmp_path: Path) -> None:
    run(env, "user", "add", "zhangwei", "--role", "auditor", stdin=PASSWORD + "\n")
    out = tmp_path / "log.csv"
    assert run(env, "audit", "export", str(out)).returncode == 0
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8-sig"))))
    assert [r[6] for r in rows[1:]] == ["创建用户", "导出日志"]
    early = run(env, "audit", "prune", "--before", "2999-01-01", "--export", str(tmp_path / "p.csv"))
    assert early.returncode == 2 and "180" in early.stderr
    assert run(env, "audit", "prune", "--before", "01/01/2020", "--export", "x").returncode == 2


def test_demo_accounts_only_in_demo_mode(env) -> None:
    refused = run(env, "user", "demo")
    assert refused.returncode == 2 and "演示模式" in refused.stderr
    demo = run({**env, "ARCHIVE_SEARCH_DEMO": "1", "ARCHIVE_SEARCH_SECRET": ""}, "user", "demo")
    assert demo.returncode == 0, demo.stderr
    lines = [line.split("\t") for line in demo.stdout.splitlines()[1:] if "\t" in line]  # not the hints
    assert [fields[1] for fields in lines] == ["用户名 clerk", "用户名 inspector",
                                               "用户名 archivist", "用户名 auditor", "用户名 admin",
                                               "用户名 secadmin"]
    again = run({**env, "ARCHIVE_SEARCH_DEMO": "1", "ARCHIVE_SEARCH_SECRET": ""}, "user", "demo")
    assert again.returncode == 0 and again.stdout != demo.stdout  # fresh passwords


def test_units_come_from_the_tree(env, tmp_path: Path) -> None:
    """With a unit tree (units.csv) a user's unit must be one of its units, as on /admin;
    before there is any (nothing indexed, no units.csv) the unit is taken as given."""
    loose = run(env, "user", "add", "early", "--role", "clerk", "--org", "城东供电所",
                stdin=PASSWORD + "\n")
    assert loose.returncode == 0, loose.stderr
    units = tmp_path / "units.csv"
    units.write_text("单位,上级单位\n临江县供电公司,\n城东供电所,临江县供电公司\n", encoding="utf-8")
    env = {**env, "ARCHIVE_SEARCH_UNITS": str(units)}
    unknown = run(env, "user", "add", "lisi", "--role", "clerk", "--org", "城北供电所",
                  stdin=PASSWORD + "\n")
    assert unknown.returncode == 2 and "没有供电单位“城北供电所”" in unknown.stderr
    assert run(env, "user", "add", "lisi", "--role", "clerk", "--org", "城东供电所",
               stdin=PASSWORD + "\n").returncode == 0
    moved = run(env, "user", "set-role", "lisi", "--role", "clerk", "--org", "城西供电所")
    assert moved.returncode == 2 and "没有供电单位“城西供电所”" in moved.stderr
    assert access(env).accounts.get("lisi").org == "城东供电所"
