"""The archivist's commands: failures, verify, index --retry-failed and the run limits."""

import json
import shutil
from pathlib import Path

import pytest

from search_service.cli.main import main
from tests.factories import build_archive
from tests.hostile import executable, truncated_pdf

BAD = "城东供电所/3301000001_杭州明远纺织有限公司/截断.pdf"
PROGRAM = "城东供电所/3301000001_杭州明远纺织有限公司/合同.pdf"


@pytest.fixture()
def archive(tmp_path: Path) -> Path:
    root = build_archive(tmp_path / "archive")
    truncated_pdf(root / BAD)
    executable(root / PROGRAM)
    return root


def test_index_then_failures_as_text_and_json(archive: Path, tmp_path: Path, capsys) -> None:
    ix = str(tmp_path / "ix")
    assert main(["index", str(archive), "--index", ix, "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "失败 2" in out and BAD in out
    assert main(["failures", "--index", ix]) == 0
    out = capsys.readouterr().out
    assert f"[失败] {BAD}：PDF 文件损坏或不完整" in out
    assert f"[不支持] {PROGRAM}：文件内容是Windows 可执行程序" in out and "--retry-failed" in out
    assert main(["failures", "--index", ix, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["count"] == 2
    assert {f["path"]: f["status"] for f in listed["files"]} == {BAD: "failed", PROGRAM: "unsupported"}


def test_retry_failed_redoes_unchanged_failures(archive: Path, tmp_path: Path, capsys) -> None:
    ix = str(tmp_path / "ix")
    main(["index", str(archive), "--index", ix, "--quiet"])
    capsys.readouterr()
    assert main(["index", str(archive), "--index", ix, "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "失败 0" in out and "另有 2 个此前失败的文件未修改，未重试" in out
    assert main(["index", str(archive), "--index", ix, "--quiet", "--retry-failed"]) == 0
    out = capsys.readouterr().out
    assert "失败 2" in out and "未重试" not in out


def test_size_limit_option(archive: Path, tmp_path: Path, capsys) -> None:
    assert main(["index", str(archive), "--index", str(tmp_path / "ix"), "--quiet",
                 "--max-size-mb", "1"]) == 0
    assert main(["index", str(archive), "--index", str(tmp_path / "ix2"), "--quiet",
                 "--memory-mb", "10"]) == 2
    assert "--memory-mb 至少 256" in capsys.readouterr().err


def test_verify_exit_code_and_report(archive: Path, tmp_path: Path, capsys) -> None:
    ix = str(tmp_path / "ix")
    main(["index", str(archive), "--index", ix, "--quiet"])
    capsys.readouterr()
    assert main(["verify", str(archive), "--index", ix]) == 0
    assert "发现问题 0 个" in capsys.readouterr().out
    (archive / "城西供电所/3301000002_张三丰/用电申请书.txt").unlink()
    assert main(["verify", str(archive), "--index", ix, "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["problems"] == [{"path": "城西供电所/3301000002_张三丰/用电申请书.txt",
                                   "kind": "missing", "detail": "", "label": "文件缺失"}]
