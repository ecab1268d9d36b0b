"""Trạng thái for programs: the queue, documents by state, failed pages, quarantine count, whether
intake is paused and the last fixity check — what ``sohoa status`` and the desk show, ID numbers
masked."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from indexer.status import status
from sohoa.fixity import last_result, summary_vi
from sohoa.intakestate import read_intake
from sohoa.logsetup import mask_ids
from sohoa.web.api.auth import Caller
from sohoa.web.api.common import app_of
from sohoa.web.api.errors import responses

router = APIRouter(tags=["Trạng thái"])


class FailureOut(BaseModel):
    document_id: int
    title: str
    page_no: int
    attempts: int
    kind: str | None
    error: str | None


class StatusOut(BaseModel):
    jobs: dict[str, int]
    documents: dict[str, int]
    pages_indexed: int
    quarantine_total: int
    failures: list[FailureOut]
    intake: dict[str, Any]
    fixity: str | None


@router.get("/status", response_model=StatusOut, responses=responses(), summary="Hàng đợi, lỗi, cách ly")
def get_status(request: Request, p: Caller) -> StatusOut:
    app = app_of(request)
    st = status(app.db, limit=50)
    fixity = last_result(app.settings.data_dir)
    return StatusOut(
        jobs={str(k): int(v) for k, v in st.jobs.items()},
        documents={str(k): int(v) for k, v in st.documents.items()},
        pages_indexed=st.pages_indexed,
        quarantine_total=st.quarantine_total,
        failures=[
            FailureOut(
                document_id=f.document_id,
                title=mask_ids(f.title),
                page_no=f.page_no,
                attempts=f.attempts,
                kind=f.kind,
                error=mask_ids(f.error) if f.error else None,
            )
            for f in st.failures
        ],
        intake=read_intake(app.settings.data_dir) or {},
        fixity=summary_vi(fixity) if fixity else None,
    )
