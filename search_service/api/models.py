"""Response bodies of the API, as they appear in /openapi.json."""

from __future__ import annotations

from pydantic import BaseModel

from indexer.customers import Customer


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorBody


class Hit(BaseModel):
    doc_id: str
    title: str
    path: str
    account_no: str
    customer_name: str
    doc_type: str
    doc_type_name: str
    org: str
    customer_class: str
    volt_level: str
    doc_date: str
    file_type: str
    pages: int | None = None
    hazard_status: str
    score: float | None  # None when sorted by date
    snippet: str = ""


class FacetValue(BaseModel):
    value: str
    label: str
    count: int
    selected: bool


class SearchResponse(BaseModel):
    total: int
    page: int
    page_size: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    took_ms: float


class Document(BaseModel):
    doc_id: str
    title: str = ""
    path: str
    status: str
    error: str = ""
    file_type: str
    size: int
    mtime: int
    sha256: str
    pages: int | None = None
    account_no: str = ""
    customer_name: str = ""
    address: str = ""
    org: str = ""
    customer_class: str = ""
    elec_type: str = ""
    volt_level: str = ""
    doc_type: str = ""
    doc_type_name: str = ""
    doc_date: str = ""
    year: str = ""
    archive_no: str = ""
    retention: str = ""
    hazard_found: str = ""
    hazard_status: str = ""
    rectify_deadline: str = ""
    text: str
    text_html: str


class DocumentGroup(BaseModel):
    doc_type: str
    doc_type_name: str
    count: int
    documents: list[Hit]


class CustomerResponse(BaseModel):
    account_no: str
    customer: Customer | None  # the master data as exported (a dataclass of the indexer)
    total: int
    groups: list[DocumentGroup]


class Health(BaseModel):
    status: str
    documents: int
    generation: int | None
    last_commit: str | None
    message: str = ""
