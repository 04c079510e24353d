"""Reading and writing the catalog: the record of every document and customer."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, and_, bindparam, delete, func, insert, not_, or_, select, update

from indexer.catalog.tables import RECORD_COLUMNS, catalog_meta, customers, documents
from indexer.customers import Customer
from indexer.schema import STATUS_DISPOSED, STATUS_OK
from search_service.db import utcnow
from search_service.dbapi import Compiled
from search_service.migrate import make_engine


@dataclass(frozen=True)
class KnownFile:
    """What the catalog knows of a file, to decide whether it must be read again."""

    doc_id: str
    size: int
    mtime: int
    sha256: str
    status: str
    extraction_version: int


# catalog_meta: the rules' prefix every extracted document's ``numbers`` was filled under.
NUMBERS_FILLED = "numbers_filled"


def filing_timestamp(day: str) -> datetime:
    """A filing day (YYYY-MM-DD) as the catalog's timestamp: 09:00 Beijing time that day."""
    return datetime.fromisoformat(day).replace(hour=1, tzinfo=timezone.utc)


class Catalog:
    """The catalog on one database. The indexer is its single writer; readers are many."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> "Catalog":
        return cls(make_engine(url))

    # -- what is there ----------------------------------------------------------------------

    def known_files(self) -> dict[str, KnownFile]:
        """Files present at the last run, by relative path."""
        cols = documents.c
        query = select(cols.path, cols.doc_id, cols.size, cols.mtime, cols.sha256, cols.status,
                       cols.extraction_version).where(cols.removed_at.is_(None))
        with self.engine.connect() as conn:
            return {row.path: KnownFile(*row[1:]) for row in conn.execute(query)}

    def get(self, doc_id: str) -> dict[str, Any] | None:
        """A document's record (removed ones too), or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(documents).where(documents.c.doc_id == doc_id)).first()
        return dict(row._mapping) if row is not None else None

    def records(self, doc_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Records of ``doc_ids`` by id (those that exist)."""
        ids = list(doc_ids)
        found: dict[str, dict[str, Any]] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                query = select(documents).where(documents.c.doc_id.in_(ids[start:start + 500]))
                found.update((r.doc_id, dict(r._mapping)) for r in conn.execute(query))
        return found

    def searchable_rows(self, doc_ids: Sequence[str], columns: Sequence[str]
                        ) -> dict[str, dict[str, Any]]:
        """``doc_id`` and ``columns`` (text and integer columns) of the searchable documents
        among ``doc_ids`` (extracted, still in the archive), by id: a page of hits, read on
        every search with a statement compiled once (a third of the CPU of building it)."""
        keys = ("doc_id", *columns)
        found: dict[str, dict[str, Any]] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(doc_ids), 512):
                batch = list(doc_ids[start:start + 512])
                size = 1 << (len(batch) - 1).bit_length()  # a few statements serve any page
                batch += batch[-1:] * (size - len(batch))  # an id twice in IN (...) is harmless
                statement = _searchable_rows(tuple(columns), size)
                for *row, status, present in statement.execute(
                        conn, {f"id{i}": v for i, v in enumerate(batch)}):
                    if status == STATUS_OK and present:
                        found[row[0]] = dict(zip(keys, row))
        return found

    def rows(self, paths: Iterable[str]) -> Iterator[dict[str, Any]]:
        """Current (not removed) rows of the files at ``paths``, in path order."""
        wanted = sorted(paths)
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), 500):
                query = (select(documents)
                         .where(documents.c.path.in_(wanted[start:start + 500]),
                                documents.c.removed_at.is_(None))
                         .order_by(documents.c.path))
                for row in conn.execute(query):
                    yield dict(row._mapping)

    def documents_of(self, account_no: str) -> list[dict[str, Any]]:
        """Searchable documents of customer ``account_no``, newest first."""
        cols = documents.c
        query = (select(documents).where(cols.account_no == account_no, cols.status == STATUS_OK,
                                         cols.removed_at.is_(None))
                 .order_by(cols.doc_date.desc(), cols.path))
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def failed(self) -> list[dict[str, Any]]:
        """Files present at the last run that yielded no text, with their reason, by path."""
        cols = documents.c
        query = (select(documents).where(cols.status.not_in((STATUS_OK, STATUS_DISPOSED)),
                                         cols.removed_at.is_(None))
                 .order_by(cols.path))
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def count(self) -> int:
        """How many rows there are (removed ones included)."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(documents)).scalar_one()

    def units(self) -> list[str]:
        """The units (供电单位) documents are filed under, sorted."""
        query = select(documents.c.org).where(documents.c.org != "").distinct()
        with self.engine.connect() as conn:
            return sorted(conn.execute(query).scalars())

    def changed_since(self, batch: int, with_customers: bool = False,
                      columns: Iterable[str] | None = None) -> Iterator[dict[str, Any]]:
        """Every row written after ``batch`` (0: all rows), in batch order, streamed;
        ``with_customers``: and every row of the customers those rows belong to;
        ``columns``: only those (default: all)."""
        changed = documents.c.batch > batch
        if with_customers and batch:
            touched = (select(documents.c.account_no)
                       .where(changed, documents.c.account_no != "").distinct())
            changed = or_(changed, documents.c.account_no.in_(touched.scalar_subquery()))
        chosen = [documents.c[name] for name in columns] if columns is not None else [documents]
        query = (select(*chosen).where(changed)
                 .order_by(documents.c.batch, documents.c.doc_id))
        with self.engine.connect() as conn:
            for row in conn.execution_options(stream_results=True, yield_per=500).execute(query):
                yield dict(row._mapping)

    def last_batch(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.coalesce(func.max(documents.c.batch), 0))).scalar_one()

    # -- writing ----------------------------------------------------------------------------

    def write(self, records: Iterable[Mapping[str, Any]], removed: Iterable[str] = (),
              extraction_version: int = 0) -> int:
        """Upsert ``records`` and mark ``removed`` doc ids as gone, in one transaction.

        Returns the batch number the rows were written under."""
        now = utcnow()
        with self.engine.begin() as conn:
            batch = (conn.execute(select(func.coalesce(func.max(documents.c.batch), 0)))
                     .scalar_one() + 1)
            rows = [self._row(record, extraction_version, now, batch) for record in records]
            for start in range(0, len(rows), 500):
                self._upsert(conn, rows[start:start + 500], now)
            ids = list(removed)
            for start in range(0, len(ids), 500):
                conn.execute(update(documents)
                             .where(documents.c.doc_id.in_(ids[start:start + 500]))
                             .values(removed_at=now, updated_at=now, batch=batch))
        return batch

    def fill_numbers(self, record_of: Callable[[str], str], current: str,
                     on_batch: Callable[[int, int], None] = lambda done, total: None) -> int:
        """Give every extracted document whose ``numbers`` was not made under the current
        rules (its record does not start with ``current``) the record ``record_of`` makes
        of its text, a thousand at a time; how many. Nothing an engine holds changes.

        Once done under ``current``, the catalog says so (``catalog_meta``) and later calls
        return at once: rows written since carry their record, and counting the stale ones
        reads the whole table (0.5 s at 1,000,000 documents, on every indexing run)."""
        if self.meta(NUMBERS_FILLED) == current:
            return 0
        cols = documents.c
        stale = and_(cols.status == STATUS_OK, cols.removed_at.is_(None),
                     not_(cols.numbers.startswith(current, autoescape=True)))
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).where(stale)).scalar_one()
        done, after = 0, ""
        while done < total:
            with self.engine.begin() as conn:
                rows = conn.execute(select(cols.doc_id, cols.content)
                                    .where(stale, cols.doc_id > after)
                                    .order_by(cols.doc_id).limit(1000)).all()
                if not rows:
                    break
                conn.execute(update(documents).where(cols.doc_id == bindparam("_doc_id"))
                             .values(numbers=bindparam("numbers")),
                             [{"_doc_id": r.doc_id, "numbers": record_of(r.content)}
                              for r in rows])
            done, after = done + len(rows), rows[-1].doc_id
            on_batch(done, total)
        self.set_meta(NUMBERS_FILLED, current)
        return done

    def dispose(self, doc_ids: Iterable[str], conn: Any = None) -> int:
        """Mark documents destroyed after appraisal, as a new batch (engines then drop them);
        ``conn``: inside the caller's transaction. Returns the batch."""
        return self.touch(doc_ids, conn, status=STATUS_DISPOSED, error="已销毁（档案鉴定）")

    def touch(self, doc_ids: Iterable[str], conn: Any = None, **values: Any) -> int:
        """Write documents again as a new batch (with ``values`` changed), so engines
        re-project them: what is derived from them changed elsewhere (a handover)."""
        if conn is None:
            with self.engine.begin() as own:
                return self.touch(doc_ids, own, **values)
        batch = conn.execute(select(func.coalesce(func.max(documents.c.batch), 0))).scalar_one() + 1
        ids = list(doc_ids)
        for start in range(0, len(ids), 500):
            conn.execute(update(documents).where(documents.c.doc_id.in_(ids[start:start + 500]))
                         .values(updated_at=utcnow(), batch=batch, **values))
        return batch

    @staticmethod
    def _row(record: Mapping[str, Any], extraction_version: int, now: Any,
             batch: int) -> dict[str, Any]:
        values = {k: record[k] for k in (*RECORD_COLUMNS, "numbers") if k in record}
        if (values.get("ocr_confidence") or 0) < 0:
            values["ocr_confidence"] = None  # the index's "not OCR'd"
        values.update(extraction_version=extraction_version, updated_at=now, removed_at=None,
                      batch=batch)
        if record.get("filed_on"):  # catalog.csv's 归档日期 is the filing date, else first seen
            values["cataloged_at"] = filing_timestamp(record["filed_on"])
        return values

    @staticmethod
    def _upsert(conn: Any, rows: list[dict[str, Any]], now: Any) -> None:
        """Update the rows that exist, insert the others (executemany, one shape each)."""
        existing = set(conn.execute(select(documents.c.doc_id).where(
            documents.c.doc_id.in_([r["doc_id"] for r in rows]))).scalars())
        by_shape: dict[tuple[tuple[str, ...], bool], list[dict[str, Any]]] = {}
        for row in rows:
            by_shape.setdefault((tuple(sorted(row)), row["doc_id"] in existing), []).append(row)
        for (keys, exists), group in by_shape.items():
            if exists:
                statement = (update(documents)
                             .where(documents.c.doc_id == bindparam("_doc_id"))
                             .values({k: bindparam(k) for k in keys}))
                conn.execute(statement, [{**r, "_doc_id": r["doc_id"]} for r in group])
            else:
                conn.execute(insert(documents), [{"cataloged_at": now, **r} for r in group])

    def put_customers(self, found: Mapping[str, Customer]) -> None:
        """Replace the customer master data with ``found``."""
        now = utcnow()
        rows = [{"account_no": c.account_no, "name": c.name,
                 "customer_class": c.customer_class, "elec_type": c.elec_type,
                 "volt_level": c.volt_level, "org": c.org, "address": c.address,
                 "phone": c.phone, "id_number": c.id_number,
                 "extra": json.dumps(c.extra, ensure_ascii=False), "updated_at": now}
                for c in found.values()]
        with self.engine.begin() as conn:
            conn.execute(delete(customers))
            for start in range(0, len(rows), 1000):
                conn.execute(insert(customers), rows[start:start + 1000])

    # -- run metadata -----------------------------------------------------------------------

    def meta(self, key: str, default: str = "") -> str:
        with self.engine.connect() as conn:
            value = conn.execute(select(catalog_meta.c.value)
                                 .where(catalog_meta.c.key == key)).scalar_one_or_none()
        return default if value is None else value

    def set_meta(self, key: str, value: str) -> None:
        with self.engine.begin() as conn:
            if not conn.execute(update(catalog_meta).where(catalog_meta.c.key == key)
                                .values(value=value)).rowcount:
                conn.execute(insert(catalog_meta).values(key=key, value=value))


@lru_cache(maxsize=64)
def _searchable_rows(columns: tuple[str, ...], size: int) -> Compiled:
    """The statement reading ``columns`` of up to ``size`` documents, with whether each is
    searchable (decided here, not in ``WHERE``: SQLite would then pick the status index over
    the primary key and read every extracted document)."""
    cols = documents.c
    return Compiled(select(cols.doc_id, *(cols[name] for name in columns), cols.status,
                           cols.removed_at.is_(None))
                    .where(cols.doc_id.in_([bindparam(f"id{i}") for i in range(size)])))
