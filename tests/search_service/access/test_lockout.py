"""Existence oracle of the sign-in: a name without an account is answered exactly like an
account, through the whole cycle of failures, lock and unlock; "disabled" is said only to
who knows the password. The access log still tells the auditor the truth."""

from __future__ import annotations

import pytest

from search_service.access.accounts import Accounts
from search_service.access.audit import Filters
from search_service.errors import LoginError
from tests.search_service.access.test_accounts import ADMIN, PASSWORD, accounts, clock  # noqa: F401

WRONG = "Wrong-password-1"


def answers(accounts: Accounts, name: str, password: str = WRONG) -> tuple[int, str]:  # noqa: F811
    with pytest.raises(LoginError) as caught:
        accounts.login(name, password)
    return caught.value.status, caught.value.message


def test_an_unknown_name_answers_like_an_account(accounts, clock) -> None:  # noqa: F811
    accounts.create_user(ADMIN, "zhangwei", PASSWORD, "clerk", "城东供电所")
    for _ in range(7):  # four wrong, the fifth locks, two while locked
        real, unknown = answers(accounts, "zhangwei"), answers(accounts, "nobody")
        assert real == unknown
        clock.advance(seconds=30)
    assert real[0] == 423
    clock.advance(minutes=13)
    assert answers(accounts, "zhangwei", PASSWORD) == answers(accounts, "nobody", PASSWORD)
    clock.advance(minutes=2)  # both locks are over
    assert answers(accounts, "zhangwei") == answers(accounts, "nobody") == (401, "用户名或密码错误")
    _, records = accounts.audit.query(Filters(actions=("login_failed",)), page_size=100)
    reasons = {r["user"]: r["reason"] for r in records}  # the newest per name
    assert reasons == {"zhangwei": "bad_password", "nobody": "unknown_user"}


def test_disabled_is_told_only_with_the_right_password(accounts) -> None:  # noqa: F811
    accounts.create_user(ADMIN, "lisi", PASSWORD, "clerk", "城东供电所")
    accounts.set_disabled(ADMIN, "lisi")
    assert answers(accounts, "lisi") == answers(accounts, "nobody2") == (401, "用户名或密码错误")
    assert "停用" in answers(accounts, "lisi", PASSWORD)[1]
