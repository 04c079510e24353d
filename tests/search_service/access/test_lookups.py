"""The personal-number lookup rule (``docs/security.md``): complete numbers only, each lookup
recorded, at most ``number_lookups`` an hour for a role that sees numbers masked, refused
beyond (429) and shown to the auditor."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from indexer.pipeline import run_index
from search_service.access.audit import Filters
from search_service.api.app import create_app
from search_service.config import Settings
from search_service.errors import TooManyLookupsError
from search_service.reading.search import SearchParams
from tests.factories import CUSTOMERS, make_txt, write_customers
from tests.search_service.conftest import TEST_SECRET, ensure_user, signed_in, with_catalog

ORG = "城东供电所"
ID_NUMBER = "330102198706234417"
MOBILE = "13758629034"
TEXT = (f"用电检查工作单\n户号：3301000101\n证件号码：{ID_NUMBER}\n"
        "联系电话：137-5862-9034\n现场检查正常")


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("lookups")
    root = base / "archive"
    write_customers(root, CUSTOMERS)
    make_txt(root / ORG / "3301000101_钱七" / "检查" / "用电检查工作单.txt", TEXT)
    run_index(root, base / "index", workers=1, progress=False)
    return base


def _app(indexed: Path, db_url: str, **changes: object) -> FastAPI:
    """The service over the indexed archive, on a database (SQLite or PostgreSQL) of this
    test's own: the catalog copied in, accounts and access log new."""
    with_catalog(indexed / "index", db_url)
    return create_app(Settings(index_dir=indexed / "index", archive_root=indexed / "archive",
                               secret_key=TEST_SECRET, database_url=db_url, **changes))


@pytest.fixture
def app(indexed: Path, db_url: str) -> FastAPI:
    return _app(indexed, db_url)


def total(client: TestClient, q: str) -> int:
    response = client.get("/api/search", params={"q": q})
    assert response.status_code == 200, response.text
    return response.json()["total"]


@pytest.mark.parametrize("role", ["clerk", "archivist"])
def test_only_a_complete_number_matches(app: FastAPI, role: str) -> None:
    client = signed_in(app, f"lk-{role}", role, ORG)
    for complete in (ID_NUMBER, "330102 19870623 4417", "３３０１０２１９８７０６２３４４１７",
                     MOBILE, "+86 137 5862 9034"):
        assert total(client, complete) == 1, complete
    for fragment in ("19870623", "330102", "4417", "3301021987", "0623", "5862", "1375862",
                     "137-5862", "58629034"):
        assert total(client, fragment) == 0, fragment


def _records(app: FastAPI, user: str, action: str) -> list[dict]:
    return app.state.access.audit.query(Filters(user=user, actions=(action,)), 1, 200)[1]


def test_the_21st_lookup_in_an_hour_is_refused_logged_and_alerted(app: FastAPI) -> None:
    clerk = signed_in(app, "lk-counter", "clerk", ORG)
    for n in range(20):
        assert total(clerk, ID_NUMBER if n % 2 else MOBILE) == 1
    assert total(clerk, "用电检查") == 1  # an ordinary search is no lookup and still works
    refused = clerk.get("/api/search", params={"q": ID_NUMBER})
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_lookups"
    assert "一小时内" in refused.json()["error"]["message"]
    assert refused.headers["Retry-After"] == "3600"
    page = clerk.get("/", params={"q": "+86 137 5862 9034"})  # the page says it in Chinese
    assert page.status_code == 429 and "一小时内" in page.text

    lookups = _records(app, "lk-counter", "number_lookup")
    assert [r["outcome"] for r in lookups].count("allowed") == 20
    denied = [r for r in lookups if r["outcome"] == "denied"]
    assert len(denied) == 2 and {r["reason"] for r in denied} == {"lookup_limit"}
    first = lookups[-1]  # newest first
    assert first["details"]["numbers"] == ["137****9034"] and first["details"]["lookup"] == 1
    assert ID_NUMBER not in str(lookups) and MOBILE not in str(lookups)
    assert first["details"]["total"] == 1 and first["action_label"] == "个人号码查询"
    assert len(_records(app, "lk-counter", "search")) == 1  # each read: exactly one record

    auditor = signed_in(app, "lk-auditor", "auditor")
    alerts = auditor.get("/api/audit/alerts").json()["alerts"]
    mine = [a for a in alerts if a["kind"] == "number_lookups" and a["user"] == "lk-counter"]
    assert len(mine) == 1 and mine[0]["label"] == "个人号码查询超限"


def test_roles_that_see_numbers_are_not_limited(app: FastAPI) -> None:
    archivist = signed_in(app, "lk-archivist-many", "archivist", ORG)
    for _ in range(21):
        assert total(archivist, ID_NUMBER) == 1
    assert _records(app, "lk-archivist-many", "number_lookup") == []
    assert len(_records(app, "lk-archivist-many", "search")) == 21


def test_the_limit_is_a_setting_and_holds_under_concurrency(indexed: Path, db_url: str) -> None:
    app = _app(indexed, db_url, number_lookups=5)
    ensure_user(app.state.access, "lk-threads", "clerk", ORG)
    user = app.state.access.accounts.get("lk-threads")
    reader = app.state.reader
    outcomes: list[str] = []

    def lookup() -> None:
        try:
            reader.search(user, SearchParams(q=ID_NUMBER))
            outcomes.append("answered")
        except TooManyLookupsError:
            outcomes.append("refused")

    threads = [threading.Thread(target=lookup) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["answered"] * 5 + ["refused"] * 7
    lookups = _records(app, "lk-threads", "number_lookup")
    assert [r["outcome"] for r in lookups].count("allowed") == 5


def test_the_setting_must_be_positive() -> None:
    from indexer.errors import InputError

    with pytest.raises(InputError, match="NUMBER_LOOKUPS"):
        Settings.from_env({"ARCHIVE_SEARCH_NUMBER_LOOKUPS": "0"})
