"""Schema migrations on SQLite and PostgreSQL: fresh databases reach head, databases of the
previous schema upgrade in place with their data, and the models never drift from the
migrations (a table added without a migration fails here)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, insert, inspect, select, text

from search_service.access.accounts import users
from search_service.access.audit import GENESIS, AuditLog, head, records
from search_service.db import Base, utcnow
from search_service.migrate import load_models, make_engine
from search_service.migrate import INITIAL, current_revision, head_revision, upgrade

KEY = b"test-audit-key"


def revision_of(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return current_revision(conn)


def test_a_new_database_is_migrated_to_head(db_url: str) -> None:
    engine = make_engine(db_url)
    assert revision_of(engine) == head_revision()
    assert {"users", "sessions", "api_tokens", "audit_records", "audit_head", "documents",
            "customers", "audit_checkpoints", "alembic_version"} <= set(
        inspect(engine).get_table_names())


def test_the_models_match_the_migrations(db_url: str) -> None:
    """Base.metadata (every module in MODEL_MODULES) equals the schema the migrations build:
    a table or column added to the models without a migration shows up as a difference."""
    engine = make_engine(db_url)
    load_models()
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def seed_previous_schema(engine: Engine) -> None:
    """A user and two chained access-log records, written as the previous schema holds them."""
    log = AuditLog.__new__(AuditLog)
    log.key = KEY
    now = utcnow()
    rows, prev = [], GENESIS
    for seq in (1, 2):
        row = {"seq": seq, "at": "2026-01-0%dT00:00:00.000000Z" % seq, "user": "zhangwei",
               "role": "clerk", "org": "城东供电所", "action": "document_view",
               "outcome": "allowed", "reason": "", "target_doc": f"d{seq}",
               "target_account": "3301000001", "client_ip": "", "user_agent": "",
               "request_id": "", "details": "{}", "prev_hash": prev}
        row["hash"] = prev = log.digest(row)
        rows.append(row)
    with engine.begin() as conn:
        conn.execute(insert(users).values(
            name="zhangwei", role="clerk", org="城东供电所", password_hash="x",
            disabled=False, failed_logins=0, created_at=now, password_changed_at=now))
        conn.execute(insert(records), rows)
        conn.execute(insert(head).values(id=1, seq=2, hash=prev, base_seq=0, base_hash=GENESIS))


def assert_upgraded_with_data(db_url: str) -> None:
    engine = make_engine(db_url)
    assert revision_of(engine) == head_revision()
    with engine.connect() as conn:
        assert conn.execute(select(users.c.org).where(users.c.name == "zhangwei")).scalar() \
            == "城东供电所"
    status = AuditLog(engine, KEY).verify()
    assert status.ok and status.checked == 2, status.message


def test_a_database_of_the_previous_schema_upgrades_in_place(db_url: str) -> None:
    old = make_engine(db_url, migrate=False)
    upgrade(old, INITIAL)
    assert revision_of(old) == INITIAL
    seed_previous_schema(old)
    old.dispose()
    assert_upgraded_with_data(db_url)


@pytest.mark.parametrize("previous", [INITIAL, "0002"])
def test_a_database_made_before_migrations_existed_is_recognised(db_url: str,
                                                                 previous: str) -> None:
    """Databases made by ``create_all`` (no alembic_version) are recognised by their tables:
    as on main before the catalog (0001), and with the catalog (0002)."""
    old = make_engine(db_url, migrate=False)
    upgrade(old, previous)
    seed_previous_schema(old)
    with old.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
    assert revision_of(old) is None
    old.dispose()
    assert_upgraded_with_data(db_url)


def test_db_commands_report_and_upgrade(db_url: str, capsys) -> None:
    from search_service.cli.main import main

    old = make_engine(db_url, migrate=False)
    upgrade(old, INITIAL)
    old.dispose()
    if head_revision() != INITIAL:
        assert main(["db", "status", "--db", db_url]) == 1
        assert "需要升级" in capsys.readouterr().out
        assert main(["db", "upgrade", "--db", db_url]) == 0
        assert f"升级到 {head_revision()}" in capsys.readouterr().out
    assert main(["db", "status", "--db", db_url]) == 0
    assert "已是最新" in capsys.readouterr().out
    assert main(["db", "upgrade", "--db", db_url]) == 0
    assert "无需升级" in capsys.readouterr().out


def test_accounts_and_tokens_survive_the_duties_upgrade(db_url: str) -> None:
    """A database at the head before 0006_duties, with accounts of every old role and two
    tokens (one whose token_create record is in the log, one whose record was pruned):
    every account keeps its role and unit, each token learns its creator, the chain holds."""
    from search_service.access.accounts import tokens

    old = make_engine(db_url, migrate=False)
    upgrade(old, "0005")
    seed_previous_schema(old)  # zhangwei (clerk) and two chained records
    now = utcnow()
    log = AuditLog.__new__(AuditLog)
    log.key = KEY
    with old.begin() as conn:
        prev = conn.execute(select(head.c.hash)).scalar()
        row = {"seq": 3, "at": "2026-01-03T00:00:00.000000Z", "user": "root", "role": "admin",
               "org": "", "action": "token_create", "outcome": "allowed", "reason": "",
               "target_doc": "", "target_account": "", "client_ip": "", "user_agent": "",
               "request_id": "", "details": '{"label":"夜间报表","name":"zhangwei","token_id":1}',
               "prev_hash": prev}
        row["hash"] = log.digest(row)
        conn.execute(insert(records).values(**row))
        conn.execute(head.update().values(seq=3, hash=row["hash"]))
        for name, role in (("root", "admin"), ("checker", "auditor")):
            conn.execute(insert(users).values(
                name=name, role=role, org="", password_hash="x", disabled=False,
                failed_logins=0, created_at=now, password_changed_at=now))
        user_id = conn.execute(select(users.c.id).where(users.c.name == "zhangwei")).scalar()
        for token_id in (1, 2):
            conn.execute(text("INSERT INTO api_tokens (id, user_id, label, token_hash, "
                              "created_at) VALUES (:id, :user, 'script', :hash, :at)"),
                         {"id": token_id, "user": user_id, "hash": f"h{token_id}", "at": now})
    old.dispose()

    engine = make_engine(db_url)
    assert revision_of(engine) == head_revision()
    with engine.connect() as conn:
        accounts = conn.execute(select(users.c.name, users.c.role, users.c.org)
                                .order_by(users.c.name)).all()
        creators = conn.execute(select(tokens.c.id, tokens.c.created_by)
                                .order_by(tokens.c.id)).all()
    assert [tuple(a) for a in accounts] == [("checker", "auditor", ""), ("root", "admin", ""),
                                            ("zhangwei", "clerk", "城东供电所")]
    assert [tuple(c) for c in creators] == [(1, "root"), (2, "升级前签发（签发人不明）")]
    status = AuditLog(engine, KEY).verify()
    assert status.ok and status.checked == 3, status.message
