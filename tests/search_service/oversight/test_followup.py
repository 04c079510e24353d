"""The follow-up work lists over the fixture archive: exact rows, scope, dates."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import insert, update

from search_service.archive_room.rules import load_rules
from search_service.archive_room.tables import handover_batches, handover_items
from search_service.migrate import make_engine
from search_service.oversight import followup
from search_service.oversight.followup import add_months
from tests.search_service.oversight.conftest import (EAST, EXPIRED_SIGNED, EXPIRING_SIGNED,
                                                     LATE, TODAY, WEST, ago)


def run(archive, func, *args):
    engine = make_engine(archive.settings().db_url())
    with engine.connect() as conn:
        return func(conn, *args)


def test_overdue_hazards_only_without_a_later_receipt(oversight_archive) -> None:
    rows = run(oversight_archive, followup.overdue_hazards, None, TODAY)
    assert [(r["account_no"], r["rectify_deadline"], r["days_overdue"]) for r in rows] == [
        ("3302000001", ago(70).isoformat(), 70)]
    assert run(oversight_archive, followup.overdue_hazards, [WEST], TODAY) == []
    # before its JC05 was written, 3302000002's notice was overdue too
    earlier = run(oversight_archive, followup.overdue_hazards, None, ago(66))
    assert [r["account_no"] for r in earlier] == ["3302000001", "3302000002"]


def test_contracts_expired_and_expiring(oversight_archive) -> None:
    rules = load_rules(oversight_archive.root)
    rows = run(oversight_archive, followup.contracts, rules, None, TODAY, 90)
    assert [(r["account_no"], r["doc_date"], r["state"]) for r in rows] == [
        ("3302000003", EXPIRED_SIGNED.isoformat(), "已过期"),
        ("3302000001", EXPIRING_SIGNED.isoformat(), "即将到期")]
    assert rows[1]["expires"] == add_months(EXPIRING_SIGNED, 36).isoformat()
    assert 0 < rows[1]["days_left"] <= 31 and rows[0]["days_left"] < 0
    assert run(oversight_archive, followup.contracts, rules, None, TODAY, 10) == rows[:1]
    assert run(oversight_archive, followup.contracts, rules, [WEST], TODAY, 90) == []


def test_overdue_inspections(oversight_archive) -> None:
    rules = load_rules(oversight_archive.root)
    rows = run(oversight_archive, followup.overdue_inspections, rules, None, TODAY)
    assert [(r["account_no"], r["interval_months"], r["last_inspection"]) for r in rows] == [
        ("3302000001", 12, ago(400).isoformat()), ("3302000004", 24, "从未检查")]
    assert rows[1]["due"] == add_months(ago(800), 24).isoformat()
    every = run(oversight_archive, followup.inspection_state, rules, [EAST], TODAY)
    assert [(r["account_no"], r["overdue"]) for r in every] == [
        ("3302000001", True), ("3302000002", False)]


def test_late_filings(oversight_archive) -> None:
    rules = load_rules(oversight_archive.root)
    rows = run(oversight_archive, followup.late_filings, rules, None)
    assert len(rows) == LATE
    assert {(r["account_no"], r["doc_type"]) for r in rows} == {
        ("3302000001", "YK11"), ("3302000001", "JC01"), ("3302000001", "JC03"),
        ("3302000002", "YK11"), ("3302000002", "JC01"), ("3302000002", "JC03"),
        ("3302000002", "JC05"), ("3302000003", "YK11"), ("3302000004", "YK13")}
    assert all(r["filed"] == TODAY.isoformat() and r["days"] > 30 for r in rows)
    west = run(oversight_archive, followup.late_filings, rules, [WEST])
    assert [(r["doc_type"], r["days"]) for r in west] == [("YK13", 800)]
    assert run(oversight_archive, followup.late_filings, rules, None, ago(400), ago(1)) == []


def test_add_months() -> None:
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 3, 15), -3) == date(2023, 12, 15)


def test_a_handover_accepted_is_the_filing_date(oversight_archive, tmp_path) -> None:
    """Once the archive room accepted a document's handover, that is when it was filed."""
    own = oversight_archive.private_copy(tmp_path)
    rules = load_rules(own.root)
    [late] = run(own, followup.late_filings, rules, [WEST])  # the YK13 of 800 days ago
    accepted = datetime.combine(date.fromisoformat(late["doc_date"]) + timedelta(days=10),
                                time(9), timezone.utc)
    engine = make_engine(own.settings().db_url())
    with engine.begin() as conn:
        batch = conn.execute(insert(handover_batches).values(
            batch_no="YJ-test", org="城西供电所", accounts="[]", submitted_by="clerk",
            submitted_at=accepted, status="已接收")).inserted_primary_key[0]
        conn.execute(insert(handover_items).values(
            batch_id=batch, doc_id=late["doc_id"], account_no=late["account_no"],
            status="已接收", decided_by="archivist", decided_at=accepted))
    assert run(own, followup.late_filings, rules, [WEST]) == []  # filed 10 days after its date
    with engine.begin() as conn:
        conn.execute(update(handover_items).values(decided_at=accepted + timedelta(days=60)))
    [again] = run(own, followup.late_filings, rules, [WEST])
    assert again["days"] == 70
    assert again["filed"] == (accepted + timedelta(days=60)).date().isoformat()
