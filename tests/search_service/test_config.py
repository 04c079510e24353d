"""Settings from ARCHIVE_SEARCH_* variables, overridden by command-line flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.errors import InputError
from search_service.config import Settings


def test_defaults():
    settings = Settings.from_env({})
    assert settings == Settings(Path("data/index"), None, "127.0.0.1", 8000, 1)


def test_environment_then_flags():
    env = {"ARCHIVE_SEARCH_INDEX": "/srv/ix", "ARCHIVE_SEARCH_ROOT": "/srv/archive",
           "ARCHIVE_SEARCH_HOST": "0.0.0.0", "ARCHIVE_SEARCH_PORT": "9000",
           "ARCHIVE_SEARCH_WORKERS": "4"}
    assert Settings.from_env(env) == Settings(Path("/srv/ix"), Path("/srv/archive"), "0.0.0.0",
                                              9000, 4)
    flagged = Settings.from_env(env, port=8123, workers=None, index_dir=Path("ix"))
    assert (flagged.port, flagged.workers, flagged.index_dir) == (8123, 4, Path("ix"))


def test_round_trip_through_the_environment():
    settings = Settings(Path("ix"), Path("root"), "127.0.0.2", 8001, 2)
    assert Settings.from_env(settings.to_env()) == settings


@pytest.mark.parametrize("env,word", [
    ({"ARCHIVE_SEARCH_PORT": "http"}, "ARCHIVE_SEARCH_PORT"),
    ({"ARCHIVE_SEARCH_PORT": "70000"}, "端口"),
    ({"ARCHIVE_SEARCH_WORKERS": "0"}, "进程数"),
    ({"ARCHIVE_SEARCH_TIME_ZONE": "Mars/Olympus"}, "时区“Mars/Olympus”无效"),
])
def test_bad_values_are_refused_by_name(env, word):
    with pytest.raises(InputError, match=word):
        Settings.from_env(env)


def test_root_defaults_to_the_indexed_one(indexed_archive):
    settings = Settings(index_dir=indexed_archive.index_dir)
    assert settings.resolved_root() == indexed_archive.root


def test_manticore_nodes_are_checked():
    env = {"ARCHIVE_SEARCH_MANTICORE_NODES": "10.0.0.1:9306|10.0.0.2:9306,10.0.0.3:9306"}
    assert Settings.from_env(env).manticore_nodes == env["ARCHIVE_SEARCH_MANTICORE_NODES"]
    with pytest.raises(InputError, match="10.0.0.3:x"):
        Settings.from_env({"ARCHIVE_SEARCH_MANTICORE_NODES": "10.0.0.1:9306,10.0.0.3:x"})
