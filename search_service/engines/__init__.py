"""Search engines: projections of the document catalog behind one interface (``base``).

:func:`open_engine` is the one place an engine is chosen, by the ``ARCHIVE_SEARCH_ENGINE``
setting (``whoosh``, the embedded default; ``tantivy``, embedded too, for larger
archives; ``manticore``: searchd nodes named by
``ARCHIVE_SEARCH_MANTICORE_NODES``, see docs/manticore.md). Catalog rows become engine records in
``projection``; ``sync`` catches an engine up with the catalog or rebuilds it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from indexer.errors import InputError

if TYPE_CHECKING:
    from search_service.config import Settings
    from search_service.engines.base import SearchEngine

ENGINES = ("whoosh", "tantivy", "manticore")


def whoosh_home(index_dir: Path) -> Path:
    """Where the Whoosh engine keeps its builds, inside the index directory."""
    return index_dir / "whoosh"


def tantivy_home(index_dir: Path) -> Path:
    """Where the tantivy engine keeps its builds, inside the index directory."""
    return index_dir / "tantivy"


def open_engine(settings: "Settings", name: str | None = None) -> "SearchEngine":
    """The engine named by ``name`` or the settings (``search_engine``)."""
    chosen = (name or settings.search_engine or "whoosh").strip().lower()
    if chosen == "whoosh":
        from search_service.engines.whoosh import WhooshEngine

        return WhooshEngine(whoosh_home(settings.index_dir))
    if chosen == "tantivy":
        from search_service.engines.tantivy import TantivyEngine

        return TantivyEngine(tantivy_home(settings.index_dir))
    if chosen == "manticore":
        from search_service.engines.manticore import ManticoreEngine

        return ManticoreEngine.from_settings(settings)
    raise InputError(f"不支持的检索引擎“{chosen}”，可选：{'、'.join(ENGINES)}")
