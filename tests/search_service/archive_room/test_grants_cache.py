"""A borrower's grants are kept per service instance and read again as soon as a loan
changes in any instance on the same database: two apps, one database, a clerk searching
on one while an archivist approves and takes back the loan on the other."""

from __future__ import annotations

from pathlib import Path

from search_service.api.app import create_app
from tests.search_service.archive_room.conftest import USERS
from tests.search_service.conftest import IndexedArchive, signed_in

WEST = "3301000002"  # 张三丰, 城西供电所


def west_count(client) -> int:
    facets = client.get("/api/search?q=").json()["facets"]["org"]
    return next((f["count"] for f in facets if f["value"] == "城西供电所"), 0)


def test_a_loan_changed_in_another_instance_is_seen_at_the_next_read(
        indexed_archive: IndexedArchive, tmp_path: Path) -> None:
    settings = indexed_archive.private_copy(tmp_path).settings()
    first, second = create_app(settings), create_app(settings)
    clerk = signed_in(first, "clerk_east", *USERS["clerk_east"])
    archivist = signed_in(second, "archivist_west", *USERS["archivist_west"])
    cache = first.state.reader.room.lending.grants_cache

    assert west_count(clerk) == 0
    loaded = cache.loads
    assert west_count(clerk) == 0 and cache.loads == loaded  # kept: no loan read again
    loan = clerk.post("/api/loans", json={"accounts": [WEST], "purpose": "业务办理",
                                          "days": 7}).json()
    assert archivist.post(f"/api/loans/{loan['id']}/approve", json={}).status_code == 200
    assert west_count(clerk) > 0  # approved in the other instance: seen at once
    assert clerk.get(f"/api/customers/{WEST}").status_code == 200
    assert archivist.post(f"/api/loans/{loan['id']}/return").status_code == 200
    assert west_count(clerk) == 0  # taken back there: gone here
    assert clerk.get(f"/api/customers/{WEST}").status_code == 404
    assert first.state.access.audit.verify().ok
