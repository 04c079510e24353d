"""A rebuild that projects (and analyses) in a worker process indexes exactly what one that
projects in its own process does, for every engine."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer.errors import InputError
from indexer.pipeline import run_index
from indexer.sync import PARALLEL_FROM, reindex_workers
from search_service.cli.main import main
from search_service.engines import tantivy_home
from search_service.engines.chunks import TEXT_FIELDS, analyse, project
from search_service.engines.tantivy import TantivyEngine
from search_service.engines.tokens import ANALYSED_FIELDS, analysed
from search_service.oversight.derived import Derivation
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
        found[workers] = [_ties_in_order(body) for body in results(ix, engine_name)]
    assert found["1"] == found["0"]
    assert found["0"][1]["total"] and found["0"][6]["total"]  # 明远, and mingyuan in pinyin
    assert found["0"][3]["total"] and found["0"][5]["total"]  # a 户号, a phrase


def _ties_in_order(body: dict) -> dict:
    """``body`` with hits of equal score by doc id (tantivy's indexing threads put documents
    in segments in no fixed order, so any two builds may order a tie differently)."""
    return {**body, "hits": sorted(body["hits"], key=lambda h: (-(h["score"] or 0), h["doc_id"]))}


def test_token_texts_made_in_a_worker_are_those_the_engine_would_make(indexed) -> None:  # noqa: ANN001
    root, ix = indexed
    catalog = catalog_of(ix)
    rows = list(catalog.changed_since(0))
    records = project(rows, Derivation(catalog.engine, root).of(rows))
    made = analyse([tuple(r[f] for f in TEXT_FIELDS) for r in records])
    assert [dict(zip(ANALYSED_FIELDS, m)) for m in made] == [analysed(r) for r in records]
    assert any("明远" in m[0] for m in made) and any("ming yuan" in m[4] for m in made)


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


def test_a_killed_rebuild_leaves_the_last_commit_and_no_worker(indexed) -> None:  # noqa: ANN001
    _, ix = indexed
    assert main(["reindex", "--index", str(ix), "--engine", "tantivy", "--quiet"]) == 0
    home = tantivy_home(ix)
    before = (home / "current.json").read_text()
    script = (
        "import multiprocessing, os, sys\n"
        "from pathlib import Path\n"
        "from search_service.engines.chunks import ChunkWriter\n"
        "from search_service.engines.tantivy import TantivyEngine\n"
        "engine = TantivyEngine(Path(sys.argv[1]))\n"
        "engine.clear()  # a rebuild\n"
        "writer = ChunkWriter(engine, workers=1)\n"
        "writer.apply([{'doc_id': 'half', 'content': '半途而废'}], {'half': {}}, [])\n"
        "print(*[p.pid for p in multiprocessing.active_children()], flush=True)\n"
        "os._exit(9)  # killed: no commit, the worker waiting for the next chunk\n")
    run = subprocess.run([sys.executable, "-c", script, str(home)], capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": os.getcwd()}, timeout=60)
    assert run.returncode == 9, run.stderr
    workers = [int(pid) for pid in run.stdout.split()]
    assert workers
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)
    assert (home / "current.json").read_text() == before
    engine = TantivyEngine(home)
    try:
        assert engine.count() == 6
    finally:
        engine.close()


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False
