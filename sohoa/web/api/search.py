"""Tra cứu for programs: people named in register entries and documents' fields (OCR-tolerant,
with or without diacritics, birth date or year, parents), then pages whose text matches — the same
:func:`indexer.people.unified.search_all` as the desk and ``sohoa search``, keys as in
``sohoa search --json``.

Each search goes to the audit trail with the records it returned, as on the desk: looking a
citizen up is access to personal data.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from indexer.people.unified import search_all
from sohoa.web.api.auth import Caller
from sohoa.web.api.callaudit import note
from sohoa.web.api.common import app_of
from sohoa.web.api.errors import responses

router = APIRouter(tags=["Tra cứu"])
MAX_LIMIT = 100
Text = Annotated[str | None, Query(max_length=200)]


class PersonOut(BaseModel):
    rank: int
    person_id: int
    name: str
    role: str
    birth_date: date | None
    birth_year: int | None
    mother_name: str | None
    father_name: str | None
    register_type: str | None
    registration_year: int | None
    commune: str | None
    source_type: str
    source_id: int
    entry_id: int | None
    document_id: int | None
    page_id: int | None
    tier: int
    why: str
    matched: list[str]


class PageOut(BaseModel):
    rank: int
    document_id: int
    page_id: int
    page_no: int
    title: str
    tier: int
    score: float
    why: str
    snippet: str


class SearchOut(BaseModel):
    q: str
    described: str
    people: list[PersonOut]
    pages: list[PageOut]


@router.get("/search", response_model=SearchOut, responses=responses(), summary="Tìm người và trang")
def get_search(
    request: Request,
    p: Caller,
    q: Annotated[
        str, Query(min_length=1, max_length=200, description="họ tên, có dấu hoặc không; có thể kèm năm sinh")
    ],
    born: Text = None,
    mother: Text = None,
    father: Text = None,
    type: Text = None,
    year: Annotated[int | None, Query(ge=1800, le=2200)] = None,
    commune: Text = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
    pages: Annotated[bool, Query(description="cả các trang có chữ khớp")] = True,
) -> SearchOut:
    options = {
        "born": born,
        "mother": mother,
        "father": father,
        "register_type": type,
        "year": year,
        "commune": commune,
    }
    res = search_all(app_of(request).db, q, people_limit=limit, pages_limit=limit if pages else 0, **options)
    note(
        request,
        results=len(res.people) + len(res.pages),
        documents=sorted({h.document_id for h in res.pages})[:MAX_LIMIT],
        people=[f"{h.source_type}:{h.source_id}" for h in res.people],
    )
    return SearchOut(
        q=q,
        described=res.query.describe(),
        people=[
            PersonOut(
                rank=i,
                person_id=h.person_id,
                name=h.name,
                role=h.role,
                birth_date=h.birth_date,
                birth_year=h.birth_year,
                mother_name=h.mother_name,
                father_name=h.father_name,
                register_type=h.register_type,
                registration_year=h.reg_year,
                commune=h.commune,
                source_type=h.source_type,
                source_id=h.source_id,
                entry_id=h.source_id if h.source_type == "register_entry" else None,
                document_id=h.document_id,
                page_id=h.page_id,
                tier=h.match.tier,
                why=h.why,
                matched=list(h.matched),
            )
            for i, h in enumerate(res.people, 1)
        ],
        pages=[
            PageOut(
                rank=i,
                document_id=h.document_id,
                page_id=h.page_id,
                page_no=h.page_no,
                title=h.title,
                tier=h.tier,
                score=h.score,
                why=h.why,
                snippet=h.snippet,
            )
            for i, h in enumerate(res.pages, 1)
        ],
    )
