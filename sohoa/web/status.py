"""Trạng thái: the queue, failed pages and quarantined files with their reasons; Retry; files the
hot folder keeps failing on (retried ever more rarely) and whether intake is paused; the last
fixity check (``sohoa check``) — all as ``sohoa status`` shows them, ID numbers masked.

The scanner's state (its recent batches; the devices SANE sees, on request) is on this page too
(``sohoa/web/scan.py``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from indexer.accounts import UserInfo
from indexer.results import retry_failed
from indexer.status import status
from sohoa.fixity import last_result, summary_vi
from sohoa.intakestate import read_intake
from sohoa.web.security import current_user, desk_of
from sohoa.web.templating import render

router = APIRouter(dependencies=[Depends(current_user)])

POLL_SECONDS = 5


def _context(request: Request) -> dict[str, object]:
    app = desk_of(request).app
    st = status(app.db, limit=50)
    fixity = last_result(app.settings.data_dir)
    return {
        "fixity": fixity,
        "fixity_line": summary_vi(fixity) if fixity else "chưa kiểm tra lần nào (người quản trị chạy: sohoa check)",
        "intake_state": read_intake(app.settings.data_dir) or {},
        "st": st,
        "poll_seconds": POLL_SECONDS,
        "queued": st.jobs.get("queued", 0),
        "running": st.jobs.get("running", 0),
        "done": st.jobs.get("done", 0),
        "failed": st.jobs.get("failed", 0),
        "inbox_dir": app.settings.inbox_dir,
        "quarantine_dir": app.settings.quarantine_dir,
    }


@router.get("/status")
def status_page(request: Request, retried: int | None = None) -> Response:
    from sohoa.web.scan import scanner_context

    ctx = _context(request)
    ctx["retried"] = retried
    ctx["scanner"] = scanner_context(request, limit=10)
    return render(request, "status/page.html", ctx, active="status")


@router.get("/status/summary")
def status_summary(request: Request) -> Response:
    return render(request, "status/_summary.html", _context(request))


@router.post("/status/retry")
def retry(
    request: Request,
    user: Annotated[UserInfo, Depends(current_user)],
    document_id: Annotated[int | None, Form()] = None,
) -> Response:
    n = retry_failed(desk_of(request).app.db, document_id, actor=user.username)
    return RedirectResponse(f"/status?retried={n}", status_code=303)
