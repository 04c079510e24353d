"""The disk filling up while indexing (a real, tiny tmpfs): the run stops with a clear
Chinese message and its own exit status, and what was committed before stays searchable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import build_archive, make_txt

ROOT = Path(__file__).parents[2]


@pytest.fixture
def tiny_disk(tmp_path: Path):
    mountpoint = tmp_path / "disk"
    mountpoint.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs",
                              str(mountpoint)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], check=False)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "search_service.cli.main", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def fill_leaving(disk: Path, free_bytes: int) -> None:
    """Fill ``disk`` with one file until only ``free_bytes`` are left."""
    stats = os.statvfs(disk)
    spare = stats.f_bavail * stats.f_frsize - free_bytes
    if spare > 0:
        (disk / "filler").write_bytes(b"\0" * spare)


def test_indexing_onto_a_full_disk_stops_cleanly_and_keeps_the_last_commit(
        tiny_disk: Path, tmp_path: Path) -> None:
    archive = build_archive(tmp_path / "archive")
    index = tiny_disk / "index"
    first = cli("index", str(archive), "--index", str(index), "--workers", "1")
    assert first.returncode == 0, first.stderr[-2000:]
    for n in range(60):  # more documents than the space left can take
        make_txt(archive / "城东供电所" / "3301000001_杭州明远纺织有限公司" / f"抄表记录_{n:03d}.txt",
                 f"抄表记录 第{n}号\n户号：3301000001\n" + f"变压器巡视记录{n}，电费结算说明。\n" * 200)
    fill_leaving(tiny_disk, 96 * 1024)
    run = cli("index", str(archive), "--index", str(index), "--batch-size", "2",
              "--workers", "1")
    assert run.returncode == 3, run.stderr[-2000:]
    assert "磁盘空间不足" in run.stderr and "Traceback" not in run.stderr
    (tiny_disk / "filler").unlink()
    found = cli("search", "明远", "--index", str(index), "--json")
    assert found.returncode == 0, found.stderr
    assert '"total"' in found.stdout and '"total": 0' not in found.stdout
