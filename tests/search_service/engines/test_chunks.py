"""A rebuild that projects (and analyses) in a worker process indexes exactly what one that
projects in its own process does, for every engine."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from indexer.errors import InputError
from indexer.pipeline import run_index
from search_service.cli import main
from search_service.engines.chunks import project
from search_service.engines.derived import Derivation
from search_service.engines.sync import PARALLEL_FROM, reindex_workers
from search_service.engines.tokens import ANALYSED, analysed
from tests.factories import build_archive
from tests.search_service.engines.tantivy.test_engine import results
from tests.searching import catalog_of


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("chunks")
    root = build_archive(tmp / "archive")
    run_index(root, tmp / "ix", workers=1, progress=False)
    return root, tmp / "ix"


@pytest.mark.parametrize("engine_name", ["tantivy", "whoosh"])
def test_a_rebuild_with_a_worker_process_indexes_what_a_serial_one_does(
        indexed, engine_name: str, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    _, ix = indexed
    found = {}
    for workers in ("0", "1"):
        assert main(["reindex", "--index", str(ix), "--engine", engine_name, "--quiet",
                     "--workers", workers]) == 0
        assert "可检索文档 6 篇" in capsys.readouterr().out
        found[workers] = results(ix, engine_name)
    assert found["1"] == found["0"]
    assert found["0"][1]["total"] and found["0"][6]["total"]  # 明远, and mingyuan in pinyin
    assert found["0"][3]["total"] and found["0"][5]["total"]  # a 户号, a phrase


def test_records_projected_for_a_worker_carry_the_tokens_the_engine_would_make(indexed) -> None:  # noqa: ANN001
    root, ix = indexed
    catalog = catalog_of(ix)
    rows = list(catalog.changed_since(0))
    derived = Derivation(catalog.engine, root).of(rows)
    plain = project(rows, derived, analyse=False)
    tokens = project(rows, derived, analyse=True)
    assert all(ANALYSED not in r for r in plain)
    assert [r[ANALYSED] for r in tokens] == [analysed(r) for r in plain]
    assert any("明远" in r[ANALYSED]["customer_name"] for r in tokens)
    assert any("ming yuan" in r[ANALYSED]["name_pinyin"] for r in tokens)


def test_how_many_workers_a_rebuild_takes() -> None:
    several = (os.cpu_count() or 1) > 1
    assert reindex_workers(None, PARALLEL_FROM - 1) == 0
    assert reindex_workers(None, PARALLEL_FROM) == (1 if several else 0)
    assert reindex_workers(0, 10 * PARALLEL_FROM) == 0 and reindex_workers(2, 10) == 2
    with pytest.raises(InputError, match="--workers"):
        reindex_workers(-1, 10)


def test_a_negative_number_of_workers_is_refused(indexed, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    _, ix = indexed
    assert main(["reindex", "--index", str(ix), "--engine", "tantivy", "--quiet",
                 "--workers", "-1"]) == 2
    assert "--workers 应为 0 或正整数" in capsys.readouterr().err
