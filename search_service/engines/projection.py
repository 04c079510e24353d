"""From a catalog row to an engine record: the one place that decides what engines index.

Every engine indexes the same record, so a field derived for search (a facet computed from
other columns, say) is added here once and every engine gets it on its next reindex.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from indexer.schema import MULTI_FACETS, STATUS_OK
from search_service.access.masking import canonical_numbers

# Changes whenever the records change shape: engines holding older records are re-projected.
# 3: Han tokens folded traditional → simplified (issue 19); personal numbers indexed as their
# bare digits (one token, whatever way they were written). 4: an inspection sheet's 整改状态
# from the notice that followed it.
PROJECTION_VERSION = 4

# Catalog columns an engine indexes as they are.
RECORD_FIELDS = (
    "doc_id", "title", "content", "account_no", "customer_name", "address", "archive_no",
    "org", "customer_class", "elec_type", "volt_level", "doc_type", "doc_date", "year",
    "retention", "hazard_found", "hazard_status", "file_type", "text_source",
)

# Fields derived from more than the row itself (search_service.oversight.derived).
DERIVED_FIELDS = ("complete", "missing_types", "hazard_overdue", "contract_state",
                  "handover_status")
# Record fields a derivation fills where the document itself states nothing.
FILLED_FIELDS = ("hazard_status",)
# Full-text fields whose personal numbers (身份证, mobile, bank) are indexed as bare digits.
NUMBER_FIELDS = ("title", "content", "customer_name", "address")


def searchable(row: Mapping[str, Any]) -> bool:
    """Whether a catalog row belongs in the engines: extracted and still in the archive."""
    return row.get("status") == STATUS_OK and row.get("removed_at") is None


def engine_record(row: Mapping[str, Any],
                  derived: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The record engines index for a searchable catalog row, with its derived fields
    (:mod:`search_service.oversight.derived`; a multi-valued one as a list)."""
    record = {name: row.get(name) or "" for name in RECORD_FIELDS}
    for name in NUMBER_FIELDS:  # no fragment of a number is a token of its own
        record[name] = canonical_numbers(record[name])
    for name in DERIVED_FIELDS:
        record[name] = (derived or {}).get(name) or ([] if name in MULTI_FACETS else "")
    for name in FILLED_FIELDS:
        record[name] = record[name] or (derived or {}).get(name) or ""
    name = record["customer_name"]
    record["name_pinyin"] = name  # analyzed into pinyin syllables
    record["name_initials"] = name  # analyzed into bigrams of initials
    return record
