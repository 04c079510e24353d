"""Whether a search index and a catalog belong together.

The engine is a projection of one catalog: it remembers the last catalog batch it committed,
and the catalog stamps every engine that caught up from it (:func:`projected_day`);
the first few documents the index returns must be in the catalog. An
index served with another database (another ``--db``, a fresh file) would answer searches
with totals and facet counts but no hits, since hits are read from the catalog; it is refused
instead, at start-up and whenever the index changes, with a message naming both.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from indexer.catalog.store import Catalog
from search_service.engines.base import SearchEngine, SearchRequest
from search_service.errors import IndexMismatchError

SAMPLE = 5  # documents of the index looked up in the catalog


def check_pairing(engine: SearchEngine, catalog: Catalog, index_dir: Path, db_url: str) -> None:
    """Raise :class:`IndexMismatchError` when ``engine`` holds batches ``catalog`` never wrote or
    was never caught up from it; an engine that holds nothing yet always passes."""
    applied = engine.applied_batch()
    if not applied:
        return
    found = _disagreement(engine, catalog, applied)
    if not found:
        return
    raise IndexMismatchError(
        f"索引与档案目录数据库不匹配（{found}）：索引 {Path(index_dir).resolve()}，"
        f"数据库 {shown_url(db_url)}。请用建立该索引时的数据库（环境变量 ARCHIVE_SEARCH_DB），"
        "或运行 archive-search reindex 从当前数据库重建索引")


def _disagreement(engine: SearchEngine, catalog: Catalog, applied: int) -> str:
    """How index and catalog disagree, "" when they agree: batches, the catalog's stamp of
    the engine, and whether the first documents the index returns are in the catalog."""
    last = catalog.last_batch()
    if not last:
        return "数据库中没有任何档案目录"
    if applied > last:
        return f"索引含第 {applied} 批，数据库中的档案目录只到第 {last} 批"
    if not projected_day(engine, catalog):
        return "该索引不是由这个数据库建立的"
    sampled = [hit.doc_id for hit in engine.search(SearchRequest(limit=SAMPLE)).hits]
    if sampled and all(catalog.get(doc_id) is None for doc_id in sampled):
        return "索引中的档案在数据库的档案目录中都找不到"
    return ""


def shown_url(url: str) -> str:
    """A database URL fit for a message: its password hidden."""
    return make_url(url).render_as_string(hide_password=True)


def projected_day(engine: SearchEngine, catalog: Catalog) -> str:
    """The day ``engine``'s date-driven fields are as of ("" when never projected)."""
    return catalog.meta(stamp_key(engine)).partition(":")[2]


def stamp_key(engine: SearchEngine) -> str:
    """The catalog's meta key under which a catch-up stamps ``engine`` (version and day)."""
    return f"projected:{engine.name}"
