"""Exporting a handover batch as electronic-record packages (``export-eep``, the handover
page's button).

Who: a reading role of the batch's unit (the archivist's export carries the originals; a
role without personal-data rights gets masked packages: masked text, no original file);
others are refused and the refusal logged. What: the batch's accepted documents within the
user's scope, each original re-hashed against the SHA-256 recorded at indexing (a file
changed since is refused by name: run ``archive-search verify``). Every exported document is
one access-log record (``eep_export``), written before the export is handed out.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from indexer.files import inside_archive, sha256_of
from indexer.schema import STATUS_OK
from search_service.access.audit import DENIED, Event
from search_service.access.masking import mask_text
from search_service.access.policy import (can_export_records, can_see_personal_data, in_scope,
                                          role_label)
from search_service.archive_room.eep.package import (MANIFEST, PACKAGE_DIR, SM3, Batch, Entry,
                                                     digests, manifest_xml, package_xml,
                                                     record_from)
from search_service.archive_room.handover import ACCEPTED
from search_service.db import serialized, utcnow
from search_service.errors import ForbiddenError, NotFoundError, QueryError
from search_service.timefmt import beijing_date

if TYPE_CHECKING:
    from search_service.access.users import User
    from search_service.reading.reader import ArchiveReader

ACTION = "eep_export"


@dataclass(frozen=True)
class Exported:
    """What an export wrote: the file, its batch, how many packages, masked or not."""

    path: Path
    batch_no: str
    packages: int
    masked: bool

    @property
    def file_name(self) -> str:
        return f"电子档案封装包_{self.batch_no}{'_脱敏' if self.masked else ''}.zip"


class EepExport:
    """The export action over a service's reader (its catalog, scope, archive room, log)."""

    def __init__(self, reader: ArchiveReader) -> None:
        self.reader = reader

    def export(self, user: User, batch_id: int, target: Path) -> Exported:
        """Write the packages of batch ``batch_id`` as a zip at ``target``."""
        batch = self._batch(user, batch_id)
        masked = not can_see_personal_data(user)
        scope = self.reader.scope(user)
        accepted = {d["doc_id"]: beijing_date(d["decided_at"]) for d in batch["documents"]
                    if d["handover_status"] == ACCEPTED}
        stored = self.reader.catalog.records(accepted)
        rows = [{**stored[i], "accepted_at": day} for i, day in accepted.items()
                if i in stored and in_scope(scope, stored[i])
                and stored[i]["status"] == STATUS_OK and stored[i]["removed_at"] is None]
        if not rows:
            raise QueryError(f"移交批次 {batch['batch_no']} 没有已接收且可导出的档案"
                             "（档案接收后才能导出封装包）")
        receivers = sorted({d["decided_by"] for d in batch["documents"]
                            if d["handover_status"] == ACCEPTED})  # an open batch: so far
        people = Batch(batch["batch_no"], batch["org"], batch["submitted_by"],
                       batch["received_by"] or "、".join(receivers),
                       f"{user.name}（{role_label(user.role)}，{user.org or '全部单位'}）")
        originals = self._originals(rows)
        self._write(target, rows, originals, people, masked)
        with serialized(self.reader.access.engine) as conn:
            for row in rows:
                self.reader.access.audit.append(Event.by(
                    user, ACTION, target_doc=row["doc_id"], target_account=row["account_no"],
                    details={"batch": batch["batch_no"], "masked": masked}), conn)
        return Exported(target, batch["batch_no"], len(rows), masked)

    def _batch(self, user: User, batch_id: int) -> dict[str, Any]:
        """The batch, if ``user`` may export it; refusals are logged."""
        units = self.reader.access.units()
        if not can_export_records(user):
            self._refuse(user, batch_id, "role")
            raise ForbiddenError(f"您的角色（{role_label(user.role)}）不能导出电子档案封装包")
        try:
            return self.reader.room.handover.batch(user, units, batch_id, log=False)
        except NotFoundError:
            self._refuse(user, batch_id, "out_of_scope")
            raise

    def _refuse(self, user: User, batch_id: int, reason: str) -> None:
        self.reader.access.audit.append(Event.by(user, ACTION, outcome=DENIED, reason=reason,
                                                 details={"batch": batch_id}))

    def _originals(self, rows: list[dict[str, Any]]) -> dict[str, Path]:
        """Each document's file, its SHA-256 checked against the catalog's."""
        root = self.reader._root()
        found, changed = {}, []
        for row in rows:
            path = inside_archive(root, row["path"])
            if sha256_of(path) != row["sha256"]:
                changed.append(row["path"])
            found[row["doc_id"]] = path
        if changed:
            raise QueryError("这些原文件与建立索引时登记的哈希不一致，未导出（请先运行 "
                             f"archive-search verify 并重新索引）：{'、'.join(changed[:10])}")
        return found

    def _write(self, target: Path, rows: list[dict[str, Any]], originals: dict[str, Path],
               people: Batch, masked: bool) -> None:
        """The zip: records/NNNN_<档案编号>.xml and the manifest, written then moved into
        place (no half-written export is ever left under ``target``)."""
        now = utcnow()
        entries = []
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".eep-", suffix=".zip")
        os.close(handle)
        try:
            with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
                for n, row in enumerate(rows, start=1):
                    data = originals[row["doc_id"]].read_bytes()
                    text = mask_text(row["content"]) if masked else row["content"]
                    body = package_xml(record_from(row, text, row["accepted_at"]), people,
                                       None if masked else data, now, digests(data).get(SM3, ""))
                    name = f"{PACKAGE_DIR}/{n:04d}_{row['doc_id']}.xml"
                    archive.writestr(name, body)
                    entries.append(Entry(name, row["doc_id"], row["archive_no"], row["title"],
                                         row["account_no"], len(body), digests(body)))
                archive.writestr(MANIFEST, manifest_xml(people, entries, masked, now))
            os.replace(temporary, target)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
