"""What the tantivy index holds of a catalog record, and how.

Text fields hold the shared analyzer's tokens (:mod:`search_service.engines.tokens`) split
again by tantivy's whitespace tokenizer, with positions, so a tantivy phrase over adjacent
tokens is the Whoosh phrase over the same tokens. Identifiers (户号, 档号), the document id and
every filter field are single raw terms; filter fields are also fast (columnar) fields for
the facet aggregations; the date is an integer (YYYYMMDD) for ranges and sorting.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import tantivy

from indexer.schema import FACET_FIELDS, SCHEMA
from search_service.engines.tokens import analysed, date_number, values_of

TEXT_FIELDS = ("customer_name", "title", "content", "address", "name_pinyin", "name_initials")
IDENTIFIER_FIELDS = ("account_no", "archive_no")
FILTER_FIELDS = tuple(dict.fromkeys((*FACET_FIELDS, "retention", "hazard_found")))
DATE_FIELD = "date_num"  # doc_date as YYYYMMDD, 0 when unknown

# Field weights: the Whoosh schema's field_boost, so both rank a field's match alike.
FIELD_WEIGHTS = {name: float(SCHEMA[name].format.field_boost) for name in (*TEXT_FIELDS,
                                                                     *IDENTIFIER_FIELDS)}


def build_schema() -> tantivy.Schema:
    """The schema of a tantivy build (the same for every build)."""
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("doc_id", stored=True, tokenizer_name="raw", index_option="basic")
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name="whitespace", index_option="position")
    for name in IDENTIFIER_FIELDS:
        builder.add_text_field(name, tokenizer_name="raw", index_option="freq")
    for name in FILTER_FIELDS:
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic", fast=True)
    builder.add_integer_field(DATE_FIELD, indexed=True, fast=True)
    return builder.build()


def document(record: Mapping[str, Any]) -> tantivy.Document:
    """The tantivy document of a catalog record (:func:`~search_service.engines.projection.
    engine_record`); empty values are left out, so they are neither matched nor counted."""
    doc = tantivy.Document()
    doc.add_text("doc_id", str(record["doc_id"]))
    for field, text in analysed(record).items():
        if text:
            doc.add_text(field, text)
    for field in IDENTIFIER_FIELDS:
        if record.get(field):
            doc.add_text(field, str(record[field]))
    for field in FILTER_FIELDS:
        for value in values_of(field, record.get(field)):
            doc.add_text(field, value)
    doc.add_integer(DATE_FIELD, date_number(str(record.get("doc_date") or "")))
    return doc
