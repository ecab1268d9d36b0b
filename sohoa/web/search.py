"""Tra cứu: one box; pages that match, best first, with why they matched and a thumbnail.

Each search is written to the audit trail with the documents it showed: looking a citizen up by
name is access to personal data.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from indexer.accounts import UserInfo
from indexer.audit import audit
from indexer.search import search
from sohoa.web.security import current_user, desk_of
from sohoa.web.templating import render

router = APIRouter(dependencies=[Depends(current_user)])

LIMIT = 50


@router.get("/search")
def search_page(request: Request, user: Annotated[UserInfo, Depends(current_user)],
                q: Annotated[str, Query(max_length=200)] = "") -> Response:
    db = desk_of(request).app.db
    q = q.strip()
    hits = search(db, q, limit=LIMIT) if q else []
    if q:
        with db.write() as s:
            audit(s, user.username, "search", "query", None,
                  {"q": q, "results": len(hits), "documents": sorted({h.document_id for h in hits})[:LIMIT]})
    return render(request, "search.html", {"q": q, "hits": hits, "limit": LIMIT}, active="search")
