"""Tests for search_service/api/demo_hints.py: the hints ``archive-search user demo`` prints
lead each account to what they promise, on the demo's sample archive."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from search_service.api.app import create_app
from search_service.config import Settings

HINT = re.compile(r"营业员（clerk）：检索“(?P<brand>[^”]+)”，打开“(?P<name>[^”]+)”（(?P<org>[^）]+)）的客户档案")


def user_demo(index: Path, *args: str) -> tuple[str, dict[str, str]]:
    """``archive-search user demo``: its output and the printed passwords by user name."""
    env = {**os.environ, "ARCHIVE_SEARCH_DEMO": "1", "ARCHIVE_SEARCH_INDEX": str(index)}
    result = subprocess.run([sys.executable, "-m", "search_service.cli.main", "user", "demo",
                             *args], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    passwords = dict(re.findall(r"用户名 (\S+)\t密码 (\S+)", result.stdout))
    return result.stdout, passwords


@pytest.mark.parametrize("station", ["", "白塔供电所"])
def test_the_clerks_hint_finds_and_opens_a_customer_of_the_clerks_unit(
        demo_index: Path, station: str) -> None:
    output, passwords = user_demo(demo_index, *(["--org", station] if station else []))
    hint = HINT.search(output)
    assert hint, output
    assert hint["org"] == (station or "城东供电所")
    client = TestClient(create_app(Settings(index_dir=demo_index, demo=True)))
    response = client.post("/api/login", json={"username": "clerk", "password": passwords["clerk"]})
    assert response.status_code == 200, response.text
    hits = client.get("/api/search", params={"q": hint["brand"]}).json()["hits"]
    promised = [h for h in hits if h["customer_name"] == hint["name"]]
    assert promised and {h["org"] for h in hits} == {hint["org"]}
    customer = client.get(f"/api/customers/{promised[0]['account_no']}")
    assert customer.status_code == 200 and customer.json()["total"] > 0


def test_every_account_gets_a_hint(demo_index: Path) -> None:
    output, passwords = user_demo(demo_index)
    hints = output.split("登录后可以试试：", 1)[1]
    for name in passwords:
        assert f"（{name}）：" in hints, name
    # each administrator is sent to what their own duty may do (三员分立)
    assert "（admin）：打开“用户管理”，新建一个账户" in hints
    assert "（secadmin）：打开“用户管理”，把系统管理员新建的账户设为营业员" in hints
