"""Fixtures shared by all tests: a real archive built from real files, and its real index."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.pipeline import run_index
from tests.factories import build_archive


@pytest.fixture(scope="session")
def archive_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_archive(tmp_path_factory.mktemp("archive"))


@pytest.fixture(scope="session")
def index_dir(archive_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("index") / "ix"
    run_index(archive_root, directory, workers=1, progress=False)
    return directory
