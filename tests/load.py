"""A bounded loopback load driver, shared by the load and fault tests and bench/bench_load.py.

``served`` starts ``archive-search serve --workers N`` on a free 127.0.0.1 port (its own
process group, stopped at the end); ``sign_in_users`` signs in users of mixed roles;
``run_load`` has each of them search, open documents and customers, view page images of
text PDFs and scans and download files for a fixed time, sending its own ``X-Request-ID``
with every request: the server records it beside its own id, so each request can be found in
the access log afterwards, even one whose connection died.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Load-password-2026"
QUERIES = ("明远", "用电", "合同", "隐患整改", "电费", "3301000001", "杭州", "张三丰", "变压器")
# Mixed roles as a city company has them: (role, unit, how many of 50)
ROLE_MIX = (("clerk", "城东供电所", 16), ("clerk", "城西供电所", 14), ("inspector", "", 10),
            ("archivist", "城东供电所", 5), ("archivist", "", 4), ("auditor", "", 1))


@dataclass
class Outcome:
    kind: str
    status: int  # 0: the connection failed (no answer)
    seconds: float
    request_id: str
    started: float


@dataclass
class LoadResult:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    def answered(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status]

    def percentile(self, share: float, kind: str = "") -> float:
        times = sorted(o.seconds for o in self.answered() if not kind or o.kind == kind)
        return times[min(len(times) - 1, int(share * len(times)))] if times else 0.0

    def throughput(self) -> float:
        return len(self.answered()) / self.seconds if self.seconds else 0.0

    def report(self) -> str:
        lines = [f"{len(self.outcomes)} 个请求，{self.seconds:.1f} 秒，{self.throughput():.1f} 个/秒；"
                 f"p50 {self.percentile(0.5) * 1000:.0f} ms，p95 {self.percentile(0.95) * 1000:.0f} ms"]
        for kind in sorted({o.kind for o in self.outcomes}):
            mine = [o for o in self.outcomes if o.kind == kind]
            statuses = statistics.multimode([o.status for o in mine])
            lines.append(f"  {kind:9s} {len(mine):5d} 个  p50 {self.percentile(0.5, kind) * 1000:5.0f} ms"
                         f"  p95 {self.percentile(0.95, kind) * 1000:5.0f} ms  常见状态 {statuses}")
        return "\n".join(lines)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served(index_dir: Path, root: Path, db_url: str, secret: str, workers: int = 2
           ) -> Iterator[tuple[str, subprocess.Popen]]:
    """A real server on loopback with ``workers`` processes; (base URL, its process)."""
    port = _free_port()
    env = {**os.environ, "ARCHIVE_SEARCH_SECRET": secret, "ARCHIVE_SEARCH_DB": db_url,
           "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "search_service.cli.main", "serve", "--index", str(index_dir),
         "--root", str(root), "--port", str(port), "--workers", str(workers)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {process.stdout.read()}")
            try:
                with urllib.request.urlopen(f"{base}/api/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("server did not answer") from None
                time.sleep(0.2)
        yield base, process
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)  # the server and its workers
            process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def worker_pids(server_pid: int) -> list[int]:
    """The server's worker processes (its children that are not multiprocessing helpers)."""
    children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
    pids = []
    for pid in map(int, children):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"resource_tracker" not in cmdline:
            pids.append(pid)
    return pids


def make_users(access, count: int = 50) -> list[str]:
    """``count`` accounts of mixed roles (created once; names are stable)."""
    from search_service.access.policy import DEFAULT_CITY
    from search_service.access.users import User
    from search_service.errors import AccountError

    admin, names = User("load-admin", "admin", ""), []
    for role, unit, many in ROLE_MIX:
        for n in range(many * count // 50):
            name = f"load_{role}_{unit or 'city'}_{n}"
            try:
                access.accounts.create_user(admin, name, PASSWORD, role,
                                            unit or (DEFAULT_CITY if role == "archivist" else ""))
            except AccountError:
                pass  # made by an earlier run
            names.append(name)
    return names


def sign_in_users(base: str, names: list[str]) -> list[httpx.Client]:
    clients = []
    for name in names:
        client = httpx.Client(base_url=base, timeout=30)
        response = client.post("/api/login", json={"username": name, "password": PASSWORD})
        response.raise_for_status()
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        client.headers["X-Load-User"] = name
        clients.append(client)
    return clients


SCAN_TYPES = frozenset({"jpg", "jpeg", "png", "tif", "tiff", "bmp"})


@dataclass
class Targets:
    """What the users read: documents, 户号, and documents with page images by kind."""

    docs: list[str]
    accounts: list[str]
    pdf_pages: list[str] = field(default_factory=list)
    scan_pages: list[str] = field(default_factory=list)


def discover(client: httpx.Client) -> Targets:
    """Document ids and 户号 to read, from a search as a city-level user."""
    hits = []
    for query in QUERIES:
        hits += client.get("/api/search", params={"q": query, "page_size": 50}).json()["hits"]
    return Targets(sorted({h["doc_id"] for h in hits}),
                   sorted({h["account_no"] for h in hits if h["account_no"]}),
                   sorted({h["doc_id"] for h in hits if h["file_type"] == "pdf"}),
                   sorted({h["doc_id"] for h in hits if h["file_type"] in SCAN_TYPES}))


def _request(client: httpx.Client, targets: Targets, rng: random.Random) -> tuple[str, str]:
    if "auditor" in client.headers["X-Load-User"]:
        return "audit", "/api/audit/events?page_size=20"
    roll = rng.random()
    if roll < 0.4:
        return "search", f"/api/search?q={rng.choice(QUERIES)}"
    if roll < 0.6:
        return "document", f"/api/documents/{rng.choice(targets.docs)}"
    if roll < 0.72:
        return "customer", f"/api/customers/{rng.choice(targets.accounts)}"
    if roll < 0.82 and targets.pdf_pages:
        return "page_pdf", f"/api/documents/{rng.choice(targets.pdf_pages)}/pages/1.png"
    if roll < 0.9 and targets.scan_pages:
        return "page_scan", f"/api/documents/{rng.choice(targets.scan_pages)}/pages/1.png"
    return "download", f"/api/documents/{rng.choice(targets.docs)}/file"


def run_load(clients: list[httpx.Client], targets: Targets, seconds: float, seed: int = 0
             ) -> LoadResult:
    """Every client in its own thread, one request after another, for ``seconds``."""
    result, lock = LoadResult(), threading.Lock()
    began = time.monotonic()
    deadline = began + seconds

    def user(client: httpx.Client, n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        while time.monotonic() < deadline:
            kind, path = _request(client, targets, rng)
            request_id = uuid.uuid4().hex
            started = time.monotonic()
            try:
                status = client.get(path, headers={"X-Request-ID": request_id}).status_code
            except httpx.HTTPError:
                status = 0
            with lock:
                result.outcomes.append(Outcome(kind, status, time.monotonic() - started,
                                               request_id, started - began))

    threads = [threading.Thread(target=user, args=(c, n)) for n, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - began
    return result


def log_counts(access, request_ids: set[str]) -> dict[str, int]:
    """How many access-log records each of ``request_ids`` (ids the clients sent, which the
    server keeps beside its own in the details) has."""
    import json

    from sqlalchemy import select

    from search_service.access.audit import records

    counts: dict[str, int] = {}
    with access.engine.connect() as conn:
        for (details,) in conn.execute(select(records.c.details).where(
                records.c.details.like('%"client_request_id"%'))):
            sent = json.loads(details).get("client_request_id", "")
            if sent in request_ids:
                counts[sent] = counts.get(sent, 0) + 1
    return counts
