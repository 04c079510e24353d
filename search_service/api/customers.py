"""``GET /api/customers/{account_no}``: a customer's whole archive."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from search_service.api.deps import CurrentUser, Reader
from search_service.api.models import CustomerResponse

router = APIRouter()

AccountNo = Annotated[str, Path(min_length=1, max_length=64, description="户号")]


@router.get("/api/customers/{account_no}", response_model=CustomerResponse,
            summary="客户资料与按类别分组的全部档案")
def customer(account_no: AccountNo, user: CurrentUser, reader: Reader) -> dict:
    return reader.customer(user, account_no)
