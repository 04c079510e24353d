"""Every read of the archive goes through here: the index, the original files, customers.

Routes and pages call only :class:`ArchiveReader`; each read is one method that receives
the user it is made for, so access scope, masking and the access log have one place to go.
"""

from __future__ import annotations

import mimetypes
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from indexer import doctypes
from indexer.customers import Customer
from search_service.customer_cache import CustomerCache
from search_service.config import Settings
from search_service.errors import NotFoundError, UnavailableError
from search_service.highlight import compile_phrases, mark_all, phrases_of
from search_service.live_index import LiveIndex
from search_service.search import (SearchParams, SearchResult, find_document,
                                   list_documents, parse_query, run_search)
from search_service.users import User
from indexer.schema import SNIPPET_FIELDS

INLINE_TYPES = frozenset({"application/pdf"})
_MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain",
}
UNTYPED = "未分类"


@dataclass(frozen=True)
class ArchiveFile:
    """An original file, checked to lie inside the archive root."""

    path: Path
    media_type: str
    filename: str
    inline: bool


class ArchiveReader:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.index = LiveIndex(settings.index_dir)
        self.customers = CustomerCache()

    def search(self, user: User, params: SearchParams) -> SearchResult:
        with self.index.searcher() as searcher:
            return run_search(searcher, params)

    def document(self, user: User, doc_id: str, q: str = "") -> dict[str, Any]:
        """A document's metadata and text; ``text_html`` marks the matches of ``q``."""
        with self.index.searcher() as searcher:
            stored = self._stored(searcher, doc_id)
            pattern = compile_phrases(phrases_of(parse_query(searcher, q), SNIPPET_FIELDS)) \
                if q.strip() else None
        text = stored.pop("content", "")
        return {**stored, "doc_type_name": stored.get("doc_type_name") or "",
                "text": text, "text_html": mark_all(text, pattern)}

    def file(self, user: User, doc_id: str) -> ArchiveFile:
        """The original file of a document; never a path outside the archive root."""
        root = self._root()
        with self.index.searcher() as searcher:
            stored = self._stored(searcher, doc_id)
        path = _inside(root, stored["path"])
        media_type = _media_type(path)
        return ArchiveFile(path, media_type, path.name, media_type in INLINE_TYPES)

    def customer(self, user: User, account_no: str) -> dict[str, Any]:
        """A customer's master data and documents grouped by type (newest first)."""
        customer = self.customers.get(self.settings.resolved_root()).get(account_no)
        with self.index.searcher() as searcher:
            documents = list_documents(searcher, SearchParams(account_no=account_no))
        if customer is None and not documents:
            raise NotFoundError(f"没有户号为“{account_no}”的客户或档案")
        return {"account_no": account_no, "customer": _customer_dict(customer),
                "total": len(documents), "groups": group_by_type(documents)}

    def health(self) -> dict[str, Any]:
        """Liveness and index facts; no archive content."""
        try:
            return {"status": "ok", **self.index.facts()}
        except UnavailableError as exc:
            return {"status": "no_index", "documents": 0, "generation": None,
                    "last_commit": None, "message": exc.message}

    def _stored(self, searcher: Any, doc_id: str) -> dict[str, Any]:
        stored = find_document(searcher, doc_id)
        if stored is None:
            raise NotFoundError(f"没有编号为“{doc_id}”的档案")
        return stored

    def _root(self) -> Path:
        root = self.settings.resolved_root()
        if root is None or not root.is_dir():
            raise UnavailableError("档案目录未配置或不存在，无法提供原文件"
                                   "（请设置 ARCHIVE_SEARCH_ROOT 或 --root）")
        return root


def _inside(root: Path, relpath: str) -> Path:
    """``root/relpath`` resolved, refused unless it is a file below ``root``."""
    base = root.resolve()
    candidate = (base / relpath).resolve()
    if not candidate.is_relative_to(base) or candidate == base:
        raise NotFoundError("该档案的原文件不在档案目录内，拒绝读取")
    if not candidate.is_file():
        raise NotFoundError("该档案的原文件已不存在（可能已移动或删除，请重新建立索引）")
    return candidate


def _media_type(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    return _MEDIA_TYPES.get(suffix) or mimetypes.guess_type(path.name)[0] \
        or "application/octet-stream"


def _customer_dict(customer: Customer | None) -> dict[str, Any] | None:
    return asdict(customer) if customer is not None else None


def group_by_type(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Documents grouped by type in the business order of the type table, untyped last."""
    order = {t.code: n for n, t in enumerate(doctypes.DOC_TYPES)}
    groups: dict[str, list[dict[str, Any]]] = {}
    for doc in documents:
        groups.setdefault(doc["doc_type"] or "", []).append(doc)
    return [
        {"doc_type": code, "doc_type_name": doctypes.name_of(code) or UNTYPED,
         "count": len(docs), "documents": docs}
        for code, docs in sorted(groups.items(), key=lambda kv: order.get(kv[0], len(order)))
    ]
