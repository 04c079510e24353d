"""Tests for scripts/system-packages.sh: waiting for another apt and retrying a failure.

A fake ``apt-get`` (a process boundary, not our code) stands in for Debian's; PATH holds
only it and the few tools the script calls, so every package of the ``test`` target looks
missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "system-packages.sh"
TOOLS = ("id", "seq", "sleep", "ls", "wc")

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the script installs only as root")


def fake_apt(tmp_path: Path, failures: int) -> Path:
    """A bin directory whose apt-get fails its first ``failures`` calls, logging each call."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        (bin_dir / tool).symlink_to(shutil.which(tool))
    calls = tmp_path / "calls"
    apt = bin_dir / "apt-get"
    apt.write_text(f"""#!{shutil.which('bash')}
echo "$*" >> {calls}
[ "$(wc -l < {calls})" -gt {failures} ] && exit 0
echo "E: Could not get lock /var/lib/dpkg/lock-frontend" >&2
exit 100
""")
    apt.chmod(0o755)
    return bin_dir


def run(bin_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(bin_dir), "APT_RETRY_DELAY": "0", "APT_LOCK_WAIT": "7"}
    return subprocess.run([shutil.which("bash"), str(SCRIPT), "test"], env=env,
                          capture_output=True, text=True, timeout=60)


def test_a_held_lock_is_waited_for_and_a_failure_retried(tmp_path: Path) -> None:
    result = run(fake_apt(tmp_path, failures=1))
    assert result.returncode == 0, result.stderr
    calls = (tmp_path / "calls").read_text().splitlines()
    assert [c.split()[2] for c in calls] == ["update", "update", "install"]
    assert all(c.startswith("-o DPkg::Lock::Timeout=7 ") for c in calls)
    assert "apt-get update 失败" in result.stderr and "重试（第 2/3 次）" in result.stderr
    assert "sphinxsearch" in calls[-1]


def test_giving_up_says_what_to_install(tmp_path: Path) -> None:
    result = run(fake_apt(tmp_path, failures=10))
    assert result.returncode != 0
    assert len((tmp_path / "calls").read_text().splitlines()) == 3
    assert "安装系统软件包失败" in result.stderr and "apt-get install" in result.stderr
