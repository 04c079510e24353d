"""Every read of the archive goes through here: search, the catalog, the original files.

Routes and pages call only :class:`ArchiveReader`; each read is one method that receives
the user it is made for, so access scope, masking and the access log have one place to go.
"""

from __future__ import annotations

import mimetypes
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from whoosh.index import LockError

from indexer import doctypes
from indexer.catalog.page_lines import LineStore
from indexer.catalog.tables import RECORD_COLUMNS
from indexer.customers import Customer
from indexer.files import inside_archive
from indexer.schema import STATUS_DISPOSED, STATUS_OK
from indexer.sync import catch_up
from search_service.access.audit import ALLOWED, DENIED, Event, current_request
from search_service.access.control import Access
from search_service.access.lookups import NumberLookups
from search_service.access.masking import (canonical_numbers, mask_record, mask_text, masked_for,
                                           personal_numbers)
from search_service.access.policy import (Units, can_read_archives, can_see_failed_files,
                                          can_see_personal_data, in_scope, readable_units,
                                          role_label, scope_of, unit_in_reach)
from search_service.access.scope import Scope
from search_service.access.users import User
from search_service.archive_room.lending import Grants
from search_service.archive_room.room import ArchiveRoom
from search_service.config import Settings
from search_service.db import utcnow
from search_service.engines import open_engine
from search_service.engines.pairing import check_pairing, projected_day
from search_service.errors import ForbiddenError, NotFoundError, QueryError, UnavailableError
from search_service.oversight.customer import customer_oversight
from search_service.oversight.derived import Derivation
from search_service.query.segment import warm_up
from search_service.query.suggest import SuggestionIndex, nothing_found
from search_service.query.timewords import today_in
from search_service.query.understand import QueryContext, understand
from search_service.query.vocabulary import Vocabulary
from search_service.reading.customers import CustomerCache
from search_service.reading.search import (HIT_FIELDS, SearchParams, SearchResult, match_pattern,
                                           run_search)
from search_service.viewer.highlight import mark_all
from search_service.viewer.marks import Watermark
from search_service.viewer.page_cache import warm
from search_service.viewer.pages import copy_pdf, page_png
from search_service.viewer.render import is_paged

INLINE_TYPES = frozenset({"application/pdf"})
_MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain",
}
UNTYPED = "未分类"
UNMASKABLE_TYPES = frozenset({"YK02"})  # 身份证明: a copy of an ID card or licence
FAILED_FIELDS = ("doc_id", "path", "status", "error", "file_type", "account_no", "org")


@dataclass(frozen=True)
class ArchiveFile:
    """An original file, checked to lie inside the archive root."""

    path: Path
    media_type: str
    filename: str
    inline: bool


class ArchiveReader:
    """Reads for a user: within their scope, masked unless their role sees personal data,
    and each one written to the access log before anything is returned."""

    def __init__(self, settings: Settings, access: Access) -> None:
        self.settings = settings
        self.access = access
        self.engine = open_engine(settings)
        self.catalog = access.catalog
        self.page_lines = LineStore(access.catalog.engine)  # scans' OCR lines, for masking
        self.customers = CustomerCache()
        self.vocabulary = Vocabulary()
        self.room = ArchiveRoom(access.engine, access.audit, root=settings.resolved_root)
        self.lookups = NumberLookups(access.audit, settings.number_lookups)
        for procedure in (self.room.retention, self.room.handover):
            procedure.on_catalog_changed = self._catch_up
        self._checked_day = ""  # the day the engine's date-driven fields were last checked
        self._paired = ""  # the engine generation last found to belong to the catalog
        self._day_lock = threading.Lock()
        warm_up()

    def scope(self, user: User, units: Units | None = None) -> Scope:
        """What ``user`` may read (the one place a reader asks): their units, plus what their
        approved loans name (the archive room's grants, as data). ``units``: the tree the
        caller already holds, so one request reads it once."""
        accounts, doc_ids = self._grants(user)
        return scope_of(user, units or self.access.units(), accounts, doc_ids)

    def search(self, user: User, params: SearchParams) -> SearchResult:
        """A page of hits; a masked role's search by a complete personal number is a lookup
        under :mod:`search_service.access.lookups` (limited, recorded as such)."""
        self._require_archives(user, "search", target_account=params.account_no)
        self._check_pairing()
        self._keep_current()
        units = self.access.units()
        lexicon, suggestions = self._vocabulary(units)
        masked = not can_see_personal_data(user)
        numbers = personal_numbers(params.q)
        params = replace(params, q=canonical_numbers(params.q), masked=masked,
                         scope=self.scope(user, units),
                         context=replace(params.context or QueryContext(), lexicon=lexicon,
                                         today=today_in(self.settings.time_zone)))

        def run() -> SearchResult:
            found = run_search(self.engine, self.catalog, params)
            if found.total == 0 and params.q.strip():
                found.hints = self._hints(user, units, suggestions, params, params.context)
            return found

        def details(found: SearchResult) -> dict[str, Any]:
            return {"q": mask_text(params.q) if masked else params.q,
                    "filters": {k: list(v) for k, v in params.filters.items()},
                    "date_from": params.date_from, "date_to": params.date_to,
                    "page": found.page, "total": found.total,
                    "accounts": sorted({h["account_no"] for h in found.hits if h["account_no"]})}

        if numbers and masked:
            result = self.lookups.run(user, numbers, run, details,
                                      target_account=params.account_no)
        else:
            result = run()
            self._log(user, "search", target_account=params.account_no, details=details(result))
        return result  # masked for a masked role: run_search masks its hits

    def suggest(self, user: User, q: str) -> dict[str, Any]:
        """Customers, units and document types matching what is typed so far, within the
        user's scope. Not an archive read: nothing is logged."""
        if not can_read_archives(user):
            raise ForbiddenError(f"您的角色（{role_label(user.role)}）不能查阅档案")
        units = self.access.units()
        _, suggestions = self._vocabulary(units)
        return masked_for(user, suggestions.suggest(q, readable_units(user, units)))

    def _vocabulary(self, units: Units) -> tuple[Any, SuggestionIndex]:
        try:
            customers = self.customers.get(self.settings.resolved_root())
        except UnavailableError:
            customers = {}
        return self.vocabulary.get(customers, units.parents, units.aliases)

    def _hints(self, user: User, units: Units, suggestions: SuggestionIndex,
               params: SearchParams, context: QueryContext) -> dict[str, Any]:
        try:
            plan = understand(params.q, context)
        except QueryError:
            return {}
        filtered = bool(params.filters or params.date_from or params.date_to
                        or params.account_no)
        return nothing_found(plan, suggestions, readable_units(user, units), filtered)

    def document(self, user: User, doc_id: str, q: str = "") -> dict[str, Any]:
        """A document's metadata and text; ``text_html`` marks the matches of ``q``."""
        stored = self._stored(user, "document_view", doc_id)
        pattern = self._pattern(q)
        loan = self._loan(user, stored)
        self._log(user, "document_view", target_doc=doc_id,
                  target_account=stored.get("account_no", ""), details={"q": q, **loan})
        self._render_ahead(user, stored)
        text = stored.pop("content", "")
        masked = not self._unmasked(user, stored)
        body = {**stored, "file_allowed": self._file_refusal(user, stored, text) == "",
                "viewer_pages": _viewer_pages(stored), **loan}
        return {**(mask_record(body) if masked else body),  # the text: masked whole, then marked
                "text": mask_text(text) if masked else text,
                "text_html": mark_all(text, pattern, masked)}

    def file(self, user: User, doc_id: str) -> ArchiveFile:
        """The original file of a document; never a path outside the archive root."""
        root = self._root()
        stored = self._stored(user, "file_download", doc_id)
        loan = self._loan(user, stored)
        target = {"target_doc": doc_id, "target_account": stored.get("account_no", "")}
        refusal = self._file_refusal(user, stored, stored.get("content", ""))
        if refusal:
            self._log(user, "file_download", DENIED, "personal_data", **target)
            raise ForbiddenError(refusal)
        try:
            path = inside_archive(root, stored["path"])
        except NotFoundError:
            self._log(user, "file_download", DENIED, "file_unavailable", **target)
            raise
        self._log(user, "file_download", **target, details={"path": stored["path"], **loan})
        media_type = _media_type(path)
        return ArchiveFile(path, media_type, path.name, media_type in INLINE_TYPES)

    def page_image(self, user: User, doc_id: str, number: int, q: str = "") -> bytes:
        """Page ``number`` (from 1) as a watermarked PNG, masked unless the user may see
        personal data (or borrowed the original), the matches of ``q`` highlighted."""
        stored = self._stored(user, "page_view", doc_id)
        pattern = self._pattern(q)
        loan = self._loan(user, stored)
        masked = not self._unmasked(user, stored)
        target = {"target_doc": doc_id, "target_account": stored.get("account_no", "")}
        if not 1 <= number <= _viewer_pages(stored):
            self._log(user, "page_view", DENIED, "no_page", **target, details={"page": number})
            raise NotFoundError(f"该档案没有第 {number} 页的页面图像")
        path = self._viewable(user, "page_view", stored, masked, target)
        body = self._rendered(user, "page_view", target, lambda: page_png(
            path, stored["file_type"], number - 1, self._watermark(user), masked, pattern,
            self.page_lines))
        self._log(user, "page_view", **target, details={"page": number, "masked": masked,
                                                        "q": q, **loan})
        if number == 1 and _viewer_pages(stored) > 1:  # the reader scrolls on to page 2
            warm(path, stored["file_type"], 1, masked, self.page_lines)
        return body

    def masked_copy(self, user: User, doc_id: str) -> tuple[bytes, str]:
        """The masked copy (脱敏副本) as PDF, and a file name for it; no loan needed."""
        stored = self._stored(user, "copy_download", doc_id)
        loan = self._loan(user, stored)
        target = {"target_doc": doc_id, "target_account": stored.get("account_no", "")}
        paged = _viewer_pages(stored) > 0
        path = self._viewable(user, "copy_download", stored, True, target) if paged else Path()
        title = mask_text(stored.get("title") or Path(stored["path"]).stem)
        body = self._rendered(user, "copy_download", target, lambda: copy_pdf(
            path, stored["file_type"], stored.get("content", ""), title, self._watermark(user),
            self.page_lines))
        self._log(user, "copy_download", **target, details={"pages": _viewer_pages(stored),
                                                            **loan})
        return body, f"{mask_text(Path(stored['path']).stem)}_脱敏副本.pdf"

    def _render_ahead(self, user: User, stored: dict[str, Any]) -> None:
        """Start rendering the first page the viewer will ask for (issue 21: within 1 s)."""
        masked = not self._unmasked(user, stored)
        if not _viewer_pages(stored) or (masked and stored.get("doc_type") in UNMASKABLE_TYPES):
            return
        try:
            warm(inside_archive(self._root(), stored["path"]), stored["file_type"], 0, masked,
                 self.page_lines)
        except (NotFoundError, UnavailableError):
            pass

    def _viewable(self, user: User, action: str, stored: dict[str, Any], masked: bool,
                  target: dict[str, str]) -> Path:
        """The original file behind a page or a copy; ID documents are not shown masked."""
        if masked and stored.get("doc_type") in UNMASKABLE_TYPES:
            self._log(user, action, DENIED, "personal_data", **target)
            raise ForbiddenError("身份证明类档案无法遮蔽，只能由可查看个人信息的角色查看或借阅原件后查看")
        try:
            return inside_archive(self._root(), stored["path"])
        except NotFoundError:
            self._log(user, action, DENIED, "file_unavailable", **target)
            raise

    def _rendered(self, user: User, action: str, target: dict[str, str],
                  render: Callable[[], bytes]) -> bytes:
        try:
            return render()
        except Exception as exc:  # a file pdfium or Pillow cannot draw: recorded, then 503
            self._log(user, action, DENIED, "render_failed", **target,
                      details={"error": type(exc).__name__})
            raise UnavailableError("该档案的页面无法生成图像，请下载原文件或查看提取的文字") from exc

    def _watermark(self, user: User) -> Watermark:
        return Watermark(user.name, user.org, utcnow(), current_request.get().request_id)

    def customer(self, user: User, account_no: str) -> dict[str, Any]:
        """A customer's master data and documents grouped by type (newest first)."""
        self._require_archives(user, "customer_view", target_account=account_no)
        customer = self.customers.get(self.settings.resolved_root()).get(account_no)
        self._check_pairing()  # no index yet, or another catalog's: 503, as for a search
        scope = self.scope(user)
        everything = self.catalog.documents_of(account_no)
        documents = [{**{name: row[name] for name in HIT_FIELDS}, "score": None}
                     for row in everything if in_scope(scope, row)]
        exists = customer is not None or bool(everything)
        if customer is not None and not in_scope(scope, {"org": customer.org,
                                                         "account_no": account_no}):
            customer = None
        if customer is None and not documents:
            self._log(user, "customer_view", DENIED, "out_of_scope" if exists else "not_found",
                      target_account=account_no)
            raise NotFoundError(f"没有户号为“{account_no}”的客户或档案")
        self._log(user, "customer_view", target_account=account_no,
                  details={"documents": len(documents)})
        handover = self.room.handover.statuses(d["doc_id"] for d in documents)
        for doc in documents:
            doc["handover_status"] = handover[doc["doc_id"]]["status"]
        body = {"account_no": account_no, "customer": _customer_dict(customer),
                "total": len(documents), "groups": group_by_type(documents),
                "oversight": None if customer is None else customer_oversight(
                    self.access.engine, self.settings.resolved_root(), account_no),
                "paper": self.room.paper.location(account_no)}
        return masked_for(user, body)

    def failed_files(self, user: User) -> list[dict[str, Any]]:
        """Files in the user's scope that yielded no text, with the reason (archivists)."""
        if not can_see_failed_files(user):
            self._log(user, "failed_files", DENIED, "role")
            raise ForbiddenError(f"您的角色（{role_label(user.role)}）不能查看提取失败的文件")
        scope = self.scope(user)
        found = [{name: row[name] for name in FAILED_FIELDS}
                 for row in self.catalog.failed() if in_scope(scope, row)]
        self._log(user, "failed_files", details={"count": len(found)})
        return found

    def health(self) -> dict[str, Any]:
        """Liveness and index facts; no archive content."""
        try:
            return {"status": "ok", "documents": self.engine.count(),
                    "generation": self.engine.applied_batch(),
                    "last_commit": _iso(getattr(self.engine, "last_commit", lambda: None)())}
        except UnavailableError as exc:
            return {"status": "no_index", "documents": 0, "generation": None,
                    "last_commit": None, "message": exc.message}

    def _stored(self, user: User, action: str, doc_id: str) -> dict[str, Any]:
        """The document's catalog record if ``user`` may read it; otherwise 404 exactly like
        a missing one."""
        self._require_archives(user, action, target_doc=doc_id)
        self._check_pairing()  # no index yet, or another catalog's: 503, as for a search
        stored = self.catalog.get(doc_id)
        if stored is not None and stored["removed_at"] is not None:
            stored = None
        reason = ""
        if stored is None:
            reason = "not_found"
        elif not in_scope(self.scope(user), stored):
            reason = "out_of_scope"
        elif stored.get("status") == STATUS_DISPOSED:
            reason = "disposed"
        elif stored.get("status") != STATUS_OK and not can_see_failed_files(user):
            reason = "failed_file"
        if reason:
            self._log(user, action, DENIED, reason, target_doc=doc_id)
            raise NotFoundError(f"没有编号为“{doc_id}”的档案")
        return {name: stored[name] for name in RECORD_COLUMNS if name != "fs_path"}

    def _pattern(self, q: str) -> Any:
        """What to mark for query ``q``: every reading of it, as a search reads it."""
        lexicon, _ = self._vocabulary(self.access.units())
        return match_pattern(q, QueryContext(lexicon))

    def _check_pairing(self) -> None:
        """Refuse (503) an index built from another catalog; checked again whenever the
        index changed (a commit, a rebuild swapped in). No index yet: 503 as well."""
        generation = self.engine.generation()
        if generation != self._paired:
            check_pairing(self.engine, self.catalog, self.settings.index_dir,
                          self.settings.db_url())
            self._paired = generation

    def _keep_current(self) -> None:
        """On the first search of a new day, bring the date-driven fields (an overdue hazard,
        an expired contract) up to date in the background, unless that was already done."""
        today = date.today().isoformat()
        with self._day_lock:
            if self._checked_day == today:
                return
            self._checked_day = today
        projected = projected_day(self.engine, self.catalog)
        if projected and projected != today:
            threading.Thread(target=self._catch_up, name="daily-catch-up", daemon=True).start()

    def _catch_up(self) -> None:
        """Bring the search engine up to date with the catalog (after a disposal or a
        handover), through an
        engine of its own; while an indexing run holds the index, that run does it."""
        engine = open_engine(self.settings)
        try:
            catch_up(engine, self.catalog, Derivation(self.catalog.engine,
                                                      self.settings.resolved_root()))
        except (UnavailableError, LockError):
            pass  # the next index or reindex run catches up; reads already refuse it
        finally:
            engine.close()

    def _grants(self, user: User) -> Grants:
        return self.room.lending.grants_for(user)

    def _loan(self, user: User, stored: dict[str, Any]) -> dict[str, int]:
        """``{"loan": id}`` when ``user`` reads ``stored`` through a loan (outside their own
        scope, or its unmasked original), else ``{}``: the read's record names the loan."""
        grants = self._grants(user)
        doc, account = stored.get("doc_id", ""), stored.get("account_no", "")
        if not unit_in_reach(user, self.access.units(), stored.get("org", "")):
            loan = grants.loan_for(doc, account)
        else:
            loan = None if can_see_personal_data(user) else grants.original(doc, account)
        return {"loan": loan} if loan else {}

    def _unmasked(self, user: User, stored: dict[str, Any]) -> bool:
        """Personal data unmasked: the role's right, or a loan of the original."""
        return can_see_personal_data(user) or self._grants(user).original(
            stored.get("doc_id", ""), stored.get("account_no", "")) is not None

    def _require_archives(self, user: User, action: str, **target: str) -> None:
        if not can_read_archives(user):
            self._log(user, action, DENIED, "role", **target)
            raise ForbiddenError(f"您的角色（{role_label(user.role)}）不能查阅档案")

    def _file_refusal(self, user: User, stored: dict[str, Any], text: str) -> str:
        """Why ``user`` may not have the original file (it cannot be masked), or ""."""
        if self._unmasked(user, stored):
            return ""
        path = stored.get("path", "")
        if (stored.get("doc_type") in UNMASKABLE_TYPES or mask_text(text) != text
                or mask_text(path) != path):
            return ("该原文件含个人敏感信息（证件号码、手机号码或银行账号），无法遮蔽；"
                    f"您的角色（{role_label(user.role)}）只能在线查看遮蔽后的文字")
        return ""

    def _log(self, user: User, action: str, outcome: str = ALLOWED, reason: str = "",
             **fields: Any) -> None:
        self.access.audit.append(Event.by(user, action, outcome=outcome, reason=reason,
                                          **fields))

    def _root(self) -> Path:
        root = self.settings.resolved_root()
        if root is None or not root.is_dir():
            raise UnavailableError("档案目录未配置或不存在，无法提供原文件"
                                   "（请设置 ARCHIVE_SEARCH_ROOT 或 --root）")
        return root


def _iso(stamp: float | None) -> str | None:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(stamp, timezone.utc).isoformat() if stamp else None


def _viewer_pages(stored: dict[str, Any]) -> int:
    """How many page images the viewer shows (0: a format without pages)."""
    if stored.get("status") != STATUS_OK or not is_paged(stored.get("file_type", "")):
        return 0
    return max(int(stored.get("pages") or 0), 1)


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
