"""Quarantined files (cách ly): what intake refused, with the Vietnamese reason — the list the
desk's Trạng thái shows everyone. Downloading, readmitting and deleting stay on the desk (admins)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from indexer.status import status
from sohoa.logsetup import mask_ids
from sohoa.web.api.auth import Caller
from sohoa.web.api.common import app_of, utc
from sohoa.web.api.errors import responses

router = APIRouter(tags=["Trạng thái"])


class QuarantinedOut(BaseModel):
    id: int
    at: datetime | None
    file_name: str
    reason: str
    message: str
    detail: str


class QuarantineList(BaseModel):
    total: int
    files: list[QuarantinedOut]


@router.get("/quarantine", response_model=QuarantineList, responses=responses(), summary="Các tệp bị cách ly")
def get_quarantine(request: Request, p: Caller, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> QuarantineList:
    st = status(app_of(request).db, limit=limit)
    return QuarantineList(
        total=st.quarantine_total,
        files=[
            QuarantinedOut(
                id=q.id,
                at=utc(q.at),
                file_name=q.file_name,
                reason=q.reason,
                message=q.message,
                detail=mask_ids(q.detail),
            )
            for q in st.quarantine
        ],
    )
