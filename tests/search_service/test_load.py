"""Load and a killed worker against ``archive-search serve --workers 2`` on loopback, on
SQLite and PostgreSQL: 50 signed-in users of mixed roles for a fixed, short time.

Every request carries its own request id, so afterwards each one is looked up in the access
log: exactly one record per answered request, none lost, none doubled, and the chain
verifies. Figures for a longer run: bench/bench_load.py and docs/operations.md.
"""

from __future__ import annotations

import os
import signal
import time

import pytest

from search_service.access.control import Access
from search_service.access.policy import DEFAULT_CITY
from tests.load import log_counts, make_users, run_load, served, sign_in_users, worker_pids
from tests.load import discover
from tests.search_service.conftest import TEST_SECRET, IndexedArchive

LOAD_SECONDS = 8


@pytest.fixture
def installation(indexed_archive: IndexedArchive, db_url: str):
    settings = indexed_archive.settings(database_url=db_url)
    access = Access(settings)
    return settings, access, make_users(access)


def city_archivist(names: list[str]) -> int:
    return next(n for n, name in enumerate(names) if name.startswith("load_archivist_city"))


def test_fifty_users_of_mixed_roles_no_5xx_one_record_per_read(installation) -> None:
    settings, access, names = installation
    with served(settings.index_dir, settings.archive_root, settings.db_url(),
                TEST_SECRET) as (base, _):
        clients = sign_in_users(base, names)
        targets = discover(clients[city_archivist(names)])
        result = run_load(clients, targets, LOAD_SECONDS)
    print(result.report())
    assert len(result.outcomes) > 100
    failed = [o for o in result.outcomes if o.status == 0 or o.status >= 500]
    assert not failed, failed[:5]
    assert {o.status for o in result.outcomes} >= {200, 404}  # reads, and refusals of scope
    assert {o.kind for o in result.outcomes if o.status == 200} >= {
        "search", "document", "customer", "page_pdf", "download"}
    counts = log_counts(access, {o.request_id for o in result.outcomes})
    wrong = [(o.kind, o.status, counts.get(o.request_id, 0)) for o in result.outcomes
             if counts.get(o.request_id, 0) != 1]
    assert not wrong, wrong[:10]
    status = access.audit.verify()
    assert status.ok, status.message


def test_a_worker_killed_mid_request_loses_and_doubles_nothing(installation) -> None:
    settings, access, names = installation
    with served(settings.index_dir, settings.archive_root, settings.db_url(),
                TEST_SECRET) as (base, server):
        clients = sign_in_users(base, names)
        targets = discover(clients[city_archivist(names)])
        killed_at: list[float] = []

        def kill_one_worker() -> None:
            time.sleep(2)
            victim = worker_pids(server.pid)[0]
            os.kill(victim, signal.SIGKILL)
            killed_at.append(time.monotonic())

        import threading

        killer = threading.Thread(target=kill_one_worker)
        killer.start()
        began = time.monotonic()
        result = run_load(clients, targets, 6)
        killer.join()
        after_kill = killed_at[0] - began
    print(result.report())
    assert not [o for o in result.outcomes if o.status >= 500]
    assert [o for o in result.outcomes if o.status and o.started > after_kill + 0.5], \
        "the service kept serving after the worker died"
    counts = log_counts(access, {o.request_id for o in result.outcomes})
    assert all(counts.get(o.request_id, 0) == 1 for o in result.outcomes if o.status)
    assert all(counts.get(o.request_id, 0) <= 1 for o in result.outcomes)  # cut off: 0 or 1
    status = access.audit.verify()
    assert status.ok, status.message
