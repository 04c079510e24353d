"""The index schema: the one contract between ``indexer/`` and ``search_service/``.

Full-text fields use the shared Chinese analyzer; identifiers (户号, 档号) are exact ID
fields; every facet is a sortable column so counts come from column data. The record of a
document (paths, hashes, status, text) lives in the catalog; the Whoosh index is its
projection (:mod:`search_service.engines.projection`).
"""

from __future__ import annotations

from whoosh.fields import ID, KEYWORD, TEXT, Schema

from indexer.analysis import ChineseAnalyzer
from indexer.pinyin import FullPinyinTokenizer, InitialsTokenizer

# Document status: searchable documents are "ok"; the others record why a file has no text.
STATUS_OK = "ok"
STATUS_FAILED = "failed"
STATUS_UNSUPPORTED = "unsupported"
STATUS_DISPOSED = "disposed"  # destroyed after appraisal (档案鉴定): never searched or re-read

# Where a document's text came from (the text_source facet, shown as is).
TEXT_SOURCE_LAYER = "文字层"
TEXT_SOURCE_OCR = "OCR识别"
TEXT_SOURCE_OCR_LOW = "OCR识别（低置信度）"
TEXT_SOURCE_MIXED = "文字层+OCR"
# OCR confidence below which a scan is worth re-scanning; see docs/benchmarks-ocr.md.
LOW_OCR_CONFIDENCE = 0.9


def _text(boost: float = 1.0) -> TEXT:
    return TEXT(
        analyzer=ChineseAnalyzer(), stored=False, phrase=True, field_boost=boost,
        multitoken_query="phrase",
    )


def _facet() -> ID:
    return ID(sortable=True)


def build_schema() -> Schema:
    """Return a fresh schema instance (Whoosh schemas are mutable; never share one).

    The index is a projection of the catalog (``indexer/catalog/``), which stores every
    record and its text: the index stores nothing but the document id; facets, dates and
    identifiers are columns (for counting, filtering and sorting without stored fields).
    """
    return Schema(
        doc_id=ID(stored=True, unique=True, sortable=True),
        file_type=_facet(),
        text_source=_facet(),
        # text
        title=_text(2.0),
        content=_text(1.0),
        # customer, joined from customers.csv
        account_no=ID(sortable=True, field_boost=8.0),
        customer_name=_text(4.0),
        name_pinyin=TEXT(analyzer=FullPinyinTokenizer(), phrase=True, field_boost=2.0),
        name_initials=TEXT(analyzer=InitialsTokenizer(), phrase=True, field_boost=1.0),
        address=_text(1.0),
        org=_facet(),
        customer_class=_facet(),
        elec_type=_facet(),
        volt_level=_facet(),
        # archive facts
        doc_type=_facet(),
        doc_date=ID(sortable=True),
        year=_facet(),
        archive_no=ID(field_boost=8.0),
        retention=_facet(),
        # inspection facts
        hazard_found=_facet(),
        hazard_status=_facet(),
        # derived from the archive room and the completeness rules (engines.derived)
        handover_status=_facet(),
        complete=_facet(),
        missing_types=KEYWORD(),  # several values: counted from its postings, not a column
        hazard_overdue=_facet(),
        contract_state=_facet(),
    )


# Fields a free-text query searches, with their weights come from field_boost above.
SEARCH_FIELDS = ("account_no", "archive_no", "customer_name", "title", "content", "address")

# Fields whose stored text may be highlighted in a snippet, in order of preference.
SNIPPET_FIELDS = ("content",)

# Facet fields, in the order a page shows them.
FACET_FIELDS = (
    "org", "doc_type", "year", "customer_class", "elec_type", "volt_level",
    "hazard_status", "file_type", "text_source",
    "complete", "missing_types", "hazard_overdue", "contract_state", "handover_status",
)

# Facets with several values per document (a customer misses several document types).
MULTI_FACETS = ("missing_types",)

SCHEMA = build_schema()
