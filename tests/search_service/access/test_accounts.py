from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from search_service.access.accounts import Accounts, check_password, sessions, tokens, users
from search_service.access.audit import AuditLog, Filters
from search_service.access.users import User
from search_service.errors import AccountError, AccountLockedError, LoginError
from search_service.migrate import make_engine
from tests.search_service.access.test_audit import Clock

ADMIN = User("root", "admin", "")
PASSWORD = "Chengdong-2026"


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc))


@pytest.fixture
def accounts(db_url: str, clock: Clock) -> Accounts:
    engine = make_engine(db_url)
    return Accounts(engine, AuditLog(engine, b"k", clock=clock), clock=clock)


@pytest.fixture
def clerk(accounts: Accounts) -> str:
    accounts.create_user(ADMIN, "zhangwei", PASSWORD, "clerk", "城东供电所")
    return "zhangwei"


def actions(accounts: Accounts) -> list[tuple[str, str, str]]:
    _, rows = accounts.audit.query(Filters(), page_size=100)
    return [(r["action"], r["outcome"], r["reason"]) for r in reversed(rows)]


@pytest.mark.parametrize("password, complaint", [
    ("Ab1-short", "至少需要 10"),
    ("abcdefghij12", "至少三类"),
    ("ABCDEFGHIJKL", "至少三类"),
    ("Zhangwei-2026", "用户名"),
])
def test_password_rules(password: str, complaint: str) -> None:
    with pytest.raises(AccountError, match=complaint):
        check_password(password, "zhangwei")


def test_good_passwords_pass() -> None:
    check_password("Chengdong-2026", "zhangwei")
    check_password("chengdong2026!", "zhangwei")
    check_password("供电所Abc-档案-7391")


def test_password_is_stored_as_argon2_only(accounts: Accounts, clerk: str) -> None:
    with accounts.engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_create_user_checks_role_unit_name_and_duplicates(accounts: Accounts, clerk: str) -> None:
    with pytest.raises(AccountError, match="未知角色"):
        accounts.create_user(ADMIN, "lisi", PASSWORD, "boss", "城东供电所")
    with pytest.raises(AccountError, match="须指定所属供电单位"):
        accounts.create_user(ADMIN, "lisi", PASSWORD, "clerk", "")
    with pytest.raises(AccountError, match="用户名"):
        accounts.create_user(ADMIN, "x", PASSWORD, "auditor", "")
    with pytest.raises(AccountError, match="已存在"):
        accounts.create_user(ADMIN, "zhangwei", PASSWORD, "clerk", "城西供电所")
    accounts.create_user(ADMIN, "审计员甲", PASSWORD, "auditor", "")
    assert [u.name for u in accounts.list_users()] == ["zhangwei", "审计员甲"]
    assert actions(accounts) == [("user_create", "allowed", "")] * 2


def test_login_opens_a_session_and_is_logged(accounts: Accounts, clerk: str) -> None:
    session = accounts.login("zhangwei", PASSWORD)
    assert session.user == User("zhangwei", "clerk", "城东供电所")
    assert accounts.session(session.token).csrf_token == session.csrf_token
    with accounts.engine.connect() as conn:
        assert conn.execute(select(sessions.c.token_hash)).scalar_one() != session.token
    accounts.logout(session)
    assert accounts.session(session.token) is None
    assert [a for a, _, _ in actions(accounts)] == ["user_create", "login", "logout"]


def test_unknown_user_and_wrong_password_look_the_same(accounts: Accounts, clerk: str) -> None:
    with pytest.raises(LoginError) as unknown:
        accounts.login("nobody", PASSWORD)
    with pytest.raises(LoginError) as wrong:
        accounts.login("zhangwei", "Wrong-password-1")
    assert unknown.value.message == wrong.value.message
    assert actions(accounts)[1:] == [("login_failed", "denied", "unknown_user"),
                                     ("login_failed", "denied", "bad_password")]


def test_five_failures_lock_the_account_for_15_minutes(accounts: Accounts, clerk: str,
                                                       clock: Clock) -> None:
    for _ in range(4):
        with pytest.raises(LoginError) as caught:
            accounts.login("zhangwei", "Wrong-password-1")
        assert not isinstance(caught.value, AccountLockedError)
    with pytest.raises(AccountLockedError):
        accounts.login("zhangwei", "Wrong-password-1")
    clock.advance(minutes=14)
    with pytest.raises(AccountLockedError, match="1 分钟后"):
        accounts.login("zhangwei", PASSWORD)  # even the right password
    clock.advance(minutes=1, seconds=1)
    assert accounts.login("zhangwei", PASSWORD).user.name == "zhangwei"
    reasons = [r for a, _, r in actions(accounts) if a == "login_failed"]
    assert reasons == ["bad_password"] * 4 + ["locked_now", "locked"]


def test_a_success_resets_the_failure_count(accounts: Accounts, clerk: str) -> None:
    for _ in range(4):
        with pytest.raises(LoginError):
            accounts.login("zhangwei", "Wrong-password-1")
    accounts.login("zhangwei", PASSWORD)
    for _ in range(4):
        with pytest.raises(LoginError) as caught:
            accounts.login("zhangwei", "Wrong-password-1")
        assert not isinstance(caught.value, AccountLockedError)


def test_idle_sessions_end(accounts: Accounts, clerk: str, clock: Clock) -> None:
    session = accounts.login("zhangwei", PASSWORD)
    clock.advance(minutes=29)
    assert accounts.session(session.token) is not None  # use keeps it alive
    clock.advance(minutes=29)
    assert accounts.session(session.token) is not None
    clock.advance(minutes=31)
    assert accounts.session(session.token) is None
    assert accounts.session(session.token) is None


def test_sessions_end_after_max_age_even_when_busy(accounts: Accounts, clerk: str,
                                                   clock: Clock) -> None:
    session = accounts.login("zhangwei", PASSWORD)
    for _ in range(12 * 3):
        clock.advance(minutes=20)
        assert accounts.session(session.token) is not None
    clock.advance(minutes=1)
    assert accounts.session(session.token) is None


def test_disabling_ends_live_sessions_and_tokens(accounts: Accounts, clerk: str) -> None:
    session = accounts.login("zhangwei", PASSWORD)
    _, secret = accounts.create_token(ADMIN, "zhangwei", "nightly report")
    assert accounts.token_user(secret).name == "zhangwei"
    accounts.set_disabled(ADMIN, "zhangwei")
    assert accounts.session(session.token) is None
    assert accounts.token_user(secret) is None
    with pytest.raises(LoginError, match="停用"):
        accounts.login("zhangwei", PASSWORD)
    accounts.set_disabled(ADMIN, "zhangwei", disabled=False)
    assert accounts.token_user(secret).name == "zhangwei"
    assert [a for a, _, _ in actions(accounts)][-3:] == ["user_disable", "login_failed",
                                                        "user_enable"]


def test_role_change_and_password_reset_end_sessions(accounts: Accounts, clerk: str) -> None:
    session = accounts.login("zhangwei", PASSWORD)
    assert accounts.set_role(ADMIN, "zhangwei", "inspector").role == "inspector"
    assert accounts.session(session.token) is None
    session = accounts.login("zhangwei", PASSWORD)
    accounts.reset_password(ADMIN, "zhangwei", "Another-pass-9")
    assert accounts.session(session.token) is None
    with pytest.raises(LoginError):
        accounts.login("zhangwei", PASSWORD)
    assert accounts.login("zhangwei", "Another-pass-9").user.role == "inspector"


def test_tokens_are_hashed_and_revocable(accounts: Accounts, clerk: str) -> None:
    token_id, secret = accounts.create_token(ADMIN, "zhangwei", "script")
    with accounts.engine.connect() as conn:
        assert secret not in conn.execute(select(tokens.c.token_hash)).scalar_one()
    assert accounts.token_user(secret) == User("zhangwei", "clerk", "城东供电所",
                                               token_id=token_id, issued_by="root")
    assert accounts.token_user(secret + "x") is None
    accounts.revoke_token(ADMIN, token_id)
    assert accounts.token_user(secret) is None
    assert accounts.list_tokens("zhangwei")[0]["revoked"] is True
    with pytest.raises(AccountError):
        accounts.revoke_token(ADMIN, 999)
    assert [a for a, _, _ in actions(accounts)][-2:] == ["token_create", "token_revoke"]


def test_a_token_notes_its_use_at_most_once_a_minute(accounts: Accounts, clerk: str,
                                                     clock: Clock) -> None:
    """The read path writes nothing but its log record: last_used moves once a minute."""
    _, secret = accounts.create_token(ADMIN, "zhangwei", "script")
    first = clock.now
    accounts.token_user(secret)
    for _ in range(5):
        clock.advance(seconds=11)
        accounts.token_user(secret)
    assert accounts.list_tokens("zhangwei")[0]["last_used"] == first.isoformat()
    clock.advance(seconds=5)  # 60 s after the first use
    accounts.token_user(secret)
    assert accounts.list_tokens("zhangwei")[0]["last_used"] == clock.now.isoformat()
