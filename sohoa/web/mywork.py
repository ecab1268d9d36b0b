"""Việc của tôi: what is waiting for the person signed in, by role — for clerks (and admins) the
dossiers of the last weeks with fields to check or not yet filed, oldest first; for archivists (and
admins) the books with entries not verified; for admins, pages that failed.

Guarantees: the same counts and titles as the intake list (``sohoa.web.intake_rows``); read only.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from indexer.accounts import Role, UserInfo
from indexer.documents import documents_between, has_table
from sohoa.web.intake_rows import intake_rows
from sohoa.web.pageimages import THUMB
from sohoa.web.security import current_user, desk_of
from sohoa.web.templating import render

router = APIRouter(dependencies=[Depends(current_user)])
DAYS = 30


@router.get("/work")
def my_work(request: Request, user: Annotated[UserInfo, Depends(current_user)]) -> Response:
    desk = desk_of(request)
    db = desk.app.db
    ctx: dict[str, Any] = {"days": DAYS, "thumb": THUMB, "role": user.role}
    if user.role in (Role.CLERK, Role.ADMIN):
        since = datetime.now(desk.tz) - timedelta(days=DAYS)
        rows = intake_rows(db, documents_between(db, since, None, limit=1000))
        ctx["dossiers"] = sorted((r for r in rows if r.unconfirmed or r.filed is False), key=lambda r: r.doc.created_at)
    if user.role in (Role.ARCHIVIST, Role.ADMIN) and has_table(db, "register_books"):
        from indexer.registers.books import list_books

        ctx["books"] = [b for b in list_books(db) if b.entries > b.verified]
    if user.role == Role.ADMIN:
        from indexer.status import status

        ctx["failed"] = status(db, limit=1).jobs.get("failed", 0)
    return render(request, "work.html", ctx, active="work")
