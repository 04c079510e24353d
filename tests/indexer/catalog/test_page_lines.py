"""The OCR lines kept per scanned page (indexer.catalog.page_lines), on SQLite and PostgreSQL:
kept and read back as found, scaled to the size a viewer draws the page at, and the first
writer's lines stand when two keep the same page."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from indexer.catalog.page_lines import LineStore, PageLines
from indexer.catalog.tables import page_lines
from search_service.migrate import make_engine

SHA = "ab" * 32
ID_LINE = ((120.0, 40.5, 610.25, 80.0), "身份证号：330102198502023456")
PHONE_LINE = ((120.0, 130.0, 500.0, 170.0), "联系电话：138 1234 5678")


@pytest.fixture
def store(db_url: str) -> LineStore:
    return LineStore(make_engine(db_url))


def test_lines_are_kept_per_content_and_page(store: LineStore) -> None:
    store.put(SHA, [PageLines(0, 1000, 420, (ID_LINE, PHONE_LINE)), PageLines(2, 800, 600, ())])
    assert store.get(SHA, 0) == PageLines(0, 1000, 420, (ID_LINE, PHONE_LINE))
    assert store.get(SHA, 2) == PageLines(2, 800, 600, ())
    assert store.get(SHA, 1) is None and store.get("cd" * 32, 0) is None


def test_the_first_keeper_of_a_page_stands(store: LineStore) -> None:
    store.put(SHA, [PageLines(0, 1000, 420, (ID_LINE,))])
    store.put(SHA, [PageLines(0, 1000, 420, (PHONE_LINE,)), PageLines(1, 1000, 420, (PHONE_LINE,))])
    assert store.get(SHA, 0).lines == (ID_LINE,)
    assert store.get(SHA, 1).lines == (PHONE_LINE,)
    with store.engine.connect() as conn:
        assert len(conn.execute(select(page_lines)).all()) == 2


def test_lines_from_a_worker_or_the_ocr_cache_json_are_read_alike() -> None:
    found = (3, 1000, 420, (ID_LINE,))
    assert PageLines.of(json.loads(json.dumps(found))) == PageLines.of(found) == PageLines(
        3, 1000, 420, (ID_LINE,))


def test_boxes_are_scaled_to_the_size_the_page_is_drawn_at() -> None:
    kept = PageLines(0, 1000, 400, (((100.0, 40.0, 600.0, 80.0), "x"),))
    assert kept.scaled(2000, 800) == (((200.0, 80.0, 1200.0, 160.0), "x"),)
    assert kept.scaled(1000, 400) == kept.lines
