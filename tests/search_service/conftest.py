"""A real archive, indexed once per session, and the service built over it.

The archive extends ``tests/factories.build_archive`` with the documents an auditor's
question needs (隐患整改通知书 of several customers, years and statuses), enough billing
notices to page through, a file name that needs RFC 5987 encoding, and a symbolic link that
points outside the archive.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from indexer.catalog.tables import catalog_meta, customers, documents
from indexer.pipeline import run_index
from indexer.records import doc_id_for
from search_service.access.control import Access
from search_service.access.policy import DEFAULT_CITY
from search_service.access.users import User
from search_service.api.app import create_app
from search_service.config import Settings
from search_service.errors import AccountError
from search_service.migrate import make_engine
from tests.factories import CUSTOMERS, build_archive, make_docx, make_txt, write_customers

EXTRA_CUSTOMERS = [
    ["3301000005", "杭州东方化工有限公司", "高压", "大工业", "10kV", "城东供电所",
     "杭州市临平区东方路18号", "13566667777", "91330113MA2D7E8F9G"],
    ["3301000006", "临平宏达机械厂", "高压", "大工业", "10kV", "城西供电所",
     "杭州市临平区宏达路6号", "13455556666", "91330113MA2E1F2G3H"],
    ["3301000007", "王五", "低压居民", "居民生活", "220V", "城东供电所",
     "杭州市上城区望江路3号", "13344445555", "330102197001011230"],
    ["3301000008", "赵六", "低压居民", "居民生活", "220V", "城西供电所",  # no documents yet
     "杭州市西湖区文三路5号", "13233334444", "330106198803035678"],
]
BILLING_MONTHS = 24  # 电费通知单 of 王五: more than one page of results
OUTSIDE_SECRET = "外部机密文件内容"

# The auditor's question: JC03 of 10kV customers of 城东供电所 in 2023, hazards not rectified.
AUDIT_EXPECTED = {
    "城东供电所/3301000001_杭州明远纺织有限公司/用电检查/隐患整改通知书_2023-05-20.pdf",
    "城东供电所/3301000005_杭州东方化工有限公司/用电检查/隐患整改通知书_2023-08-01.docx",
}


def notice(account: str, deadline: str, status: str, hazard: str = "配电房未配备灭火器") -> str:
    return (f"隐患整改通知书\n户号：{account}\n隐患内容：{hazard}\n"
            f"整改期限：{deadline}\n整改状态：{status}\n")


def build_service_archive(root: Path, outside: Path) -> Path:
    build_archive(root)
    write_customers(root, CUSTOMERS + EXTRA_CUSTOMERS)
    east5 = root / "城东供电所" / "3301000005_杭州东方化工有限公司"
    make_docx(east5 / "用电检查" / "隐患整改通知书_2023-08-01.docx", "隐患整改通知书", [
        ("户号", "3301000005"), ("隐患内容", "变压器渗油，接地电阻超标"),
        ("整改期限", "2023年9月1日"), ("整改状态", "逾期"),
    ])
    make_txt(east5 / "用电检查" / "隐患整改通知书_2022-03-10.txt",
             notice("3301000005", "2022年4月10日", "未整改", "电缆沟积水"))
    make_txt(east5 / "用电检查" / "隐患整改通知书_2023-11-02.txt",
             notice("3301000005", "2023年12月2日", "已整改", "安全工器具过期"))
    make_txt(east5 / "用电检查" / "用电检查工作单_2023-08-01.txt",
             "用电检查工作单\n户号：3301000005\n检查结果：发现安全隐患，变压器渗油\n")
    make_docx(east5 / "业扩" / "供电方案答复单 (修订版)_2022-01-05.docx", "供电方案答复单",
              [("户号", "3301000005"), ("供电方案", "10kV 专线供电，容量 1250kVA")])
    west6 = root / "城西供电所" / "3301000006_临平宏达机械厂"
    make_txt(west6 / "用电检查" / "隐患整改通知书_2023-04-04.txt",
             notice("3301000006", "2023年5月4日", "未整改"))
    west4 = root / "城西供电所" / "3301000004_宁波华丰纺织有限公司"
    make_txt(west4 / "用电检查" / "隐患整改通知书_2023-07-07.txt",
             notice("3301000004", "2023年8月7日", "整改中"))
    east7 = root / "城东供电所" / "3301000007_王五" / "电费"
    for n in range(BILLING_MONTHS):
        year, month = 2021 + n // 12, n % 12 + 1
        make_txt(east7 / f"电费通知单_{year}-{month:02d}-05.txt",
                 f"电费通知单\n户号：3301000007\n户名：王五\n{year}年{month}月电费 {100 + n} 元\n")
    make_txt(east7.parent / "备忘_2024-02-02.txt", "备忘\n户号：3301000007\n表箱门锁损坏，已告知。\n")
    secret = make_txt(outside / "secret.txt", f"{OUTSIDE_SECRET}\n户号：3301000007\n")
    (east7.parent / "外部链接.txt").symlink_to(secret)
    return root


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not answer {url}")


TEST_SECRET = "test-secret-not-for-production"


@contextmanager
def serving(archive: "IndexedArchive", **env: str) -> Iterator[str]:
    """``archive-search serve`` over ``archive`` on a free port; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "search_service.cli.main", "serve",
         "--index", str(archive.index_dir), "--root", str(archive.root), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "ARCHIVE_SEARCH_SECRET": TEST_SECRET, **env},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/api/health", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
PASSWORD = "Test-password-2026"
CLI_ADMIN = User("test-admin", "admin", "")


def add_user(app: FastAPI, name: str, role: str, org: str = "") -> None:
    """Create the account unless it exists (several tests share one database)."""
    ensure_user(app.state.access, name, role, org)


def ensure_user(access: "Access | Settings", name: str, role: str, org: str = "") -> None:
    accounts = (access if isinstance(access, Access) else Access(access)).accounts
    try:
        accounts.get(name)
    except AccountError:
        accounts.create_user(CLI_ADMIN, name, PASSWORD, role, org)


def signed_in(target: "Settings | FastAPI", name: str = "archivist", role: str = "archivist",
              org: str = DEFAULT_CITY) -> TestClient:
    """A client of the app signed in as ``name`` (by default a city-level archivist, who
    sees every document unmasked), sending the session's CSRF token on every request."""
    app = target if isinstance(target, FastAPI) else create_app(target)
    add_user(app, name, role, org)
    client = TestClient(app)
    response = client.post("/api/login", json={"username": name, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


def bearer_token(app: FastAPI, name: str = "archivist", role: str = "archivist",
                 org: str = DEFAULT_CITY) -> str:
    add_user(app, name, role, org)  # made by its owner, as over /api/me/tokens
    return app.state.access.accounts.create_token(User(name, role, org), name, "tests")[1]


@dataclass(frozen=True)
class IndexedArchive:
    root: Path
    index_dir: Path

    @classmethod
    def build(cls, root: Path, index_dir: Path) -> "IndexedArchive":
        """Index ``root`` into ``index_dir`` (its catalog beside it) with one worker."""
        run_index(root, index_dir, workers=1, progress=False)
        return cls(root, index_dir)

    def settings(self, **changes: object) -> Settings:
        """The service's settings; a database of its own (``database_url`` of a SQLite file
        not yet there, or an empty PostgreSQL database) starts with a copy of the indexed
        one's catalog."""
        url = str(changes.get("database_url") or "")
        if url:
            with_catalog(self.index_dir, url)
        return Settings(index_dir=self.index_dir, archive_root=self.root,
                        secret_key=TEST_SECRET).with_changes(**changes)

    def private_copy(self, place: Path) -> "IndexedArchive":
        """This archive with its own copy of the index and of the database beside it
        (catalog, accounts, log): a test's loans, handovers, records and engine updates
        stay its own."""
        from tests.searching import copy_index

        return IndexedArchive(self.root, copy_index(self.index_dir, place / "index"))


def with_catalog(index_dir: Path, url: str) -> None:
    """Copy the catalog (not the accounts or the access log) of the database beside
    ``index_dir`` into the database at ``url``, unless that one already has a catalog."""
    target = make_engine(url)
    source = make_engine(f"sqlite:///{index_dir.parent / 'archive-search.db'}", migrate=False)
    try:
        with target.begin() as into:
            if into.execute(select(func.count()).select_from(documents)).scalar():
                return
            with source.connect() as conn:
                for table in (documents, customers, catalog_meta):
                    rows = [dict(r) for r in conn.execute(select(table)).mappings()]
                    if rows:
                        into.execute(table.insert(), rows)
    finally:
        target.dispose()
        source.dispose()


def doc_id(relpath: str) -> str:
    return doc_id_for(relpath)


@pytest.fixture(scope="session")
def indexed_archive(tmp_path_factory: pytest.TempPathFactory) -> IndexedArchive:
    base = tmp_path_factory.mktemp("service")
    root = build_service_archive(base / "archive", base / "outside")
    run_index(root, base / "index", workers=1, progress=False)
    return IndexedArchive(root, base / "index")


@pytest.fixture(scope="session")
def client(indexed_archive: IndexedArchive) -> TestClient:
    return signed_in(indexed_archive.settings())


@pytest.fixture
def own_archive(indexed_archive: IndexedArchive, tmp_path: Path) -> IndexedArchive:
    """A private copy of the indexed archive, for tests that change files or the index."""
    root, index_dir = tmp_path / "archive", tmp_path / "index"
    shutil.copytree(indexed_archive.root, root, symlinks=True)
    shutil.copytree(indexed_archive.index_dir, index_dir)
    with_catalog(indexed_archive.index_dir, f"sqlite:///{tmp_path / 'archive-search.db'}")
    return IndexedArchive(root, index_dir)
