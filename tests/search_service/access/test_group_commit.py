"""Group commit of access-log appends: many threads at once lose no record, keep one valid
chain with an exact count in fewer transactions than records, keep each request's own
details; a failed commit fails every member; a process killed mid-group loses no record it
acknowledged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text

from search_service.access.audit import (AuditLog, Event, Filters, RequestInfo, current_request,
                                         records)
from search_service.access.users import User
from search_service.errors import AuditWriteError
from search_service.migrate import make_engine

ROOT = Path(__file__).parents[3]
KEY = b"test-audit-key"


def test_many_threads_append_into_one_chain_in_fewer_commits(db_url: str) -> None:
    log = AuditLog(make_engine(db_url), KEY)
    threads, each = 16, 25
    start = threading.Barrier(threads)
    acknowledged: list[tuple[int, str, str]] = []
    lock = threading.Lock()

    def reader(n: int) -> None:
        user = User(f"u{n:02d}", "clerk", "城东供电所")
        current_request.set(RequestInfo(f"10.0.0.{n}", "script", f"req-{n}"))
        start.wait()
        for i in range(each):
            row = log.append(Event.by(user, "document_view", target_doc=f"d{n}-{i}"))
            with lock:
                acknowledged.append((row["seq"], row["user"], row["client_ip"]))

    workers = [threading.Thread(target=reader, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    status = log.verify()
    assert status.ok, status.message
    assert status.checked == status.last_seq == threads * each
    assert sorted(seq for seq, _, _ in acknowledged) == list(range(1, threads * each + 1))
    for n in range(threads):  # each record kept its own thread's user and request
        assert log.query(Filters(user=f"u{n:02d}"))[0] == each
    assert all(ip == f"10.0.0.{int(user[1:])}" for _, user, ip in acknowledged)
    assert log._group.commits < threads * each  # grouped, not one commit per record


def test_a_failed_commit_fails_every_member(db_url: str) -> None:
    log = AuditLog(make_engine(db_url), KEY)
    log.append(Event("login", "zhangwei"))
    with log.engine.begin() as conn:
        conn.execute(text("DROP TABLE audit_records"))
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            log.append(Event("login", "lisi"))
        except AuditWriteError as exc:
            errors.append(exc)

    workers = [threading.Thread(target=reader) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(errors) == 8


KILLED = """
import sys, threading
from search_service.access.audit import AuditLog, Event
from search_service.migrate import make_engine
from search_service.access.users import User
log = AuditLog(make_engine(sys.argv[1]), b"test-audit-key")
out = threading.Lock()
def reader(n):
    user = User(f"u{n}", "clerk", "城东供电所")
    for i in range(100000):
        row = log.append(Event.by(user, "document_view", target_doc=f"d{n}-{i}"))
        with out:
            print(row["seq"], row["hash"], flush=True)
for n in range(12):
    threading.Thread(target=reader, args=(n,)).start()
"""


def test_a_process_killed_mid_group_loses_no_acknowledged_record(db_url: str) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("the crash is of the process holding the database file")
    make_engine(db_url)
    proc = subprocess.Popen([sys.executable, "-c", KILLED, db_url], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    acknowledged = {}
    for line in proc.stdout:
        seq, digest = line.split()
        acknowledged[int(seq)] = digest
        if len(acknowledged) >= 400:
            break
    os.kill(proc.pid, signal.SIGKILL)  # threads are mid-append, a group mid-commit
    proc.wait(timeout=30)
    log = AuditLog(make_engine(db_url), KEY)
    status = log.verify()
    assert status.ok, status.message
    with log.engine.connect() as conn:
        stored = dict(conn.execute(select(records.c.seq, records.c.hash)).all())
    assert all(stored.get(seq) == digest for seq, digest in acknowledged.items())
    assert status.last_seq >= max(acknowledged)
