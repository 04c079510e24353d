"""``GET /api/documents/{doc_id}`` and its original file."""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query
from fastapi.responses import FileResponse

from search_service.api.deps import CurrentUser, Reader
from search_service.api.models import Document
from search_service.reading.reader import ArchiveFile

router = APIRouter()

DocId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$", description="档案编号（16 位十六进制）")]


@router.get("/api/documents/{doc_id}", response_model=Document, summary="档案著录信息与全文")
def document(doc_id: DocId, user: CurrentUser, reader: Reader,
             q: Annotated[str, Query(max_length=500, description="要在全文中标出的检索词")] = ""
             ) -> dict:
    return reader.document(user, doc_id, q)


@router.get("/api/documents/{doc_id}/file", response_class=FileResponse, summary="下载原文件",
            responses={200: {"content": {"application/octet-stream": {}}}})
def document_file(doc_id: DocId, user: CurrentUser, reader: Reader,
                  download: Annotated[bool, Query(description="强制下载（PDF 默认在浏览器中打开）")]
                  = False) -> FileResponse:
    found = reader.file(user, doc_id)
    return FileResponse(found.path, headers={
        "Content-Type": found.media_type,  # as is: no charset guessed for text files
        "Content-Disposition": content_disposition(found, download),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",  # archive files hold personal data
    })


def content_disposition(found: ArchiveFile, download: bool) -> str:
    """``inline`` for PDFs unless downloading; the UTF-8 name (RFC 5987) and an ASCII fallback."""
    kind = "inline" if found.inline and not download else "attachment"
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", found.filename)
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(found.filename, safe='')}"
