"""Common and leaked passwords are refused, through the rules and through HTTP, with a
Chinese message; passwords a person makes up from unrelated parts pass."""

from __future__ import annotations

import pytest

from search_service.access.accounts import check_password
from search_service.access.passwords import local_words, too_common
from search_service.errors import AccountError
from tests.search_service.conftest import signed_in

COMMON = ["Password@123", "P@ssw0rd2024", "Admin@123456", "Qwerty@2024", "Abc@123456",
          "Welcome@2026", "Aa123456789!", "Sgcc@123456", "Woaini@1314", "1qaz@WSX3edc",
          "Hangzhou@2026", "Dianli@12345", "Zhangsan@123"]
FINE = ["Chengdong-2026", "Test-password-2026", "Lamp7-river-Tea", "供电所Abc-档案-7391",
        "mango!Cellar42river"]


@pytest.mark.parametrize("password", COMMON)
def test_common_passwords_are_refused(password: str) -> None:
    assert too_common(password, "lisi")
    with pytest.raises(AccountError, match="过于常见"):
        check_password(password, "lisi")


@pytest.mark.parametrize("password", FINE)
def test_made_up_passwords_pass(password: str) -> None:
    check_password(password, "lisi")


def test_the_shipped_list_is_read() -> None:
    words = local_words()
    assert "5201314" in words and "sgcc" in words and not any(w.startswith("#") for w in words)


def test_an_administrator_cannot_set_a_common_password(indexed_archive) -> None:
    admin = signed_in(indexed_archive.settings(), "pw-admin", "admin", "")
    refused = admin.post("/api/admin/users", json={"name": "pw-clerk", "role": "pending",
                                                   "org": "", "password": "Password@123"})
    assert refused.status_code == 400, refused.text
    assert "过于常见" in refused.json()["error"]["message"]
