"""The Scan button of Tiếp nhận and the scanner's state (intake and status pages).

A scan runs in a background thread of the desk's process, through the same supervised scan child
as ``sohoa scan`` (``sohoa.scanning.run_scan``): each page is stored and queued for OCR as it
arrives, so it shows up in the intake list by itself. One scan at a time per desk; a second
press while one runs is refused politely. The state shown is the database's record of scan batches
(``scan_batches``): the running batch, or the last one with its outcome in Vietnamese.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from indexer.accounts import UserInfo
from indexer.audit import audit
from indexer.scanbatches import BatchInfo, DbBatchRecorder
from sohoa.app import App
from sohoa.web.security import current_user, desk_of
from sohoa.web.templating import render

log = logging.getLogger(__name__)
router = APIRouter(dependencies=[Depends(current_user)])

BATCH_STATE_VI = {
    "scanning": "đang quét",
    "complete": "xong",
    "incomplete": "dừng giữa chừng",
    "interrupted": "bị ngắt",
}
RESUMABLE = ("incomplete", "interrupted")  # a batch that stopped before the feeder ran out


@dataclass
class ScanControl:
    """The desk's one scanner: whether a scan runs, and how the last one ended."""

    app: App
    lock: threading.Lock = field(default_factory=threading.Lock)
    thread: threading.Thread | None = None
    running_profile: str = ""
    started_by: str = ""
    last_error: str = ""

    @property
    def busy(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def start(self, profile: str, actor: str, resume: int | None = None) -> str | None:
        """Start a scan — or, with ``resume``, go on with a batch that stopped (a jam, the cover
        open …: same device and profile, the same dossier); returns why not, or None."""
        from sohoa.scanning import UnknownBatch, UnknownProfile, profile_from_settings

        if resume is not None:
            prev = DbBatchRecorder(self.app.db).get(resume)
            if prev is None:
                return UnknownBatch(resume).message
            if prev.state not in RESUMABLE:
                return f"Lô quét {resume} đã {BATCH_STATE_VI.get(prev.state, prev.state)}: không cần quét tiếp."
            profile = prev.profile
        try:
            profile_from_settings(self.app.settings, profile)
        except UnknownProfile as e:
            return e.message
        with self.lock:
            if self.busy:
                return f"Máy quét đang quét (hồ sơ quét «{self.running_profile}», {self.started_by} bấm). Đợi xong rồi bấm lại."
            self.running_profile, self.started_by, self.last_error = profile, actor, ""
            self.thread = threading.Thread(target=self._run, args=(profile, resume), name="desk-scan", daemon=True)
            self.thread.start()
        return None

    def _run(self, profile: str, resume: int | None = None) -> None:
        from sohoa.scanning import run_scan

        try:
            out = run_scan(self.app, None if resume is not None else profile, resume=resume)
            if out.failure is not None:
                self.last_error = out.message
        except Exception as e:
            log.exception("scan from the desk failed")
            self.last_error = f"Lỗi khi quét: {type(e).__name__}"

    def join(self, timeout: float) -> None:
        t = self.thread
        if t is not None:
            t.join(timeout)


def control_of(request: Request) -> ScanControl:
    state = request.app.state
    ctl = getattr(state, "scan_control", None)
    if ctl is None:
        ctl = state.scan_control = ScanControl(desk_of(request).app)
    return ctl


def scanner_context(request: Request, limit: int = 5) -> dict[str, object]:
    app = desk_of(request).app
    ctl = control_of(request)
    sc = app.settings.scanner
    batches: list[BatchInfo] = DbBatchRecorder(app.db).recent(limit)
    return {
        "profiles": sorted(sc.profiles),
        "default_profile": sc.default_profile,
        "device": sc.device or "tự tìm",
        "busy": ctl.busy,
        "running_profile": ctl.running_profile,
        "last_error": ctl.last_error,
        "batches": batches,
        "batch_state_vi": BATCH_STATE_VI,
        "resumable": RESUMABLE,
    }


@router.post("/intake/scan")
def scan_start(
    request: Request,
    user: Annotated[UserInfo, Depends(current_user)],
    profile: Annotated[str, Form(max_length=80)] = "",
    resume: Annotated[int | None, Form()] = None,
) -> Response:
    app = desk_of(request).app
    profile = profile or app.settings.scanner.default_profile
    ctl = control_of(request)
    why = ctl.start(profile, user.username, resume)
    if why is None:
        profile = ctl.running_profile  # a resumed batch keeps its own profile
    detail = {"profile": profile, **({"resume": resume} if resume is not None else {}), **({"why": why} if why else {})}
    with app.db.write() as s:
        audit(s, user.username, "scan.request" if why is None else "scan.refused", "scanner", None, detail)
    if request.headers.get("HX-Request"):
        ctx = scanner_context(request)
        ctx["error"] = why or ""
        return render(request, "intake/_scanner.html", ctx)
    return RedirectResponse("/intake", status_code=303)


@router.get("/intake/scanner")
def scanner_state(request: Request) -> Response:
    """The scan controls and the state of the current or last batch (polled while a scan runs)."""
    return render(request, "intake/_scanner.html", scanner_context(request))


@router.get("/status/scanners")
async def scanner_devices(request: Request) -> Response:
    """The scanners SANE sees now (asked through a scan child: a few seconds)."""
    from capture.scanner.session import list_devices
    from sohoa.scanning import child_config

    app = desk_of(request).app
    error = ""
    try:
        devices = await run_in_threadpool(list_devices, child_config(app.settings))
    except Exception as e:
        devices, error = [], getattr(e, "message", "") or f"Không hỏi được máy quét ({type(e).__name__})."
    return render(
        request,
        "status/_scanners.html",
        {"devices": devices, "error": error, "configured": app.settings.scanner.device},
    )
