"""The engine is a projection of the catalog: rebuilt from it without reading the archive,
caught up by batch after a crash, and never the only copy of anything."""

from __future__ import annotations

import json
from datetime import date, timedelta
import shutil
from pathlib import Path

import pytest

from indexer.pipeline import EXTRACTION_VERSION, run_index
from indexer.sync import catch_up, rebuild
from search_service.cli.main import main
from search_service.config import Settings
from search_service.engines import open_engine, whoosh_home
from search_service.oversight.derived import Derivation
from search_service.reading.search import SearchParams
from tests.factories import build_archive
from tests.searching import catalog_of, engine_count, search

QUERIES = ["", "明远", "张三", "3301000001", '"未配备灭火器"', "mingyuan", "合同"]
CONTRACT = "城东供电所/3301000001_杭州明远纺织有限公司/业扩/供用电合同_2021-03-15.pdf"


def results(index_dir: Path) -> list[dict]:
    found = []
    for q in QUERIES:
        body = search(index_dir, SearchParams(q=q)).to_dict()
        body.pop("took_ms")
        found.append(body)
    return found


@pytest.fixture()
def indexed(tmp_path: Path) -> tuple[Path, Path]:
    root = build_archive(tmp_path / "archive")
    (root / "城东供电所" / "损坏.pdf").write_bytes(b"%PDF-1.4 garbage")
    run_index(root, tmp_path / "ix", workers=1, progress=False)
    return root, tmp_path / "ix"


def test_reindex_after_deleting_the_index_reads_no_archive_file(indexed, tmp_path: Path,
                                                                 capsys) -> None:  # noqa: ANN001
    root, ix = indexed
    before = results(ix)
    shutil.rmtree(whoosh_home(ix))
    root.rename(tmp_path / "archive-away")  # not one archive file can be read
    assert main(["reindex", "--index", str(ix), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "可检索文档 6 篇" in out and "未能索引的文件 1 个" in out
    assert results(ix) == before
    assert main(["failures", "--index", str(ix)]) == 0  # failed files come from the catalog
    assert "损坏.pdf" in capsys.readouterr().out


def test_a_corrupt_index_is_rebuilt_by_the_next_run(indexed) -> None:  # noqa: ANN001
    root, ix = indexed
    before = results(ix)
    for segment in whoosh_home(ix).glob("build-*/*.seg"):
        segment.write_bytes(b"garbage")
    summary = run_index(root, ix, workers=1, progress=False)
    assert (summary.added, summary.updated, summary.unchanged) == (0, 0, 7)  # nothing re-read
    assert results(ix) == before


def test_a_crash_between_catalog_write_and_engine_commit_is_repaired(indexed) -> None:  # noqa: ANN001
    root, ix = indexed
    catalog = catalog_of(ix)
    row = catalog.records([catalog.known_files()[CONTRACT].doc_id]).popitem()[1]
    # what a run killed right after writing its batch to the catalog leaves behind
    catalog.write([{**row, "content": row["content"] + "\n补充条款：双电源切换装置"}],
                  extraction_version=EXTRACTION_VERSION)
    assert search(ix, q="双电源切换").total == 0  # the engine is one batch behind
    engine = open_engine(Settings(index_dir=ix))
    assert engine.applied_batch() == catalog.last_batch() - 1
    engine.close()
    run_index(root, ix, workers=1, progress=False)
    hits = search(ix, q="双电源切换").hits
    assert [h["path"] for h in hits] == [CONTRACT] and "<mark>双电源切换</mark>" in hits[0]["snippet"]


def test_catch_up_applies_removals_and_nothing_twice(indexed) -> None:  # noqa: ANN001
    root, ix = indexed
    catalog = catalog_of(ix)
    engine = open_engine(Settings(index_dir=ix))
    try:
        assert catch_up(engine, catalog) == 0  # up to date
        removed = catalog.known_files()[CONTRACT].doc_id
        catalog.write([], removed=[removed])
        others = catalog.documents_of(catalog.get(removed)["account_no"])
        assert others  # re-projected with it: what is derived per customer may have changed
        assert catch_up(engine, catalog) == 1 + len(others)
        assert catch_up(engine, catalog) == 0
        assert engine.count() == 5
    finally:
        engine.close()


def test_rebuild_swaps_a_new_build_in(indexed) -> None:  # noqa: ANN001
    _, ix = indexed
    engine = open_engine(Settings(index_dir=ix))
    old = json.loads((whoosh_home(ix) / "current.json").read_text())["build"]
    try:
        assert rebuild(engine, catalog_of(ix)) == 6
    finally:
        engine.close()
    state = json.loads((whoosh_home(ix) / "current.json").read_text())
    assert state["build"] != old and state["applied_batch"] == catalog_of(ix).last_batch()
    assert [p.name for p in whoosh_home(ix).glob("build-*")] == [state["build"]]
    assert engine_count(ix) == 6


def test_incremental_runs_decide_from_the_catalog(indexed) -> None:  # noqa: ANN001
    root, ix = indexed
    shutil.rmtree(whoosh_home(ix))  # the engine alone tells nothing about what was read
    again = run_index(root, ix, workers=1, progress=False)
    assert (again.added, again.updated, again.unchanged, again.still_failing) == (0, 0, 7, 1)
    assert engine_count(ix) == 6
    # a row extracted by an older extractor is read again
    from sqlalchemy import update

    from indexer.catalog.tables import documents

    catalog = catalog_of(ix)
    with catalog.engine.begin() as conn:
        conn.execute(update(documents).where(documents.c.path == CONTRACT)
                     .values(extraction_version=0))
    redo = run_index(root, ix, workers=1, progress=False)
    assert (redo.added, redo.updated, redo.unchanged) == (0, 0, 7)  # same content: unchanged
    assert catalog.known_files()[CONTRACT].extraction_version > 0


def test_verify_works_from_the_catalog(indexed, capsys) -> None:  # noqa: ANN001
    root, ix = indexed
    shutil.rmtree(whoosh_home(ix))
    assert main(["verify", str(root), "--index", str(ix)]) == 0
    assert "完好 7 个" in capsys.readouterr().out


def test_a_new_day_re_projects_every_document_once(indexed) -> None:  # noqa: ANN001
    _, ix = indexed
    catalog = catalog_of(ix)
    engine = open_engine(Settings(index_dir=ix))
    tomorrow = Derivation(catalog.engine, today=date.today() + timedelta(days=1))
    try:
        assert catch_up(engine, catalog, tomorrow) == catalog.count()  # deadlines may pass
        assert catch_up(engine, catalog, tomorrow) == 0
        assert engine.count() == 6
    finally:
        engine.close()


def test_derived_fields_reach_the_engine(indexed) -> None:  # noqa: ANN001
    _, ix = indexed
    found = search(ix, q="", facets=True).facets
    assert {f["value"] for f in found["handover_status"]} == {"未移交"}
    assert {f["value"] for f in found["complete"]} <= {"齐全", "不齐全"} and found["complete"]
    assert found["contract_state"] and found["hazard_overdue"]


def test_an_inspection_sheet_takes_the_status_of_the_notice_that_followed_it(tmp_path: Path) -> None:
    from tests.factories import make_txt

    root = build_archive(tmp_path / "archive")
    folder = root / "城东供电所" / "3301000001_杭州明远纺织有限公司" / "检查"
    make_txt(folder / "用电检查工作单_2023-03-01.txt",
             "用电检查工作单\n户号：3301000001\n检查日期：2023-03-01\n检查结果：发现安全隐患，配电房未配备灭火器\n")
    make_txt(folder / "用电检查工作单_2024-03-01.txt",
             "用电检查工作单\n户号：3301000001\n检查日期：2024-03-01\n检查结果：未发现安全隐患\n")
    far = (date.today() + timedelta(days=60)).isoformat()
    make_txt(folder / "隐患整改通知书_2023-03-02.txt",
             f"隐患整改通知书\n户号：3301000001\n检查日期：2023-03-01\n整改期限：{far}\n整改状态：整改中\n")
    run_index(root, tmp_path / "ix", workers=1, progress=False)
    ix = tmp_path / "ix"

    def sheets(**filters: tuple[str, ...]) -> dict[str, int]:
        found = search(ix, SearchParams(q="", facets=True, filters={"doc_type": ("JC01",), **filters}))
        return {f["value"]: f["count"] for f in found.facets["hazard_status"]}

    # the archive's own sheet of 2023-05-12 was followed by a notice now overdue
    assert sheets() == {"整改中": 1, "无隐患": 1, "逾期": 1}  # the facet stays for sheets
    assert search(ix, SearchParams(q="用电检查工作单整改中")).total >= 1
    # the receipt closes the hazard: the sheet follows at the next catch-up
    make_txt(folder / "整改回执_2023-04-01.txt",
             "整改回执\n户号：3301000001\n复查日期：2023-04-01\n整改状态：已整改\n")
    run_index(root, ix, workers=1, progress=False)
    assert sheets() == {"已整改": 1, "无隐患": 1, "逾期": 1}


def test_a_customer_is_derived_once_per_run_and_alike_in_every_chunk(indexed) -> None:  # noqa: ANN001
    root, ix = indexed
    catalog = catalog_of(ix)
    derive = Derivation(catalog.engine, root)
    rows = [r for r in catalog.changed_since(0) if r["account_no"] == "3301000001"]
    assert len(rows) >= 2
    known: dict = {}
    first = derive.of(rows[:1], known)
    assert set(known) == {"3301000001"} and known["3301000001"]["complete"]
    rest = derive.of(rows[1:], known)  # the customer's fields come from the first chunk
    assert {**first, **rest} == derive.of(rows)
    known["3301000001"] = {**known["3301000001"], "complete": "已知"}
    assert {d["complete"] for d in derive.of(rows, known).values()} == {"已知"}


def test_the_columns_read_for_a_projection_are_every_one_it_uses(indexed) -> None:  # noqa: ANN001
    from indexer.sync import COLUMNS
    from search_service.engines.projection import engine_record

    root, ix = indexed
    catalog = catalog_of(ix)
    derive = Derivation(catalog.engine, root)
    full = list(catalog.changed_since(0))
    some = list(catalog.changed_since(0, columns=COLUMNS))
    assert len(some[0]) < len(full[0]) and [r["doc_id"] for r in some] == [r["doc_id"] for r in full]
    assert derive.of(some) == derive.of(full)
    derived = derive.of(full)
    assert [engine_record(r, derived[r["doc_id"]]) for r in some] == [
        engine_record(r, derived[r["doc_id"]]) for r in full]
