"""The page viewer: a document's pages as images, and its masked copy (脱敏副本)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["档案页面"])
