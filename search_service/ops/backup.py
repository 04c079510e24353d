"""Backup and restore of one installation: the database, the index with its OCR cache.

``backup`` writes, while the service keeps serving:

- the database (accounts, sessions, the access log and its checkpoints, the document
  catalog, customers; every table): SQLite through its online backup API, a consistent
  snapshot even while others write; PostgreSQL through ``pg_dump`` (one transaction);
- the index directory's own state: the run metadata and the OCR cache (through the SQLite
  backup API). The search index is not copied: it is a projection of the catalog, rebuilt
  from the restored catalog by ``restore`` (Whoosh) or ``archive-search reindex``;
- ``manifest.json``: every file with its size and SHA-256, the log's last record, and an
  HMAC of the manifest keyed with the service secret (``ARCHIVE_SEARCH_SECRET``), so a
  snapshot cannot be edited and re-summed without the secret.

``restore`` checks all of that first — the manifest's HMAC, every file's SHA-256, and the
whole access-log chain in the snapshot's database — and refuses a snapshot that does not
verify before it touches anything. Existing targets are never deleted: without ``force``
the restore refuses them, with it they are moved aside (``*.before-restore-<time>``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from indexer.errors import InputError
from indexer.files import sha256_of
from indexer.ocrcache import FILENAME as OCR_CACHE_FILE
from search_service.config import Settings

FORMAT = 1
MANIFEST = "manifest.json"
INDEX = "index"
SQLITE_DB = "database.sqlite3"
PG_DUMP = "database.pgdump"


class SnapshotError(InputError):
    """A snapshot that is incomplete, altered, or whose access log does not verify."""


@dataclass(frozen=True)
class Summary:
    files: int
    bytes: int
    seconds: float
    last_seq: int
    directory: Path


# --- backup ---------------------------------------------------------------------------------

def backup(settings: Settings, dest: Path) -> Summary:
    """Write a verifiable snapshot of ``settings``' installation into the new directory ``dest``."""
    began = time.monotonic()
    if dest.exists() and any(dest.iterdir()):
        raise InputError(f"备份目录 {dest} 已存在且不为空，请指定新目录")
    key = settings.audit_key()
    dest.mkdir(parents=True, exist_ok=True)
    url = settings.db_url()
    database = _backup_database(url, dest)
    _backup_index(settings.index_dir, dest / INDEX)
    files = {path.relative_to(dest).as_posix(): _file_entry(path)
             for path in sorted(dest.rglob("*")) if path.is_file()}
    last_seq = _last_seq(dest, database)
    manifest = {"format": FORMAT, "created_at": datetime.now(timezone.utc).isoformat(),
                "database": database, "index": INDEX, "last_seq": last_seq, "files": files}
    body = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True)
    manifest["hmac"] = _sign(key, body)
    (dest / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1,
                                            sort_keys=True), "utf-8")
    return Summary(len(files), sum(f["size"] for f in files.values()),
                   time.monotonic() - began, last_seq, dest)


def _backup_database(url: str, dest: Path) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        source = Path(parsed.database or "")
        if not source.is_file():
            raise InputError(f"数据库文件 {source} 不存在")
        _sqlite_copy(source, dest / SQLITE_DB)
        return "sqlite"
    if parsed.get_backend_name() == "postgresql":
        _run(_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file",
             str(dest / PG_DUMP), _libpq(url))
        return "postgresql"
    raise InputError(f"不支持备份此类数据库：{parsed.get_backend_name()}")


def _backup_index(index_dir: Path, target: Path) -> None:
    """The index directory's files (run metadata, written atomically), the OCR cache through
    SQLite's backup; not the engine's index, which the catalog rebuilds."""
    target.mkdir(parents=True)
    for path in sorted(index_dir.iterdir()):
        if path.is_file() and not path.name.startswith(OCR_CACHE_FILE):
            shutil.copy2(path, target / path.name)
    cache = index_dir / OCR_CACHE_FILE
    if cache.is_file():
        _sqlite_copy(cache, target / OCR_CACHE_FILE)


def _rebuild_index(settings: Settings) -> None:
    """Rebuild the configured engine's index from the restored catalog (the record)."""
    from indexer.catalog.store import Catalog
    from indexer.sync import rebuild
    from search_service.engines import open_engine
    from search_service.oversight.derived import Derivation

    engine = open_engine(settings)
    try:
        catalog = Catalog.open(settings.db_url())
        rebuild(engine, catalog, derive=Derivation(catalog.engine, settings.resolved_root()))
    finally:
        engine.close()


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (its online backup API), as one file."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # a self-contained file, no -wal beside it
    finally:
        dst.close()
        src.close()


def _last_seq(dest: Path, database: str) -> int:
    if database != "sqlite":
        return -1  # read from the restored database instead
    with sqlite3.connect(f"file:{dest / SQLITE_DB}?mode=ro", uri=True) as db:
        row = db.execute("SELECT seq FROM audit_head WHERE id = 1").fetchone()
    return row[0] if row else 0


# --- checking and restoring ----------------------------------------------------------------

def verify_snapshot(settings: Settings, src: Path) -> dict[str, Any]:
    """The snapshot's manifest, after checking its HMAC and every file's SHA-256."""
    try:
        manifest = json.loads((src / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise SnapshotError(f"{src} 不是有效的备份：缺少或无法读取 {MANIFEST}") from exc
    if manifest.get("format") != FORMAT:
        raise SnapshotError(f"备份格式 {manifest.get('format')} 不受支持")
    signature = manifest.pop("hmac", "")
    body = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True)
    if not hmac.compare_digest(_sign(settings.audit_key(), body), signature):
        raise SnapshotError("备份清单的签名不符：清单被修改，或服务密钥与备份时不同")
    present = {p.relative_to(src).as_posix() for p in src.rglob("*") if p.is_file()}
    extra = present - set(manifest["files"]) - {MANIFEST}
    if extra:
        raise SnapshotError(f"备份中有清单之外的文件：{sorted(extra)[0]}")
    for name, expected in manifest["files"].items():
        path = src / name
        if not path.is_file():
            raise SnapshotError(f"备份缺少文件 {name}")
        if _file_entry(path) != expected:
            raise SnapshotError(f"备份文件 {name} 的校验和不符（已损坏或被修改）")
    return manifest


def restore(settings: Settings, src: Path, force: bool = False) -> Summary:
    """Verify the snapshot in ``src`` completely, then put it in place of ``settings``' data."""
    from search_service.access.audit import AuditLog
    from search_service.migrate import make_engine

    began = time.monotonic()
    manifest = verify_snapshot(settings, src)
    if manifest["database"] != "sqlite":
        return _restore_postgresql(settings, src, manifest, force, began)
    target_db = Path(make_url(settings.db_url()).database or "")
    if make_url(settings.db_url()).get_backend_name() != "sqlite":
        raise InputError("该备份来自 SQLite 数据库，只能恢复到 SQLite（ARCHIVE_SEARCH_DB 未设或为 sqlite:///…）")
    targets = [target_db, settings.index_dir]
    _check_targets(targets, force)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=_existing_parent(target_db)))
    try:
        staged_db = staging / target_db.name
        shutil.copy2(src / SQLITE_DB, staged_db)
        engine = make_engine(f"sqlite:///{staged_db}")  # upgrades an older schema, too
        status = AuditLog(engine, settings.audit_key()).verify()
        engine.dispose()
        if not status.ok:
            raise SnapshotError(f"备份中的访问日志校验失败，拒绝恢复：{status.message}")
        staged_index = staging / "index"
        shutil.copytree(src / manifest["index"], staged_index)
        _move_aside(targets)
        settings.index_dir.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged_db, target_db)
        shutil.move(str(staged_index), settings.index_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _rebuild_index(settings)
    return Summary(len(manifest["files"]), sum(f["size"] for f in manifest["files"].values()),
                   time.monotonic() - began, status.last_seq, settings.index_dir)


def _restore_postgresql(settings: Settings, src: Path, manifest: dict[str, Any], force: bool,
                        began: float) -> Summary:
    """pg_restore into the configured database, which must hold no tables yet; the chain is
    verified there before the index is put in place."""
    from sqlalchemy import inspect

    from search_service.access.audit import AuditLog
    from search_service.migrate import make_engine

    url = settings.db_url()
    if make_url(url).get_backend_name() != "postgresql":
        raise InputError("该备份来自 PostgreSQL 数据库，请将 ARCHIVE_SEARCH_DB 设为一个空的 PostgreSQL 数据库")
    engine = make_engine(url, migrate=False)
    if inspect(engine).get_table_names():
        raise InputError("目标 PostgreSQL 数据库不是空库；请新建一个空数据库再恢复")
    _check_targets([settings.index_dir], force)
    _run(_pg_tool("pg_restore"), "--no-owner", "--exit-on-error", "--dbname", _libpq(url),
         str(src / PG_DUMP))
    status = AuditLog(make_engine(url), settings.audit_key()).verify()
    if not status.ok:
        raise SnapshotError(f"备份中的访问日志校验失败：{status.message}（数据库已恢复但索引未替换，"
                            "请删除该数据库）")
    _move_aside([settings.index_dir])
    settings.index_dir.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(src / manifest["index"], settings.index_dir)
    _rebuild_index(settings)
    return Summary(len(manifest["files"]), sum(f["size"] for f in manifest["files"].values()),
                   time.monotonic() - began, status.last_seq, settings.index_dir)


def _check_targets(targets: list[Path], force: bool) -> None:
    existing = [t for t in targets if t.exists()]
    if existing and not force:
        raise InputError(f"{existing[0]} 已存在；确认要替换请加 --force（原有文件会被改名保留，不会删除）")


def _move_aside(targets: list[Path]) -> None:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for target in targets:
        if target.exists():
            os.replace(target, target.with_name(f"{target.name}.before-restore-{stamp}"))
        for suffix in ("-wal", "-shm"):  # a SQLite file's companions go with it
            companion = target.with_name(target.name + suffix)
            if companion.exists():
                os.replace(companion, companion.with_name(
                    f"{companion.name}.before-restore-{stamp}"))


def _existing_parent(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.parent


# --- helpers ---------------------------------------------------------------------------------

def _file_entry(path: Path) -> dict[str, Any]:
    return {"size": path.stat().st_size, "sha256": sha256_of(path)}


def _sign(key: bytes, body: str) -> str:
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()


def _libpq(url: str) -> str:
    """A SQLAlchemy URL as the libpq connection string pg_dump and pg_restore take."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not candidates:
        raise InputError(f"找不到 {name}：请安装 PostgreSQL 客户端（apt-get install postgresql-client）")
    return str(candidates[-1])


def _run(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise InputError(f"{Path(command[0]).name} 失败：{done.stderr.strip()[-500:]}")
