"""Tests for search_service/engines/pairing.py: an index served with another catalog's
database is refused with a message naming both, at start-up and after the index changed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.pipeline import run_index
from search_service.config import Settings
from tests.factories import make_txt, write_customers
from tests.search_service.conftest import TEST_SECRET, IndexedArchive, signed_in


@pytest.fixture(scope="module")
def other_archive(tmp_path_factory: pytest.TempPathFactory) -> IndexedArchive:
    """Another archive, indexed with a catalog (database) of its own."""
    base = tmp_path_factory.mktemp("other")
    root = base / "archive"
    write_customers(root)
    make_txt(root / "城北供电所" / "3309999999_另一家公司" / "备忘_2024-01-02.txt",
             "备忘\n户号：3309999999\n另一个档案库的文件\n")
    return IndexedArchive.build(root, base / "index")


def settings_with(archive: IndexedArchive, db: Path) -> Settings:
    return Settings(index_dir=archive.index_dir, archive_root=archive.root,
                    secret_key=TEST_SECRET, database_url=f"sqlite:///{db}")


def refused(response, archive: IndexedArchive, db: Path) -> str:
    assert response.status_code == 503, response.text
    error = response.json()["error"]
    assert error["code"] == "index_mismatch"
    assert str(archive.index_dir.resolve()) in error["message"] and str(db) in error["message"]
    return error["message"]


def test_a_fresh_database_is_refused(indexed_archive: IndexedArchive, tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    client = signed_in(settings_with(indexed_archive, db))
    message = refused(client.get("/api/search", params={"q": "隐患"}), indexed_archive, db)
    assert "数据库中没有任何档案目录" in message and "archive-search reindex" in message


def test_another_archives_database_is_refused(indexed_archive: IndexedArchive,
                                              other_archive: IndexedArchive) -> None:
    db = other_archive.index_dir.parent / "archive-search.db"
    client = signed_in(settings_with(indexed_archive, db))
    refused(client.get("/api/search", params={"q": ""}), indexed_archive, db)
    refused(client.get("/api/customers/3301000005"), indexed_archive, db)


def test_an_index_swapped_for_another_catalogs_is_refused_on_reload(
        own_archive: IndexedArchive, other_archive: IndexedArchive) -> None:
    db = own_archive.index_dir.parent / "archive-search.db"
    client = signed_in(settings_with(own_archive, db))
    assert client.get("/api/search", params={"q": "隐患"}).json()["hits"]
    shutil.rmtree(own_archive.index_dir / "whoosh")
    shutil.copytree(other_archive.index_dir / "whoosh", own_archive.index_dir / "whoosh")
    message = refused(client.get("/api/search", params={"q": "隐患"}), own_archive, db)
    assert "都找不到" in message


def cli(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ARCHIVE_SEARCH_SECRET": TEST_SECRET, "ARCHIVE_SEARCH_DB": f"sqlite:///{db}"}
    return subprocess.run([sys.executable, "-m", "search_service.cli.main", *args], env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("command", [["serve", "--port", "1"], ["search", "隐患"]])
def test_the_commands_refuse_with_exit_2(indexed_archive: IndexedArchive, tmp_path: Path,
                                         command: list[str]) -> None:
    db = tmp_path / "fresh.db"
    result = cli(*command, "--index", str(indexed_archive.index_dir), db=db)
    assert result.returncode == 2, result.stderr
    assert "索引与档案目录数据库不匹配" in result.stderr
    assert str(indexed_archive.index_dir.resolve()) in result.stderr and str(db) in result.stderr
    assert "ARCHIVE_SEARCH_DB" in result.stderr and "--db" not in result.stderr  # no such option
