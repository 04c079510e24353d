"""The page viewer: a document's pages as images, and its masked copy (脱敏副本)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from search_service.api.archive_room import PDF_FILE, attachment
from search_service.api.deps import CurrentUser, Reader
from search_service.api.documents import DocId

router = APIRouter(tags=["档案页面"])


@router.get("/api/documents/{doc_id}/pages/{number}.png", summary="档案的一页（图像，带水印）",
            response_class=Response, responses={200: {"content": {"image/png": {}}}})
def page(doc_id: DocId, number: Annotated[int, Path(ge=1, le=10000)], user: CurrentUser,
         reader: Reader, q: Annotated[str, Query(max_length=500)] = "") -> Response:
    return Response(reader.page_image(user, doc_id, number, q), media_type="image/png",
                    headers={"Cache-Control": "private, no-store"})


@router.get("/api/documents/{doc_id}/masked.pdf", summary="下载脱敏副本（PDF，带水印）",
            **PDF_FILE)
def masked_copy(doc_id: DocId, user: CurrentUser, reader: Reader) -> Response:
    body, filename = reader.masked_copy(user, doc_id)
    return attachment(body, "application/pdf", filename)
