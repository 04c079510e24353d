"""Building the index record of one file from its facts, text, the catalog and customers."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath

from indexer import doctypes, infer
from indexer.catalog.listing import CatalogEntry
from indexer.customers import Customer, Customers
from indexer.schema import (
    LOW_OCR_CONFIDENCE,
    STATUS_OK,
    TEXT_SOURCE_LAYER,
    TEXT_SOURCE_MIXED,
    TEXT_SOURCE_OCR,
    TEXT_SOURCE_OCR_LOW,
)
from search_service.access.masking import numbers_record


# Changes whenever the rules inferring a record from its text and path change (1: 户号 after a
# table rule or spaces, folders named by a 户名): the next run re-infers unchanged documents
# from their catalog text (the pipeline's master-data fingerprint includes it).
INFERENCE_VERSION = 1


@dataclass(frozen=True)
class FileFacts:
    """What the file system says about one file."""

    path: str  # relative to the archive root, forward slashes
    size: int
    mtime: int  # st_mtime_ns
    sha256: str = ""
    fs_path: str = ""  # the name on disk when it is not valid UTF-8 (``path`` then shows it decoded)

    @property
    def file_type(self) -> str:
        return PurePosixPath(self.path).suffix.lower().lstrip(".")


def doc_id_for(relpath: str) -> str:
    """A stable document id: the same relative path always gives the same id."""
    return hashlib.sha256(relpath.encode("utf-8")).hexdigest()[:16]


def unit_from_path(relpath: str, customers: dict[str, Customer]) -> str:
    """The top folder of ``relpath`` if it is a known 供电单位, else ""."""
    top = PurePosixPath(relpath).parts[0] if "/" in relpath else ""
    units = customers.units if isinstance(customers, Customers) else Customers(customers).units
    return top if top in units else ""


def account_from_folder(relpath: str, customers: dict[str, Customer]) -> str | None:
    """户号 from a folder named by a customer's 户名 alone, when no other customer of the
    file's unit (the top folder, if it names one; else of the whole archive) has that name."""
    named = (customers if isinstance(customers, Customers) else Customers(customers)).named
    unit = unit_from_path(relpath, customers)
    return infer.account_from_folder_name(relpath, lambda name: named.get((unit, name), []))


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def text_source_label(source: str, confidence: float | None) -> str:
    """The text_source facet value for an extraction's source ("text", "ocr", "mixed")."""
    if source == "text":
        return TEXT_SOURCE_LAYER
    if confidence is not None and confidence < LOW_OCR_CONFIDENCE:
        return TEXT_SOURCE_OCR_LOW
    return TEXT_SOURCE_OCR if source == "ocr" else TEXT_SOURCE_MIXED


def file_record(facts: FileFacts, status: str, error: str = "") -> dict[str, object]:
    """The fields every record has, searchable or not."""
    return {
        "doc_id": doc_id_for(facts.path),
        "path": facts.path,
        "status": status,
        "error": error,
        "file_type": facts.file_type,
        "size": facts.size,
        "mtime": facts.mtime,
        "sha256": facts.sha256,
    }


def failure_record(facts: FileFacts, status: str, error: str,
                   customers: dict[str, Customer],
                   catalog: dict[str, CatalogEntry]) -> dict[str, object]:
    """A file without text, still filed under its customer and unit (from the catalog or the
    folder layout), so archivists scoped to that unit see it and can fix it."""
    entry = catalog.get(facts.path)
    account = (entry and entry.account_no) or infer.account_from_path(facts.path) \
        or account_from_folder(facts.path, customers) or ""
    record = file_record(facts, status, error)
    record["account_no"] = account
    record.update(customer_fields(customers, account, facts.path))
    return record


def document_record(
    facts: FileFacts,
    text: str,
    pages: int,
    customers: dict[str, Customer],
    catalog: dict[str, CatalogEntry],
    text_source: str = TEXT_SOURCE_LAYER,
    ocr_confidence: float | None = None,
) -> dict[str, object]:
    """The full record of a searchable document; catalog values win over inference."""
    entry = catalog.get(facts.path)
    account = (entry and entry.account_no) or infer.account_from_path(facts.path) \
        or infer.account_from_text(text) or account_from_folder(facts.path, customers) or ""
    doc_type = (entry and entry.doc_type and doctypes.lookup(entry.doc_type)) \
        or infer.doc_type_from(facts.path, text)
    code = doc_type.code if doc_type else ""
    doc_date = (entry and entry.date and infer.parse_date(entry.date)) \
        or infer.date_from(facts.path, text)
    hazard = infer.hazard_facts(code, text)
    record = file_record(facts, STATUS_OK)
    record.update(
        title=(entry and entry.title) or infer.title_line(text) or facts.path.rsplit("/", 1)[-1],
        content=text,
        numbers=numbers_record(text),
        pages=pages,
        text_source=text_source,
        ocr_confidence=-1.0 if ocr_confidence is None else ocr_confidence,
        account_no=account,
        doc_type=code,
        doc_type_name=doc_type.name if doc_type else "",
        doc_date=_iso(doc_date),
        year=str(doc_date.year) if doc_date else "",
        archive_no=(entry.archive_no if entry else ""),
        retention=(entry.retention if entry else ""),
        hazard_found=hazard.found,
        hazard_status=hazard.status,
        rectify_deadline=_iso(hazard.deadline),
    )
    filed = entry and entry.filed and infer.parse_date(entry.filed)
    if filed:
        record["filed_on"] = filed.isoformat()  # the catalog's 归档日期: the filing date
    record.update(customer_fields(customers, account, facts.path))
    return record


def customer_fields(customers: dict[str, Customer], account: str,
                    relpath: str) -> dict[str, str]:
    """The fields of customer ``account`` joined into each of their documents' records.

    Without such a customer, the unit is still taken from the archive layout
    (``<供电单位>/…``) when the top folder names a unit that customers.csv knows.
    """
    customer = customers.get(account)
    if customer is None:
        fields = dict.fromkeys(("customer_name", "name_pinyin", "name_initials", "address",
                                "customer_class", "elec_type", "volt_level"), "")
        return {**fields, "org": unit_from_path(relpath, customers)}
    return {
        "customer_name": customer.name,
        "name_pinyin": customer.name,  # analyzed into pinyin syllables
        "name_initials": customer.name,  # analyzed into bigrams of initials
        "address": customer.address,
        "org": customer.org,
        "customer_class": customer.customer_class,
        "elec_type": customer.elec_type,
        "volt_level": customer.volt_level,
    }
