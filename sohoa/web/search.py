"""Tra cứu: one box. People first — the citizens named in register entries and in documents'
fields, found by name (OCR-tolerant, diacritics or not) with birth date and parents' names when
typed (``indexer.people``), one row per person with all their sources and, for a parent, whose
record it is (``sohoa.web.search_people``) — then pages whose text matches, each with a thumbnail
and why it matched; links open the page, the searchable PDF, the register entry.

Each search is written to the audit trail with the records it showed: looking a citizen up by
name is access to personal data.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy import select

from indexer.accounts import UserInfo
from indexer.audit import audit
from indexer.models import RegisterFiling
from indexer.people.unified import search_all
from sohoa.logsetup import mask_ids
from sohoa.web.search_people import group_people
from sohoa.web.security import current_user, desk_of
from sohoa.web.templating import book_vi, render

router = APIRouter(dependencies=[Depends(current_user)])

LIMIT = 20  # pages per results page: each has a thumbnail; people come first
PEOPLE_LIMIT = 20
ROLE_VI = {
    "child": "người được khai sinh",
    "mother": "mẹ",
    "father": "cha",
    "deceased": "người chết",
    "wife": "vợ",
    "husband": "chồng",
    "bride": "vợ",
    "groom": "chồng",
    "applicant": "người yêu cầu",
    "declarant": "người đi khai",
    "subject": "người được xác nhận",
}


def _filed(db: Any, document_ids: list[int]) -> dict[int, int]:
    """document id → the register entry it is filed to."""
    if not document_ids:
        return {}
    with db.read() as s:
        return {
            d: e
            for d, e in s.execute(
                select(RegisterFiling.document_id, RegisterFiling.entry_id).where(
                    RegisterFiling.document_id.in_(document_ids), RegisterFiling.state == "linked"
                )
            ).all()
        }


def _search(db: Any, q: str) -> tuple[list[Any], list[Any], dict[int, tuple[int, str]], dict[int, int]]:
    """People hits, page hits, entry id → (book id, label), document id → filed entry id."""
    res = search_all(db, q, people_limit=PEOPLE_LIMIT, pages_limit=LIMIT)
    entries: dict[int, tuple[int, str]] = {}
    filed = _filed(
        db, sorted({h.document_id for h in res.pages} | {p.document_id for p in res.people if p.document_id})
    )
    ids = [h.source_id for h in res.people if h.source_type == "register_entry"] + list(filed.values())
    if ids:
        from indexer.models import RegisterBook, RegisterEntry
        from indexer.registers.model import book_key

        with db.read() as s:
            for eid, so, bid, bt, year, vol in s.execute(
                select(
                    RegisterEntry.id,
                    RegisterEntry.so,
                    RegisterBook.id,
                    RegisterBook.book_type,
                    RegisterBook.year,
                    RegisterBook.volume,
                )
                .join(RegisterBook, RegisterBook.id == RegisterEntry.book_id)
                .where(RegisterEntry.id.in_(ids))
            ).all():
                entries[eid] = (bid, f"{book_vi(book_key(bt, year, vol))}, số {so or '?'}")
    return res.people, res.pages, entries, filed


@router.get("/search")
def search_page(
    request: Request, user: Annotated[UserInfo, Depends(current_user)], q: Annotated[str, Query(max_length=200)] = ""
) -> Response:
    db = desk_of(request).app.db
    q = q.strip()
    people, hits, entries, filed = _search(db, q) if q else ([], [], {}, {})
    rows = group_people(db, people, filed)
    if q:
        with db.write() as s:
            audit(
                s,
                user.username,
                "search",
                "query",
                None,
                {
                    "q": mask_ids(q),  # the trail says who looked for whom, without whole ID numbers
                    "results": len(hits) + len(people),
                    "documents": sorted({h.document_id for h in hits})[:LIMIT],
                    "people": [f"{p.source_type}:{p.source_id}" for p in people],
                },
            )
    return render(
        request,
        "search.html",
        {
            "q": q,
            "hits": hits,
            "people": people,
            "rows": rows,
            "entries": entries,
            "filed": filed,
            "limit": LIMIT,
            "role_vi": ROLE_VI,
        },
        active="search",
    )
