"""Where a request comes from: the request id is the server's (a client's own id is kept
beside it), and X-Forwarded-For is believed only from the proxies named in the settings,
through a real uvicorn server (whose own proxy-header handling must stay off)."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi.testclient import TestClient

from indexer.errors import InputError
from search_service.access.audit import Filters
from search_service.access.policy import DEFAULT_CITY
from search_service.api.app import create_app
from search_service.api.context import client_address
from search_service.config import Settings, parse_proxies
from tests.search_service.conftest import (IndexedArchive, PASSWORD, ensure_user, serving,
                                           signed_in)

PROXIES = parse_proxies("10.0.0.5, 10.1.0.0/16")


@pytest.mark.parametrize("peer,forwarded,expected", [
    ("203.0.113.9", "6.6.6.6", "203.0.113.9"),  # not a proxy: the header is ignored
    ("10.0.0.5", "198.51.100.7", "198.51.100.7"),  # the proxy says who connected
    ("10.0.0.5", "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # a client-written left part
    ("10.0.0.5", "198.51.100.7, 10.1.2.3", "198.51.100.7"),  # two proxies in a row
    ("10.0.0.5", "", "10.0.0.5"),
    ("10.0.0.5", "not-an-address", "10.0.0.5"),
    ("127.0.0.1", "6.6.6.6", "127.0.0.1"),  # loopback is no proxy unless named
])
def test_client_address(peer: str, forwarded: str, expected: str) -> None:
    assert client_address(peer, forwarded, PROXIES) == expected


def test_a_bad_proxy_setting_is_refused_with_its_entry() -> None:
    with pytest.raises(InputError, match="10.0.0.300"):
        Settings.from_env({"ARCHIVE_SEARCH_TRUSTED_PROXIES": "10.0.0.5,10.0.0.300"})


def test_the_request_id_is_the_servers_and_the_clients_is_kept_beside(indexed_archive) -> None:
    app = create_app(indexed_archive.settings())
    client = signed_in(app, "ctx-archivist", "archivist", DEFAULT_CITY)
    answer = client.get("/api/customers/3301000001", headers={"X-Request-ID": "mine-123"})
    server_id = answer.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", server_id)
    _, records = app.state.access.audit.query(Filters(user="ctx-archivist",
                                                      actions=("customer_view",)))
    assert records[0]["request_id"] == server_id
    assert records[0]["details"]["client_request_id"] == "mine-123"
    again = client.get("/api/customers/3301000001", headers={"X-Request-ID": "mine-123"})
    assert again.headers["x-request-id"] != server_id  # a replayed id names nothing twice
    hostile = client.get("/api/customers/3301000001", headers={"X-Request-ID": "<x>\"y"})
    _, records = app.state.access.audit.query(Filters(user="ctx-archivist",
                                                      actions=("customer_view",)))
    assert records[0]["request_id"] == hostile.headers["x-request-id"]
    assert "client_request_id" not in records[0]["details"]


def failed_sign_in_addresses(archive: IndexedArchive, name: str) -> list[str]:
    from search_service.access.control import Access

    _, records = Access(archive.settings()).audit.query(Filters(user=name,
                                                                actions=("login_failed",)))
    return [r["client_ip"] for r in records]


@pytest.mark.parametrize("trusted,expected", [("", "127.0.0.1"), ("127.0.0.1", "6.6.6.6")])
def test_forwarded_for_only_from_a_named_proxy(own_archive: IndexedArchive, trusted: str,
                                               expected: str) -> None:
    name = f"ctx-proxy-{bool(trusted)}"
    ensure_user(own_archive.settings(), name, "clerk", "城东供电所")
    with serving(own_archive, ARCHIVE_SEARCH_TRUSTED_PROXIES=trusted) as base:
        answer = httpx.post(f"{base}/api/login", headers={"X-Forwarded-For": "6.6.6.6"},
                            json={"username": name, "password": PASSWORD + "x"})
        assert answer.status_code == 401
    assert failed_sign_in_addresses(own_archive, name) == [expected]


def test_a_forged_address_does_not_step_around_the_sign_in_limit(indexed_archive) -> None:
    app = create_app(indexed_archive.settings().with_changes(login_address_limit=3))
    ensure_user(app.state.access, "ctx-limit", "clerk", "城东供电所")
    with TestClient(app) as client:
        statuses = [client.post("/api/login", headers={"X-Forwarded-For": f"6.6.6.{n}"},
                                json={"username": "ctx-limit", "password": "wrong"}).status_code
                    for n in range(5)]
    assert statuses[-1] == 429, statuses
