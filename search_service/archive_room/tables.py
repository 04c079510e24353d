"""The archive room's tables, on the service database (:mod:`search_service.db`).

``loans`` and ``loan_items``: a loan request (借阅申请), its decision and end, and exactly what it
names (customers by 户号 or documents by id). ``handover_batches`` and ``handover_items``: a
batch handed to the archive room (移交) and each document's verdict (接收 / 退回).
``paper_locations``: where each customer's paper file sits (库房 / 柜 / 架 / 盒号) and whether
it is out on loan. ``disposals``: retention appraisal, from proposal to the 销毁清册 entry.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from search_service.db import Base, UTCDateTime

loans = Table(
    "loans", Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("requester", String(64), nullable=False, index=True),
    Column("requester_role", String(32), nullable=False),
    Column("requester_org", String(128), nullable=False),
    Column("org", String(128), nullable=False, index=True),  # the unit owning what is lent
    Column("purpose", String(32), nullable=False),
    Column("purpose_text", Text, nullable=False, default=""),
    Column("days", Integer, nullable=False),
    Column("original", Boolean, nullable=False, default=False),  # unmasked originals
    Column("paper", Boolean, nullable=False, default=False),  # the paper file too
    Column("status", String(16), nullable=False, index=True),
    Column("requested_at", UTCDateTime, nullable=False),
    Column("decided_by", String(64), nullable=False, default=""),
    Column("decided_at", UTCDateTime, nullable=True),
    Column("reason", Text, nullable=False, default=""),  # of a refusal or of an approval
    Column("starts_at", UTCDateTime, nullable=True),
    Column("due_at", UTCDateTime, nullable=True, index=True),
    Column("renewal_of", Integer, ForeignKey("loans.id"), nullable=True),
    Column("ended_at", UTCDateTime, nullable=True),  # returned or expired
    Column("ended_by", String(64), nullable=False, default=""),
    # the first loan of the request this one was split from (by owning unit); None: itself
    Column("request_no", Integer, nullable=True, index=True),
)

loan_items = Table(
    "loan_items", Base.metadata,
    Column("loan_id", Integer, ForeignKey("loans.id"), primary_key=True),
    Column("kind", String(8), primary_key=True),  # "account" or "doc"
    Column("value", String(32), primary_key=True),
    Column("label", Text, nullable=False, default=""),
)

handover_batches = Table(
    "handover_batches", Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("batch_no", String(64), nullable=False, unique=True),
    Column("org", String(128), nullable=False, index=True),
    Column("accounts", Text, nullable=False),  # JSON list of 户号
    Column("submitted_by", String(64), nullable=False),
    Column("submitted_at", UTCDateTime, nullable=False),
    Column("gaps", Text, nullable=False, default="{}"),  # JSON: 户号 -> missing type codes
    Column("gaps_reason", Text, nullable=False, default=""),
    Column("status", String(16), nullable=False, index=True),
    Column("received_by", String(64), nullable=False, default=""),
    Column("closed_at", UTCDateTime, nullable=True),
)

handover_items = Table(
    "handover_items", Base.metadata,
    Column("batch_id", Integer, ForeignKey("handover_batches.id"), primary_key=True),
    Column("doc_id", String(16), primary_key=True),
    Column("account_no", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("decided_by", String(64), nullable=False, default=""),
    Column("decided_at", UTCDateTime, nullable=True),
    Index("ix_handover_items_doc", "doc_id"),
)

paper_locations = Table(
    "paper_locations", Base.metadata,
    Column("account_no", String(32), primary_key=True),
    Column("store", String(64), nullable=False, default=""),  # 库房
    Column("cabinet", String(32), nullable=False, default=""),  # 柜
    Column("shelf", String(32), nullable=False, default=""),  # 架
    Column("box", String(32), nullable=False, default=""),  # 盒号
    Column("updated_by", String(64), nullable=False, default=""),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("out_loan", Integer, ForeignKey("loans.id"), nullable=True),  # lent out
    Column("out_at", UTCDateTime, nullable=True),
)

disposals = Table(
    "disposals", Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", String(16), nullable=False, index=True),
    Column("org", String(128), nullable=False),
    Column("status", String(16), nullable=False),  # proposed, disposed, kept
    Column("reason", Text, nullable=False, default=""),
    Column("proposed_by", String(64), nullable=False),
    Column("proposed_at", UTCDateTime, nullable=False),
    Column("decided_by", String(64), nullable=False, default=""),
    Column("decided_at", UTCDateTime, nullable=True),
    Column("record", Text, nullable=False, default="{}"),  # JSON: the document as listed
)
