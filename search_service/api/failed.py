"""``GET /api/failed-files``: files that yielded no text, for the archivists who fix them."""

from __future__ import annotations

from fastapi import APIRouter

from search_service.api.deps import CurrentUser, Reader
from search_service.api.models import FailedFiles

router = APIRouter()


@router.get("/api/failed-files", response_model=FailedFiles,
            summary="提取失败或不支持的文件（档案管理员，限本单位）")
def failed_files(user: CurrentUser, reader: Reader) -> dict:
    files = reader.failed_files(user)
    return {"total": len(files), "files": files}
