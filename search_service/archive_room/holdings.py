"""What the catalog holds, as the archive room needs it: customers and documents with their unit.

Reads the catalog's tables (:mod:`indexer.catalog.tables`) on the service database; removed
files are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from indexer.catalog.tables import customers, documents
from indexer.schema import STATUS_OK

DOCUMENT_FIELDS = ("doc_id", "path", "title", "account_no", "customer_name", "org", "doc_type",
                   "doc_type_name", "doc_date", "pages", "retention", "archive_no",
                   "customer_class", "file_type")


@dataclass(frozen=True)
class Holding:
    """A customer (``kind`` "account") or a document ("doc"), its unit and a label."""

    kind: str
    value: str
    org: str
    label: str
    account_no: str = ""


def customer_holdings(conn: Connection, accounts: Iterable[str]) -> dict[str, Holding]:
    """Customers by 户号: from the master data, else from their documents' unit. Both tables
    are asked for every 户号, found or not, so the time taken does not tell which exist."""
    wanted = sorted(set(accounts))
    found: dict[str, Holding] = {}
    if not wanted:
        return found
    for row in conn.execute(select(customers.c.account_no, customers.c.org, customers.c.name)
                            .where(customers.c.account_no.in_(wanted))):
        found[row.account_no] = Holding("account", row.account_no, row.org,
                                        f"{row.account_no} {row.name}", row.account_no)
    query = (select(documents.c.account_no, documents.c.org, documents.c.customer_name)
             .where(documents.c.account_no.in_(wanted), documents.c.removed_at.is_(None))
             .distinct())
    for row in conn.execute(query):
        found.setdefault(row.account_no, Holding(
            "account", row.account_no, row.org,
            f"{row.account_no} {row.customer_name}".strip(), row.account_no))
    return found


def document_holdings(conn: Connection, doc_ids: Iterable[str]) -> dict[str, Holding]:
    """Documents by id, labelled with their title."""
    wanted = sorted(set(doc_ids))
    if not wanted:
        return {}
    query = (select(documents.c.doc_id, documents.c.org, documents.c.title, documents.c.path,
                    documents.c.account_no)
             .where(documents.c.doc_id.in_(wanted), documents.c.removed_at.is_(None)))
    return {row.doc_id: Holding("doc", row.doc_id, row.org, row.title or row.path,
                                row.account_no)
            for row in conn.execute(query)}


def documents_of(conn: Connection, accounts: Iterable[str]) -> list[dict[str, Any]]:
    """The readable documents (status ok) of customers, in account and date order."""
    wanted = sorted(set(accounts))
    if not wanted:
        return []
    columns = [documents.c[name] for name in DOCUMENT_FIELDS]
    query = (select(*columns)
             .where(documents.c.account_no.in_(wanted), documents.c.removed_at.is_(None),
                    documents.c.status == STATUS_OK)
             .order_by(documents.c.account_no, documents.c.doc_type, documents.c.doc_date,
                       documents.c.path))
    return [dict(row._mapping) for row in conn.execute(query)]


def document_record(conn: Connection, doc_id: str) -> dict[str, Any] | None:
    """One present document's listed fields, or None."""
    columns = [documents.c[name] for name in DOCUMENT_FIELDS]
    row = conn.execute(select(*columns).where(documents.c.doc_id == doc_id,
                                              documents.c.removed_at.is_(None))).first()
    return dict(row._mapping) if row is not None else None
