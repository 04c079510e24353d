import csv
import io
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from indexer.errors import InputError
from search_service.access.alerts import AlertRules, find_alerts
from search_service.access.audit import (DENIED, AuditLog, Event, Filters, RequestInfo,
                                         current_request)
from search_service.access.users import User
from search_service.errors import AuditWriteError
from search_service.migrate import make_engine
from search_service.timefmt import beijing

ROOT = Path(__file__).parents[3]
KEY = b"test-audit-key"
CLERK = User("zhangwei", "clerk", "城东供电所")


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def log(db_url: str) -> AuditLog:
    return AuditLog(make_engine(db_url), KEY)


def read_doc(log: AuditLog, n: int, user: User = CLERK, account: str = "3301000001") -> None:
    for i in range(n):
        log.append(Event.by(user, "document_view", target_doc=f"doc{i:04d}",
                            target_account=account))


def sql(log: AuditLog, statement: str) -> None:
    with log.engine.begin() as conn:
        conn.execute(text(statement))


def test_records_carry_who_what_where_and_chain(log: AuditLog) -> None:
    token = current_request.set(RequestInfo("10.1.2.3", "Mozilla/5.0 测试", "req-1"))
    try:
        first = log.append(Event.by(CLERK, "document_view", target_doc="abc",
                                    target_account="3301000001", details={"q": "明远"}))
    finally:
        current_request.reset(token)
    second = log.append(Event("login_failed", "nobody", outcome=DENIED, reason="unknown_user"))
    assert (first["seq"], second["seq"]) == (1, 2)
    assert second["prev_hash"] == first["hash"] != second["hash"]
    assert first["at"].endswith("Z") and first["client_ip"] == "10.1.2.3"
    total, rows = log.query(Filters())
    assert total == 2 and [r["seq"] for r in rows] == [2, 1]
    assert rows[1]["details"] == {"q": "明远"} and rows[1]["user_agent"] == "Mozilla/5.0 测试"
    assert rows[1]["request_id"] == "req-1" and rows[0]["outcome"] == "denied"
    assert log.verify().ok and log.verify().checked == 2


def test_changed_row_is_named(log: AuditLog) -> None:
    read_doc(log, 5)
    sql(log, "UPDATE audit_records SET target_account = '3301000002' WHERE seq = 3")
    status = log.verify()
    assert not status.ok and (status.first_bad, status.problem) == (3, "altered")
    assert "第 3 号" in status.message


def test_deleted_row_is_named(log: AuditLog) -> None:
    read_doc(log, 5)
    sql(log, "DELETE FROM audit_records WHERE seq = 2")
    status = log.verify()
    assert (status.ok, status.first_bad, status.problem) == (False, 2, "deleted")


def test_deleted_newest_rows_are_named(log: AuditLog) -> None:
    read_doc(log, 5)
    sql(log, "DELETE FROM audit_records WHERE seq >= 4")
    status = log.verify()
    assert (status.ok, status.first_bad, status.problem) == (False, 4, "deleted")


def test_inserted_row_is_named(log: AuditLog) -> None:
    read_doc(log, 3)
    row = log.query(Filters())[1][0]
    sql(log, "INSERT INTO audit_records SELECT 4, at, user, role, org, action, outcome, reason,"
             " target_doc, target_account, client_ip, user_agent, request_id, details,"
             f" '{row['hash']}', hash FROM audit_records WHERE seq = 3")
    status = log.verify()
    assert (status.ok, status.first_bad, status.problem) == (False, 4, "inserted")


def test_recomputed_hash_without_the_key_is_caught(log: AuditLog) -> None:
    """Editing a row and recomputing a plain SHA-256 hash does not make it pass."""
    import hashlib

    read_doc(log, 3)
    forged = hashlib.sha256(b"forged").hexdigest()
    sql(log, f"UPDATE audit_records SET \"user\" = 'lisi', hash = '{forged}' WHERE seq = 2")
    status = log.verify()
    assert (status.first_bad, status.problem) == (2, "altered")


def test_a_different_key_fails_verification(log: AuditLog) -> None:
    read_doc(log, 2)
    assert not AuditLog(log.engine, b"another key").verify().ok


APPENDER = """
import sys
from search_service.access.audit import AuditLog, Event
from search_service.migrate import make_engine
from search_service.access.users import User
log = AuditLog(make_engine(sys.argv[1]), b"test-audit-key")
user = User(sys.argv[2], "clerk", "城东供电所")
for i in range(int(sys.argv[3])):
    log.append(Event.by(user, "document_view", target_doc=f"d{i}", target_account="3301000001"))
"""


def test_several_processes_appending_at_once_leave_one_chain(db_url: str) -> None:
    make_engine(db_url)
    per_process, names = 40, ["p1", "p2", "p3", "p4"]
    procs = [subprocess.Popen([sys.executable, "-c", APPENDER, db_url, name, str(per_process)],
                              cwd=ROOT) for name in names]
    assert [p.wait(timeout=120) for p in procs] == [0] * len(names)
    log = AuditLog(make_engine(db_url), KEY)
    status = log.verify()
    assert status.ok, status.message
    assert status.checked == status.last_seq == per_process * len(names)
    for name in names:
        assert log.query(Filters(user=name))[0] == per_process


def test_failing_write_raises_service_unavailable(log: AuditLog) -> None:
    sql(log, "DROP TABLE audit_records")
    with pytest.raises(AuditWriteError) as caught:
        read_doc(log, 1)
    assert caught.value.status == 503


def test_append_inside_a_failing_transaction_leaves_nothing(log: AuditLog) -> None:
    from search_service.db import serialized

    with pytest.raises(RuntimeError):
        with serialized(log.engine) as conn:
            log.append(Event.by(CLERK, "search"), conn)
            raise RuntimeError("the caller's change failed")
    assert log.query(Filters())[0] == 0 and log.verify().ok
    read_doc(log, 1)
    assert log.verify().ok and log.verify().last_seq == 1


def test_filters_and_paging(log: AuditLog) -> None:
    other = User("lisi", "inspector", "市供电公司")
    read_doc(log, 3)
    read_doc(log, 2, user=other, account="3301000002")
    log.append(Event.by(other, "document_view", outcome=DENIED, reason="out_of_scope",
                        target_doc="zzz"))
    assert log.query(Filters(user="lisi"))[0] == 3
    assert log.query(Filters(account="3301000002"))[0] == 2
    assert log.query(Filters(doc="doc0001"))[0] == 2
    assert log.query(Filters(outcome="denied"))[1][0]["target_doc"] == "zzz"
    assert log.query(Filters(actions=("search",)))[0] == 0
    total, page2 = log.query(Filters(), page=2, page_size=4)
    assert total == 6 and [r["seq"] for r in page2] == [2, 1]
    now = datetime.now(timezone.utc)
    assert log.query(Filters(since=now - timedelta(minutes=1)))[0] == 6
    assert log.query(Filters(until=now - timedelta(minutes=1)))[0] == 0


def test_csv_export_opens_in_excel(log: AuditLog) -> None:
    log.append(Event.by(CLERK, "search", details={"q": "=cmd|' /C calc'!A0", "hits": 3}))
    data = "".join(log.export_csv()).encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["序号", "时间（北京时间）", "时间（UTC）", "用户", "角色"]
    assert rows[1][1] == beijing(rows[1][2]) and rows[1][2].endswith("Z")
    assert rows[1][3] == "zhangwei" and rows[1][6] == "检索" and rows[1][9] == "允许"
    assert "检索词：=cmd|' /C calc'!A0" in rows[1][14]
    assert rows[0][17] == "详情（原始 JSON，哈希所覆盖）" and '"hits":3' in rows[1][17]
    assert rows[1][4] == "营业员"


def test_csv_reasons_roles_and_details_read_in_chinese(log: AuditLog) -> None:
    log.append(Event.by(CLERK, "document_view", outcome=DENIED, reason="out_of_scope",
                        details={"loan": 7, "masked": True}))
    row = list(csv.reader(io.StringIO("".join(log.export_csv())[1:])))[1]
    assert (row[4], row[9], row[10]) == ("营业员", "拒绝", "超出可查阅范围")
    assert row[14] == "借阅单：7；遮蔽：是"


def test_csv_cells_cannot_start_a_formula(log: AuditLog) -> None:
    log.append(Event("login_failed", "=HYPERLINK(\"x\")", outcome=DENIED))
    rows = list(csv.reader(io.StringIO("".join(log.export_csv())[1:])))
    assert rows[1][3].startswith("'=")


def test_alert_for_many_customers_in_an_hour(db_url: str) -> None:
    clock = Clock(datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc))  # Monday 10:00 in China
    log = AuditLog(make_engine(db_url), KEY, clock=clock)
    for n in range(6):
        clock.advance(minutes=5)
        log.append(Event.by(CLERK, "customer_view", target_account=f"33010000{n:02d}"))
    alerts = find_alerts(log, AlertRules(max_customers_per_hour=5), since=clock.now - timedelta(days=1),
                        until=clock.now + timedelta(seconds=1))
    assert [a.kind for a in alerts] == ["bulk_read"]
    assert alerts[0].user == "zhangwei" and alerts[0].seqs == (1, 2, 3, 4, 5, 6)
    quiet = find_alerts(log, AlertRules(max_customers_per_hour=6), since=clock.now - timedelta(days=1),
                       until=clock.now + timedelta(seconds=1))
    assert quiet == []


def test_alert_for_reads_outside_working_hours(db_url: str) -> None:
    clock = Clock(datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc))  # Monday 09:00 in China
    log = AuditLog(make_engine(db_url), KEY, clock=clock)
    log.append(Event.by(CLERK, "document_view", target_doc="in-hours"))
    clock.advance(hours=13)  # 22:00 in China
    log.append(Event.by(CLERK, "document_view", target_doc="late"))
    clock.advance(days=5)  # Saturday
    log.append(Event.by(CLERK, "search"))
    alerts = find_alerts(log, AlertRules(), since=clock.now - timedelta(days=7),
                        until=clock.now + timedelta(seconds=1))
    assert sorted((a.kind, a.seqs) for a in alerts) == [("after_hours", (2,)),
                                                        ("after_hours", (3,))]


def test_alert_for_repeated_denials(db_url: str) -> None:
    clock = Clock(datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc))
    log = AuditLog(make_engine(db_url), KEY, clock=clock)
    for _ in range(4):
        clock.advance(minutes=1)
        log.append(Event("login_failed", "wangwu", outcome=DENIED, reason="bad_password"))
    window = {"since": clock.now - timedelta(hours=2), "until": clock.now + timedelta(seconds=1)}
    assert find_alerts(log, AlertRules(max_denials=5), **window) == []
    log.append(Event.by(CLERK, "document_view", outcome=DENIED, reason="out_of_scope"))
    clock.advance(minutes=1)
    log.append(Event("login_failed", "wangwu", outcome=DENIED, reason="locked"))
    window["until"] = clock.now + timedelta(seconds=1)
    alerts = find_alerts(log, AlertRules(max_denials=5), **window)
    assert [(a.kind, a.user, a.count) for a in alerts] == [("denials", "wangwu", 5)]


def test_prune_keeps_180_days_exports_and_logs_itself(db_url: str, tmp_path: Path) -> None:
    clock = Clock(datetime(2025, 1, 1, 2, 0, tzinfo=timezone.utc))
    log = AuditLog(make_engine(db_url), KEY, clock=clock)
    read_doc(log, 3)
    clock.advance(days=100)
    read_doc(log, 2)
    clock.advance(days=200)
    admin = User("root", "admin", "")
    with pytest.raises(InputError):
        log.prune(clock.now - timedelta(days=10), tmp_path / "early.csv", admin)
    removed = log.prune(clock.now - timedelta(days=250), tmp_path / "old.csv", admin)
    assert removed == 3
    exported = list(csv.reader(io.StringIO((tmp_path / "old.csv").read_text("utf-8-sig"))))
    assert [row[0] for row in exported[1:]] == ["1", "2", "3"]
    status = log.verify()
    assert status.ok and status.checked == 3, status.message  # 4, 5 and the prune record
    prune = log.query(Filters(actions=("audit_prune",)))[1][0]
    assert prune["details"]["through_seq"] == 3 and prune["details"]["count"] == 3
    sql(log, "UPDATE audit_head SET base_seq = 4")
    assert not log.verify().ok


def test_pruning_past_checkpoints_keeps_the_quick_check_sound(db_url: str, tmp_path: Path) -> None:
    clock = Clock(datetime(2025, 1, 1, 2, 0, tzinfo=timezone.utc))
    log = AuditLog(make_engine(db_url), KEY, clock=clock)
    read_doc(log, 3)
    assert log.verify().ok  # checkpoint through 3
    clock.advance(days=300)
    read_doc(log, 2)
    assert log.verify().ok  # checkpoint through 5
    log.prune(clock.now - timedelta(days=200), tmp_path / "old.csv", User("root", "admin", ""))
    read_doc(log, 1)
    for status in (log.verify_recent(), log.verify()):
        assert status.ok, status.message


# --- checkpoints: the quick check the auditor's page runs -----------------------------------

def test_the_quick_check_rechecks_only_what_is_new(log: AuditLog) -> None:
    read_doc(log, 30)
    full = log.verify()
    assert full.ok and (full.checked, full.vouched) == (30, 0)
    read_doc(log, 4)
    quick = log.verify_recent()
    assert quick.ok and (quick.checked, quick.vouched) == (4, 30), quick.message
    assert "校验点" in quick.message


def test_the_quick_check_catches_tampering_with_what_checkpoints_cover(log: AuditLog) -> None:
    read_doc(log, 10)
    assert log.verify().ok
    read_doc(log, 10)
    assert log.verify().ok  # checkpoints through 10 and 20
    sql(log, "UPDATE audit_records SET target_doc = 'x' WHERE seq = 10")  # an anchor
    status = log.verify_recent()
    assert not status.ok and "第 10 号记录" in status.message


def test_the_quick_check_catches_deleted_old_records_and_forged_checkpoints(log: AuditLog) -> None:
    read_doc(log, 10)
    assert log.verify().ok
    sql(log, "DELETE FROM audit_records WHERE seq = 4")
    assert not log.verify_recent().ok
    sql(log, "UPDATE audit_checkpoints SET through_seq = 3")
    status = log.verify_recent()
    assert not status.ok and "校验点" in status.message


def test_a_full_verify_still_checks_every_record(log: AuditLog) -> None:
    """An old record altered (not an anchor) escapes the quick check by design; the full
    ``audit verify`` finds it."""
    read_doc(log, 10)
    assert log.verify().ok
    sql(log, "UPDATE audit_records SET target_doc = 'x' WHERE seq = 5")
    assert log.verify_recent().ok
    status = log.verify()
    assert (status.ok, status.first_bad, status.problem) == (False, 5, "altered")
