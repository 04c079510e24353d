"""Backup and restore on SQLite and PostgreSQL: a snapshot taken while the service serves is
restored into a fresh place, where the same people sign in, search, read, and the access
log verifies; a snapshot altered anywhere is refused before anything is replaced."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from search_service.access.control import Access
from search_service.api.app import create_app
from search_service.cli.main import main
from search_service.config import Settings
from search_service.ops.backup import (MANIFEST, SQLITE_DB, SnapshotError, _file_entry, _sign,
                                       backup, restore)
from tests.conftest import database_url
from tests.search_service.conftest import TEST_SECRET, IndexedArchive, doc_id, signed_in

DOC = "城东供电所/3301000001_杭州明远纺织有限公司/用电检查/隐患整改通知书_2023-05-20.pdf"


@pytest.fixture
def live(indexed_archive: IndexedArchive, db_url: str, tmp_path: Path) -> Settings:
    """A serving installation of its own (the shared index copied, a new database) that
    people have used: a search and a document read are in its log."""
    import shutil

    index = tmp_path / "live" / "index"
    shutil.copytree(indexed_archive.index_dir, index)
    settings = indexed_archive.settings(index_dir=index, database_url=db_url)
    client = signed_in(create_app(settings), "archivist")
    assert client.get("/api/search", params={"q": "明远"}).json()["total"] > 0
    assert client.get(f"/api/documents/{doc_id(DOC)}").status_code == 200
    return settings


def fresh(live: Settings, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    kind = "sqlite" if live.db_url().startswith("sqlite") else "postgresql"
    place = tmp_path / "restored"
    place.mkdir()
    return live.with_changes(index_dir=place / "index",
                             database_url=database_url(kind, place, request))


def test_a_snapshot_restores_into_a_fresh_place_where_everything_works(
        live: Settings, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    made = backup(live, tmp_path / "snap")
    assert made.files >= 3 and made.bytes > 0
    manifest = json.loads((tmp_path / "snap" / MANIFEST).read_text("utf-8"))
    assert any(name.startswith("index/") for name in manifest["files"])
    assert not any(name.startswith("index/whoosh") for name in manifest["files"])  # rebuilt
    target = fresh(live, tmp_path, request)
    done = restore(target, tmp_path / "snap")
    assert done.last_seq >= 4  # sign-in, search, read, and the backup's own predecessors

    app = create_app(target)
    client = TestClient(app)
    assert client.post("/api/login", json={"username": "archivist",
                                           "password": "Test-password-2026"}).status_code == 200
    assert client.get("/api/search", params={"q": "明远"}).json()["total"] > 0
    assert "配电房未配备灭火器" in client.get(f"/api/documents/{doc_id(DOC)}").json()["text"]
    status = Access(target).audit.verify()
    assert status.ok and status.last_seq == done.last_seq + 3, status.message


def test_restore_never_replaces_without_force_and_keeps_what_it_replaces(
        live: Settings, tmp_path: Path) -> None:
    backup(live, tmp_path / "snap")
    with pytest.raises(Exception, match="已存在|不是空库"):
        restore(live, tmp_path / "snap")
    if not live.db_url().startswith("sqlite"):
        return  # PostgreSQL restores go into an empty database (tested above)
    restore(live, tmp_path / "snap", force=True)
    kept = list(live.index_dir.parent.glob("index.before-restore-*"))
    assert len(kept) == 1 and any(kept[0].iterdir())
    assert Access(live).audit.verify().ok


def resign(snapshot: Path, key: bytes) -> None:
    """Re-sum every file and re-sign the manifest, as someone holding ``key`` could."""
    manifest = json.loads((snapshot / MANIFEST).read_text("utf-8"))
    manifest.pop("hmac")
    for name in manifest["files"]:
        manifest["files"][name] = _file_entry(snapshot / name)
    body = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True)
    manifest["hmac"] = _sign(key, body)
    (snapshot / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1,
                                                sort_keys=True), "utf-8")


def test_an_altered_snapshot_is_refused_before_anything_is_replaced(
        indexed_archive: IndexedArchive, tmp_path: Path) -> None:
    settings = indexed_archive.settings(
        database_url=f"sqlite:///{tmp_path / 'live.db'}")
    signed_in(create_app(settings), "archivist").get("/api/search", params={"q": "明远"})
    snap = tmp_path / "snap"
    backup(settings, snap)
    target = settings.with_changes(index_dir=tmp_path / "new" / "index",
                                   database_url=f"sqlite:///{tmp_path / 'new' / 'a.db'}")
    segment = snap / "index" / "archive-meta.json"  # any file of the snapshot
    original = segment.read_bytes()
    segment.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    with pytest.raises(SnapshotError, match="校验和不符"):
        restore(target, snap)
    resign(snap, b"not-the-service-secret")  # re-summed by someone without the secret
    with pytest.raises(SnapshotError, match="签名不符"):
        restore(target, snap)
    segment.write_bytes(original)
    with sqlite3.connect(snap / SQLITE_DB) as db:  # a log record edited in the snapshot
        db.execute("UPDATE audit_records SET target_account = '3301000002' WHERE seq = 2")
    resign(snap, TEST_SECRET.encode())  # even re-signed with the secret: the chain tells
    with pytest.raises(SnapshotError, match="访问日志校验失败"):
        restore(target, snap)
    assert not (tmp_path / "new" / "index").exists() and not (tmp_path / "new" / "a.db").exists()


def test_backup_and_restore_commands(indexed_archive: IndexedArchive, tmp_path: Path,
                                     capsys, monkeypatch) -> None:
    monkeypatch.setenv("ARCHIVE_SEARCH_SECRET", TEST_SECRET)
    settings = indexed_archive.settings(database_url=f"sqlite:///{tmp_path / 'live.db'}")
    signed_in(create_app(settings), "archivist")
    assert main(["backup", str(tmp_path / "snap"), "--index", str(indexed_archive.index_dir),
                 "--db", settings.db_url()]) == 0
    assert "已备份到" in capsys.readouterr().out
    assert main(["backup", str(tmp_path / "snap"), "--index", str(indexed_archive.index_dir),
                 "--db", settings.db_url()]) == 2
    assert "不为空" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "snap"), "--index", str(tmp_path / "r" / "index"),
                 "--db", f"sqlite:///{tmp_path / 'r' / 'a.db'}"]) == 0
    assert "备份校验通过" in capsys.readouterr().out
