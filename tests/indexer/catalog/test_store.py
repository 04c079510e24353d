from pathlib import Path

from indexer.catalog.store import NUMBERS_FILLED, Catalog
from indexer.pipeline import run_index
from search_service.db import default_url
from tests.factories import build_archive

CONTRACT = "城东供电所/3301000001_杭州明远纺织有限公司/业扩/供用电合同_2021-03-15.pdf"


def catalog_of(index_dir: Path) -> Catalog:
    return Catalog.open(default_url(index_dir))


def test_indexing_run_writes_every_document_and_customer(tmp_path: Path) -> None:
    root = build_archive(tmp_path / "a")
    run_index(root, tmp_path / "ix", workers=1, progress=False)
    catalog = catalog_of(tmp_path / "ix")
    known = catalog.known_files()
    assert CONTRACT in known and len(known) == 6
    record = catalog.get(known[CONTRACT].doc_id)
    assert (record["account_no"], record["customer_name"], record["doc_type"]) == (
        "3301000001", "杭州明远纺织有限公司", "YK11")
    assert "供用电合同" in record["content"] and record["removed_at"] is None
    assert record["cataloged_at"] is not None and record["batch"] == catalog.last_batch()
    assert {r["doc_id"] for r in catalog.changed_since(0)} == {k.doc_id for k in known.values()}


def test_removed_file_keeps_its_row_and_moves_to_a_new_batch(tmp_path: Path) -> None:
    root = build_archive(tmp_path / "a")
    run_index(root, tmp_path / "ix", workers=1, progress=False)
    catalog = catalog_of(tmp_path / "ix")
    first = catalog.last_batch()
    doc_id = catalog.known_files()[CONTRACT].doc_id
    (root / CONTRACT).unlink()
    run_index(root, tmp_path / "ix", workers=1, progress=False)
    assert CONTRACT not in catalog.known_files()
    assert catalog.get(doc_id)["removed_at"] is not None
    assert [r["doc_id"] for r in catalog.changed_since(first)] == [doc_id]


def test_searchable_rows_read_only_the_columns_of_searchable_documents(tmp_path: Path) -> None:
    root = build_archive(tmp_path / "a")
    run_index(root, tmp_path / "ix", workers=1, progress=False)
    catalog = catalog_of(tmp_path / "ix")
    ids = {path: known.doc_id for path, known in catalog.known_files().items()}
    (root / CONTRACT).unlink()
    run_index(root, tmp_path / "ix", workers=1, progress=False)
    removed, kept = ids.pop(CONTRACT), sorted(ids.values())
    rows = catalog.searchable_rows([removed, *kept, "unknown"], ("title", "pages"))
    assert sorted(rows) == kept  # the removed file's row is no hit any more
    row = rows[kept[0]]
    assert set(row) == {"doc_id", "title", "pages"} and isinstance(row["pages"], int)
    assert row["title"] == catalog.get(kept[0])["title"]
    many = [*kept * 120, "unknown"]  # more than one statement's worth, repeats, any length
    assert sorted(catalog.searchable_rows(many, ("title",))) == kept
    assert catalog.searchable_rows(kept[:3], ("title",)).keys() == set(kept[:3])
    assert catalog.searchable_rows([], ("title",)) == {}


def test_indexing_keeps_where_the_numbers_stand_and_fills_in_stale_records(
        tmp_path: Path) -> None:
    from sqlalchemy import delete, select, update

    from indexer.catalog.tables import catalog_meta, documents
    from search_service.access.masking import RULES_VERSION, numbers_record

    root = build_archive(tmp_path / "a")
    run_index(root, tmp_path / "ix", workers=1, progress=False)
    catalog = catalog_of(tmp_path / "ix")
    cols = documents.c
    with catalog.engine.connect() as conn:
        rows = conn.execute(select(cols.doc_id, cols.content, cols.numbers, cols.batch)
                            .where(cols.status == "ok")).all()
    assert rows and all(r.numbers == numbers_record(r.content) for r in rows)
    stale, old = rows[0].doc_id, rows[1].doc_id
    with catalog.engine.begin() as conn:  # written before the column, and under older rules
        conn.execute(update(documents).where(cols.doc_id == stale).values(numbers=""))
        conn.execute(update(documents).where(cols.doc_id == old).values(
            numbers=f"{RULES_VERSION - 1}:0:[]"))
    # The catalog says every row was filled under these rules: no scan of the table.
    assert catalog.fill_numbers(numbers_record, f"{RULES_VERSION}:") == 0
    with catalog.engine.begin() as conn:  # as the migration leaves it: nothing filled yet
        conn.execute(delete(catalog_meta).where(catalog_meta.c.key == NUMBERS_FILLED))
    assert catalog.fill_numbers(numbers_record, f"{RULES_VERSION}:") == 2
    run_index(root, tmp_path / "ix", workers=1, progress=False)  # nothing left to fill
    with catalog.engine.connect() as conn:
        after = {r.doc_id: r for r in conn.execute(
            select(cols.doc_id, cols.content, cols.numbers, cols.batch))}
    assert all(after[r.doc_id].numbers == numbers_record(r.content) for r in rows)
    assert after[stale].batch == rows[0].batch  # the engines have nothing to redo
    assert catalog.fill_numbers(numbers_record, f"{RULES_VERSION}:") == 0
