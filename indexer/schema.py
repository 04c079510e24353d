"""The index schema: the one contract between ``indexer/`` and ``search_service/``.

Full-text fields use the shared Chinese analyzer; identifiers (户号, 档号, paths) are exact
ID fields; every facet is a sortable column so counts come from column data.
"""

from __future__ import annotations

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from indexer.analysis import ChineseAnalyzer
from indexer.pinyin import FullPinyinTokenizer, InitialsTokenizer

# Document status: searchable documents are "ok"; the others record why a file has no text.
STATUS_OK = "ok"
STATUS_FAILED = "failed"
STATUS_UNSUPPORTED = "unsupported"

# Where a document's text came from (the text_source facet, shown as is).
TEXT_SOURCE_LAYER = "文字层"
TEXT_SOURCE_OCR = "OCR识别"
TEXT_SOURCE_OCR_LOW = "OCR识别（低置信度）"
TEXT_SOURCE_MIXED = "文字层+OCR"
# OCR confidence below which a scan is worth re-scanning; see docs/benchmarks-ocr.md.
LOW_OCR_CONFIDENCE = 0.9


def _text(boost: float = 1.0) -> TEXT:
    return TEXT(
        analyzer=ChineseAnalyzer(), stored=True, phrase=True, field_boost=boost,
        multitoken_query="phrase",
    )


def _facet() -> ID:
    return ID(stored=True, sortable=True)


def build_schema() -> Schema:
    """Return a fresh schema instance (Whoosh schemas are mutable; never share one)."""
    return Schema(
        # identity and file facts
        doc_id=ID(stored=True, unique=True, sortable=True),
        path=ID(stored=True, sortable=True),
        status=_facet(),
        error=STORED(),
        file_type=_facet(),
        size=NUMERIC(int, bits=64, stored=True, sortable=True),
        mtime=NUMERIC(int, bits=64, stored=True, sortable=True),  # nanoseconds
        sha256=ID(stored=True, sortable=True),
        pages=NUMERIC(int, stored=True),
        text_source=_facet(),
        ocr_confidence=NUMERIC(float, stored=True),  # -1 when not OCR'd (float columns break Whoosh)
        # text
        title=_text(2.0),
        content=_text(1.0),
        # customer, joined from customers.csv
        account_no=ID(stored=True, sortable=True, field_boost=8.0),
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
        doc_type_name=STORED(),
        doc_date=ID(stored=True, sortable=True),
        year=_facet(),
        archive_no=ID(stored=True, field_boost=8.0),
        retention=_facet(),
        # inspection facts
        hazard_found=_facet(),
        hazard_status=_facet(),
        rectify_deadline=ID(stored=True, sortable=True),
    )


# Fields a free-text query searches, with their weights come from field_boost above.
SEARCH_FIELDS = ("account_no", "archive_no", "customer_name", "title", "content", "address")

# Fields whose stored text may be highlighted in a snippet, in order of preference.
SNIPPET_FIELDS = ("content",)

# Facet fields, in the order a page shows them.
FACET_FIELDS = (
    "org", "doc_type", "year", "customer_class", "elec_type", "volt_level",
    "hazard_status", "file_type", "text_source",
)

SCHEMA = build_schema()
