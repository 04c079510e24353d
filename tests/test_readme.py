"""The README stands alone and its examples work as written on the demo's sample archive."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
README = (PROJECT / "README.md").read_text("utf-8")


def using_it() -> list[str]:
    """The command lines of the README's "Using it" example block, comments removed."""
    section = README.split("## Using it", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.split(" #", 1)[0].strip() for line in block.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def run(line: str, demo_index: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``line`` run in a folder laid out as after ``make demo`` (data/index beside the
    sample archive), with the demo's environment."""
    words = shlex.split(line)
    assert words[0] == "archive-search"
    return subprocess.run([sys.executable, "-m", "search_service.cli.main", *words[1:]],
                          cwd=demo_index.parent.parent, env=env, capture_output=True,
                          text=True, timeout=120)


def demo_env(demo_index: Path) -> dict[str, str]:
    """The environment with the README's exported variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVE_SEARCH_")}
    for line in using_it():
        if line.startswith("export "):
            name, _, value = line.removeprefix("export ").partition("=")
            env[name] = value
    return env


def test_every_search_example_finds_documents(demo_index: Path) -> None:
    searches = [line for line in using_it() if line.startswith("archive-search search")]
    assert len(searches) >= 5
    env = demo_env(demo_index)
    for line in searches:
        result = run(line, demo_index, env)
        assert result.returncode == 0, (line, result.stderr)
        if "--json" in line:
            found = json.loads(result.stdout)["total"]
        else:
            match = re.search(r"^共 (\d+) 条结果", result.stdout, re.MULTILINE)  # after the reading
            assert match, (line, result.stdout[:300])
            found = int(match.group(1))
        assert found > 0, line


def test_pinyin_initials_and_the_named_customer_exist(demo_index: Path) -> None:
    env = demo_env(demo_index)
    assert "hzmy" in README
    result = run("archive-search search hzmy --json", demo_index, env)
    assert {h["customer_name"] for h in json.loads(result.stdout)["hits"]} == {"杭州明远纺织有限公司"}
    result = run("archive-search search 3301234567 --json", demo_index, env)
    assert {h["account_no"] for h in json.loads(result.stdout)["hits"]} == {"3301234567"}


def test_backup_works_with_the_readmes_demo_setting(demo_index: Path, tmp_path: Path) -> None:
    result = run(f"archive-search backup {tmp_path / 'today'}", demo_index, demo_env(demo_index))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "today").is_dir()


def test_the_readme_names_how_to_get_the_command_and_stands_alone() -> None:
    assert ".venv/bin/activate" in README and ".venv/bin/archive-search" in README
    assert "../shared" not in README and "DOMAIN.md" not in README
    for doc in (PROJECT / "docs").glob("*.md"):
        assert "../shared" not in doc.read_text("utf-8"), doc.name
