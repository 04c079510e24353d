"""Response bodies of the API, as they appear in /openapi.json."""

from __future__ import annotations

from pydantic import BaseModel, Field

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
    handover_status: str = ""  # 未移交 / 待接收 / 已接收 / 退回 (on the customer's archive)
    score: float | None  # None when sorted by date
    snippet: str = ""


class FacetValue(BaseModel):
    value: str
    label: str
    count: int
    selected: bool


class Understood(BaseModel):
    """A part of the query read as a filter (a removable chip): ``field`` = ``value``,
    from the words ``text``; pass ``without=<text>`` to leave those words out (remove the chip)."""

    field: str
    value: str
    text: str


class CustomerSuggestion(BaseModel):
    account_no: str
    name: str
    org: str


class SearchHints(BaseModel):
    """When nothing is found: the query's parts, customers with a similar name, and whether
    removing the filters may help."""

    parts: list[str] = []
    similar: list[CustomerSuggestion] = []
    remove_filters: bool = False


class Correction(BaseModel):
    typed: str
    meant: list[str]


class ReadAs(BaseModel):
    """What the query's words became (the same on the page and in ``search --json``)."""

    names: list[str] = []
    account_no: str = ""
    units: list[str] = []
    doc_types: list[str] = []
    years: list[str] = []
    hazard_status: list[str] = []
    date_from: str = ""
    date_to: str = ""
    sort: str = ""
    corrections: list[Correction] = []
    unknown: list[str] = Field(default_factory=list, description="未找到的户名或户号")


class SearchResponse(BaseModel):
    total: int
    page: int
    page_size: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    took_ms: float
    partial: bool = Field(False, description="部分检索节点未响应：结果不完整")
    missing_shards: list[str] = Field(default_factory=list, description="未响应的分片")
    understood: list[Understood] = []
    reading: str = "as_written"  # as_written | understood (chips apply) | as_words
    hints: SearchHints | None = None
    match: str = Field("exact", description="loose：检索式中的户名或户号没有对应客户，结果为相近结果")
    read_as: ReadAs = Field(default_factory=ReadAs)
    did_you_mean: list[CustomerSuggestion] = []


class DocTypeSuggestion(BaseModel):
    code: str
    name: str


class SuggestResponse(BaseModel):
    q: str
    customers: list[CustomerSuggestion]
    units: list[str]
    doc_types: list[DocTypeSuggestion]


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
    file_allowed: bool = True  # False: the original holds personal data this role may not see
    viewer_pages: int = 0  # page images at /api/documents/{doc_id}/pages/{n}.png (0: none)
    loan: int | None = None  # the loan this read was made through, if any


class PaperLocation(BaseModel):
    account_no: str
    store: str  # 库房
    cabinet: str  # 柜
    shelf: str  # 架
    box: str  # 盒号
    label: str
    out: bool  # lent out with a loan
    out_loan: int | None = None


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
    # 档案管理 facts: completeness (required, missing, summary), inspection, open hazards,
    # contract (search_service.oversight.customer)
    oversight: dict | None = None
    paper: PaperLocation | None = None  # where the paper file sits (实体档案)


class Health(BaseModel):
    status: str
    documents: int
    generation: int | None
    last_commit: str | None
    message: str = ""


class Me(BaseModel):
    name: str
    role: str
    role_label: str
    org: str
    csrf_token: str = ""  # echo in X-CSRF-Token on POST/PUT/PATCH/DELETE
    can_read_archives: bool
    can_read_audit: bool


class LoginRequest(BaseModel):
    username: str
    password: str


class AuditRecord(BaseModel):
    seq: int
    at: str
    user: str
    role: str
    org: str
    action: str
    action_label: str
    outcome: str
    reason: str
    target_doc: str
    target_account: str
    client_ip: str
    user_agent: str
    request_id: str
    details: dict
    prev_hash: str
    hash: str


class AuditEvents(BaseModel):
    total: int
    page: int
    page_size: int
    records: list[AuditRecord]


class ChainStatus(BaseModel):
    ok: bool
    checked: int
    last_seq: int
    first_bad: int | None
    problem: str
    message: str
    vouched: int = 0


class AlertItem(BaseModel):
    kind: str
    label: str
    user: str
    start: str
    end: str
    count: int
    seqs: list[int]
    message: str


class Alerts(BaseModel):
    alerts: list[AlertItem]


class FailedFile(BaseModel):
    doc_id: str
    path: str
    status: str
    error: str
    file_type: str
    account_no: str
    org: str


class FailedFiles(BaseModel):
    total: int
    files: list[FailedFile]
