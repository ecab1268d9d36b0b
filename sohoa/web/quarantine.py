"""Quarantined files from the desk (admins): download one to look at it, put it back into the
inbox to be taken again (after the cause was fixed: a scanner that wrote half a file, a copy
interrupted), or delete it. Every action is audited with the file's name and reason.

Guarantees: only a regular file inside the quarantine folder is ever read, moved or deleted — never
a symlink, never a path outside it, whatever the database row says; a file put back gets a name no
other inbox file has; the row stays in the trail (the audit log) once the file is gone.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy import delete

from indexer.accounts import Role, UserInfo
from indexer.audit import audit
from indexer.models import QuarantineEntry
from sohoa.web.security import desk_of, require_role

admin_only = require_role(Role.ADMIN)
router = APIRouter(dependencies=[Depends(admin_only)])


def _entry(request: Request, qid: int) -> tuple[QuarantineEntry, Path | None]:
    """The row, and its file when it is a regular file inside the quarantine folder."""
    app = desk_of(request).app
    with app.db.read() as s:
        q = s.get(QuarantineEntry, qid)
        if q is None:
            raise HTTPException(404)
        s.expunge(q)
    root = app.settings.quarantine_dir.resolve()
    if not q.quarantine_path:
        return q, None
    p = Path(q.quarantine_path)
    if p.is_symlink() or not p.is_file():
        return q, None
    try:
        p.resolve().relative_to(root)
    except ValueError:
        return q, None
    return q, p


def _audit(request: Request, user: UserInfo, action: str, q: QuarantineEntry, **more: object) -> None:
    with desk_of(request).app.db.write() as s:
        audit(s, user.username, action, "quarantine", q.id, {"file": q.file_name, "reason": q.reason, **more})


@router.get("/status/quarantine/{qid}/file")
def quarantine_file(request: Request, qid: int, user: Annotated[UserInfo, Depends(admin_only)]) -> Response:
    q, p = _entry(request, qid)
    if p is None:
        raise HTTPException(404)
    _audit(request, user, "quarantine.download", q)
    return FileResponse(p, media_type="application/octet-stream", filename=q.file_name or p.name)


def _free_name(folder: Path, name: str) -> Path:
    base = Path(name).name or "tep"
    stem, suffix = os.path.splitext(base)
    target = folder / base
    n = 1
    while target.exists():
        target = folder / f"{stem}-{n}{suffix}"
        n += 1
    return target


@router.post("/status/quarantine/{qid}/readmit")
def quarantine_readmit(request: Request, qid: int, user: Annotated[UserInfo, Depends(admin_only)]) -> Response:
    q, p = _entry(request, qid)
    if p is None:
        raise HTTPException(404)
    inbox = desk_of(request).app.settings.inbox_dir
    target = _free_name(inbox, q.file_name or p.name)
    os.replace(p, target)  # the hot folder takes it again
    with desk_of(request).app.db.write() as s:
        s.execute(delete(QuarantineEntry).where(QuarantineEntry.id == q.id))
        audit(
            s,
            user.username,
            "quarantine.readmit",
            "quarantine",
            q.id,
            {"file": q.file_name, "reason": q.reason, "as": target.name},
        )
    return RedirectResponse("/status#quarantine", status_code=303)


@router.post("/status/quarantine/{qid}/delete")
def quarantine_delete(request: Request, qid: int, user: Annotated[UserInfo, Depends(admin_only)]) -> Response:
    q, p = _entry(request, qid)
    if p is not None:
        p.unlink()
    with desk_of(request).app.db.write() as s:
        s.execute(delete(QuarantineEntry).where(QuarantineEntry.id == q.id))
        audit(s, user.username, "quarantine.delete", "quarantine", q.id, {"file": q.file_name, "reason": q.reason})
    return RedirectResponse("/status#quarantine", status_code=303)
