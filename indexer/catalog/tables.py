"""The catalog's tables, on the service database (:mod:`search_service.db`).

``documents`` holds one row per archive file ever seen: identity, file facts, status and
failure reason, every extracted and inferred field (named as in :mod:`indexer.schema`), and
the extracted text. A file that left the archive keeps its row with ``removed_at`` set.
``batch`` is the number of the write that last changed a row: engines remember the last
batch they applied and catch up from there. ``customers`` mirrors the marketing system's
customer master data (customers.csv) as of the last indexing run. ``page_lines`` keeps the
OCR lines of each scanned page by file content (SHA-256) and page, so the viewer masks a scan
from them instead of recognising it again (:mod:`indexer.catalog.page_lines`).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, Integer, String, Table, Text

from search_service.db import Base, UTCDateTime

documents = Table(
    "documents", Base.metadata,
    Column("doc_id", String(16), primary_key=True),
    Column("path", Text, nullable=False, unique=True),
    Column("fs_path", Text, nullable=False, default=""),
    Column("status", String(16), nullable=False, index=True),
    Column("error", Text, nullable=False, default=""),
    Column("file_type", String(16), nullable=False, default=""),
    Column("size", BigInteger, nullable=False),
    Column("mtime", BigInteger, nullable=False),  # st_mtime_ns
    Column("sha256", String(64), nullable=False, default="", index=True),
    Column("pages", Integer, nullable=False, default=0),
    Column("text_source", String(32), nullable=False, default=""),
    Column("ocr_confidence", Float, nullable=True),
    Column("title", Text, nullable=False, default=""),
    Column("content", Text, nullable=False, default=""),
    # Where the content's personal numbers stand (masking.numbers_record: positions, no digit).
    Column("numbers", Text, nullable=False, default="", server_default=""),
    Column("account_no", String(32), nullable=False, default="", index=True),
    Column("customer_name", String(256), nullable=False, default=""),
    Column("address", Text, nullable=False, default=""),
    Column("org", String(128), nullable=False, default="", index=True),
    Column("customer_class", String(32), nullable=False, default=""),
    Column("elec_type", String(64), nullable=False, default=""),
    Column("volt_level", String(32), nullable=False, default=""),
    Column("doc_type", String(16), nullable=False, default="", index=True),
    Column("doc_type_name", String(64), nullable=False, default=""),
    Column("doc_date", String(10), nullable=False, default="", index=True),
    Column("year", String(4), nullable=False, default=""),
    Column("archive_no", String(64), nullable=False, default="", index=True),
    Column("retention", String(8), nullable=False, default=""),
    Column("hazard_found", String(8), nullable=False, default=""),
    Column("hazard_status", String(16), nullable=False, default=""),
    Column("rectify_deadline", String(10), nullable=False, default=""),
    Column("extraction_version", Integer, nullable=False, default=0),
    Column("cataloged_at", UTCDateTime, nullable=False),  # first seen: the filing date
    Column("updated_at", UTCDateTime, nullable=False),
    Column("removed_at", UTCDateTime, nullable=True),
    Column("batch", Integer, nullable=False, index=True),
)

customers = Table(
    "customers", Base.metadata,
    Column("account_no", String(32), primary_key=True),
    Column("name", String(256), nullable=False),
    Column("customer_class", String(32), nullable=False, default=""),
    Column("elec_type", String(64), nullable=False, default=""),
    Column("volt_level", String(32), nullable=False, default=""),
    Column("org", String(128), nullable=False, default="", index=True),
    Column("address", Text, nullable=False, default=""),
    Column("phone", String(64), nullable=False, default=""),
    Column("id_number", String(64), nullable=False, default=""),
    Column("extra", Text, nullable=False, default="{}"),  # JSON of the file's extra columns
    Column("updated_at", UTCDateTime, nullable=False),
)

page_lines = Table(
    "page_lines", Base.metadata,
    Column("sha256", String(64), primary_key=True),
    Column("page", Integer, primary_key=True, autoincrement=False),  # from 0
    Column("width", Integer, nullable=False),  # of the image the boxes were found on
    Column("height", Integer, nullable=False),
    Column("lines", Text, nullable=False),  # JSON: [[left, top, right, bottom, text], ...]
)

catalog_meta = Table(
    "catalog_meta", Base.metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# The record fields a documents row stores (every column but the bookkeeping ones).
RECORD_COLUMNS = tuple(c.name for c in documents.columns
                       if c.name not in ("extraction_version", "cataloged_at", "updated_at",
                                         "removed_at", "batch", "numbers"))
