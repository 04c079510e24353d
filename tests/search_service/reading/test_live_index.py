"""The service serves a newer index commit without a restart, and a missing index is a 503."""

from __future__ import annotations

import shutil


from indexer.pipeline import run_index
from tests.factories import make_txt
from tests.search_service.conftest import signed_in

NEW_FILE = "城东供电所/3301000007_王五/用电检查/用电检查工作单_2024-03-01.txt"


def test_a_new_commit_is_served_without_restart(own_archive):
    client = signed_in(own_archive.settings())
    before = client.get("/api/health").json()
    assert client.get("/api/search", params={"q": "避雷器"}).json()["total"] == 0
    make_txt(own_archive.root / NEW_FILE, "用电检查工作单\n户号：3301000007\n检查发现避雷器损坏\n")
    run_index(own_archive.root, own_archive.index_dir, workers=1, progress=False)
    body = client.get("/api/search", params={"q": "避雷器"}).json()
    assert [h["path"] for h in body["hits"]] == [NEW_FILE]
    after = client.get("/api/health").json()
    assert after["documents"] == before["documents"] + 1
    assert after["generation"] > before["generation"]


def test_a_deleted_file_disappears_after_the_next_run(own_archive):
    client = signed_in(own_archive.settings())
    assert client.get("/api/search", params={"q": "张三丰"}).json()["total"] == 1
    shutil.rmtree(own_archive.root / "城西供电所" / "3301000002_张三丰")
    run_index(own_archive.root, own_archive.index_dir, workers=1, progress=False)
    assert client.get("/api/search", params={"q": "张三丰"}).json()["total"] == 0


def test_missing_index_is_503_until_the_indexer_creates_it(own_archive, tmp_path):
    settings = own_archive.settings(index_dir=tmp_path / "later")
    client = signed_in(settings)
    for url in ("/api/search?q=明远", "/api/customers/3301000001",
                "/api/documents/0123456789abcdef"):
        response = client.get(url)
        assert response.status_code == 503, url
        assert response.json()["error"]["code"] == "unavailable"
        assert "archive-search index" in response.json()["error"]["message"]
    health = client.get("/api/health")
    assert health.status_code == 200 and health.json()["status"] == "no_index"
    run_index(own_archive.root, tmp_path / "later", workers=1, progress=False)
    assert client.get("/api/search", params={"q": "明远"}).json()["total"] == 3
    assert client.get("/api/health").json()["status"] == "ok"


def test_health_reports_index_facts(client):
    body = client.get("/api/health").json()
    assert body["status"] == "ok" and body["documents"] > 30
    assert body["last_commit"].startswith("20")


def test_the_first_search_of_a_new_day_refreshes_the_date_driven_facets(own_archive):
    """Whether a hazard is overdue or a contract expired changes with the date: the service
    re-projects every document in the background on the first search of a new day."""
    import time
    from datetime import date

    from search_service.engines import open_engine
    from search_service.engines.pairing import projected_day
    from search_service.engines.projection import PROJECTION_VERSION
    from tests.searching import catalog_of

    settings = own_archive.settings()
    catalog, engine = catalog_of(own_archive.index_dir), open_engine(settings)
    catalog.set_meta(f"projected:{engine.name}", f"{PROJECTION_VERSION}:2000-01-01")  # as of an older day
    before = engine.generation()
    client = signed_in(settings)
    assert client.get("/api/search", params={"q": "明远"}).json()["total"] > 0
    deadline = time.monotonic() + 30
    while projected_day(engine, catalog) != date.today().isoformat():
        assert time.monotonic() < deadline, "the day's catch-up did not run"
        time.sleep(0.1)
    assert engine.generation() != before  # every document written again
    assert client.get("/api/search", params={"q": "明远"}).json()["total"] > 0
    engine.close()
