"""Real searchd processes (Sphinx 2.2 from Debian's sphinxsearch, or Manticore) on free
loopback ports in temporary directories, stopped after the tests that started them, and the
service's fixture archive projected into a two-shard cluster from its catalog."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest

from indexer.catalog.store import Catalog
from indexer.sync import rebuild
from search_service.db import default_url
from search_service.engines.manticore import ManticoreEngine
from search_service.engines.manticore.nodes import Topology
from search_service.engines.manticore.searchd import (Searchd, local_topology, start_cluster,
                                                      stop_all)
from tests.search_service.conftest import IndexedArchive
from tests.searching import catalog_of


@dataclass
class Cluster:
    topology: Topology
    nodes: list[Searchd]

    def engine(self, **kwargs: Any) -> ManticoreEngine:
        return ManticoreEngine(self.topology, **kwargs)


def catalog_records(index_dir: Path) -> list[dict[str, Any]]:
    """Every present document of the catalog beside ``index_dir``."""
    catalog = Catalog.open(default_url(index_dir))
    return [r for r in catalog.changed_since(0) if r["removed_at"] is None]


def searchd_starter(base: Callable[[], Path]) -> Iterator[Callable[..., Cluster]]:
    started: list[Searchd] = []

    def start(shards: int = 2, mirrors: int = 1) -> Cluster:
        topology = local_topology(shards, mirrors)
        nodes = start_cluster(topology, base())
        started.extend(nodes)
        return Cluster(topology, nodes)

    try:
        yield start
    finally:
        stop_all(started)


@pytest.fixture
def start_searchd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Cluster]]:
    """Start a cluster (``shards`` × ``mirrors`` nodes); every node stops after the test."""
    yield from searchd_starter(lambda: tmp_path_factory.mktemp("searchd"))


@pytest.fixture(scope="session")
def manticore_archive(indexed_archive: IndexedArchive,
                      tmp_path_factory: pytest.TempPathFactory) -> Iterator[ManticoreEngine]:
    """The service's fixture archive in a two-shard cluster, projected from its catalog."""
    for start in searchd_starter(lambda: tmp_path_factory.mktemp("searchd")):
        engine = start(2).engine()
        rebuild(engine, catalog_of(indexed_archive.index_dir))
        yield engine
        engine.close()
