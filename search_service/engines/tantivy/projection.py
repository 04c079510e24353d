"""What the tantivy index holds of a catalog record, and how.

Text fields hold the shared analyzer's tokens (:mod:`search_service.engines.tokens`) split
again by tantivy's whitespace tokenizer, with positions, so a tantivy phrase over adjacent
tokens is the Whoosh phrase over the same tokens. Identifiers (户号, 档号), the document id and
every filter field are single raw terms; the date is an integer (YYYYMMDD) for ranges and
sorting.

Facets are counted from fast (columnar) fields that hold exactly one value per document, the
column kind tantivy counts fastest (an optional or multi-valued column is about ten times
slower): a single-valued filter field holds :data:`NONE` when the record has no value, and a
multi-valued one (缺失类型) is counted from a column of its own holding the record's set of
values as one string (:func:`facet_column`). :data:`LAYOUT` names this layout.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import tantivy

from indexer.schema import FACET_FIELDS, MULTI_FACETS, SCHEMA
from search_service.engines.tokens import ANALYSED_FIELDS, analysed, date_number, values_of

TEXT_FIELDS = ANALYSED_FIELDS  # the analyzer's token texts, one field each
IDENTIFIER_FIELDS = ("account_no", "archive_no")
FILTER_FIELDS = tuple(dict.fromkeys((*FACET_FIELDS, "retention", "hazard_found")))
DATE_FIELD = "date_num"  # doc_date as YYYYMMDD, 0 when unknown
# A single-valued field's value for "no value": never counted; a filter on it (?hazard_status=)
# finds the documents without one, as on Whoosh (its ID fields hold "" too).
NONE = ""
SET_SEPARATOR = " "  # between the values of a multi-valued facet's set (values hold no space)

# The shape of a build's schema and columns: a build of another layout is rebuilt.
# 2: dense facet columns (NONE for no value; a multi-valued facet's set as one value).
LAYOUT = 2

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
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic",
                               fast=name not in MULTI_FACETS)
    for name in MULTI_FACETS:
        builder.add_text_field(facet_column(name), tokenizer_name="raw", index_option="basic",
                               fast=True)
    builder.add_integer_field(DATE_FIELD, indexed=True, fast=True)
    return builder.build()


def document(record: Mapping[str, Any]) -> tantivy.Document:
    """The tantivy document of a catalog record (:func:`~search_service.engines.projection.
    engine_record`); empty text is left out, an empty filter value is :data:`NONE`."""
    doc = tantivy.Document()
    doc.add_text("doc_id", str(record["doc_id"]))
    for field, text in analysed(record).items():
        if text:
            doc.add_text(field, text)
    for field in IDENTIFIER_FIELDS:
        if record.get(field):
            doc.add_text(field, str(record[field]))
    for field in FILTER_FIELDS:
        values = values_of(field, record.get(field))
        for value in values:
            doc.add_text(field, value)
        if field in MULTI_FACETS:
            doc.add_text(facet_column(field), SET_SEPARATOR.join(sorted(set(values))))
        elif not values:
            doc.add_text(field, NONE)
    doc.add_integer(DATE_FIELD, date_number(str(record.get("doc_date") or "")))
    return doc


def facet_column(name: str) -> str:
    """The fast field ``name``'s facet is counted from (a multi-valued facet's set column)."""
    return f"{name}_set" if name in MULTI_FACETS else name


def facet_values(name: str, key: str) -> list[str]:
    """The facet values a column value counts for (none for :data:`NONE`)."""
    if key == NONE:
        return []
    return key.split(SET_SEPARATOR) if name in MULTI_FACETS else [key]
