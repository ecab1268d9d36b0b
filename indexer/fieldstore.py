"""Fields read from pages, in the database (table ``fields``, migration 0002).

``store_reading`` runs inside the transaction that finishes a page's job (indexer/results.py), so a
page's fields are stored exactly when its text is. ``document_fields`` is what ``sohoa show``
prints. The document's type is the type of its first non-blank page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from indexer.db import Database
from indexer.models import Document, FieldValue, Page, PageState

if TYPE_CHECKING:
    from indexer.fields.reading import DocumentReading


def store_reading(s: Session, document_id: int, page_id: int, reading: DocumentReading | None) -> None:
    s.execute(delete(FieldValue).where(FieldValue.page_id == page_id))
    if reading is None:
        s.execute(update(Page).where(Page.id == page_id).values(doc_type=None, register_entries=None))
    else:
        s.execute(
            update(Page)
            .where(Page.id == page_id)
            .values(doc_type=reading.doc_type, register_entries=reading.register_entries or None)
        )
        for f in reading.fields.values():
            s.add(
                FieldValue(
                    document_id=document_id,
                    page_id=page_id,
                    doc_type=reading.doc_type,
                    field_id=f.field_id,
                    label=f.label[:300],
                    section=f.section[:40],
                    raw_value=f.raw,
                    value=f.value,
                    normalized=f.normalized,
                    corrected_from=f.corrected_from,
                    correction_reason="; ".join(f.corrections) or None,
                    confidence=f.confidence,
                    needs_review=f.needs_review,
                    review_reasons=list(f.review_reasons),
                    boxes=[list(b) for b in f.boxes],
                    parsed=f.parsed or None,
                )
            )
    settle_doc_type(s, document_id)


def settle_doc_type(s: Session, document_id: int) -> str | None:
    """The document's type = the type of its first non-blank page read so far."""
    first = s.execute(
        select(Page.doc_type)
        .where(
            Page.document_id == document_id,
            Page.state == PageState.INDEXED,
            Page.blank.is_not(True),
            Page.doc_type.is_not(None),
        )
        .order_by(Page.page_no)
        .limit(1)
    ).scalar()
    if first is None:
        first = s.execute(
            select(Page.doc_type)
            .where(Page.document_id == document_id, Page.doc_type.is_not(None))
            .order_by(Page.page_no)
            .limit(1)
        ).scalar()
    s.execute(update(Document).where(Document.id == document_id).values(doc_type=first))
    return first


@dataclass
class ShownField:
    page_no: int
    field_id: str
    value: str
    raw_value: str
    confidence: float
    needs_review: bool
    review_reasons: list[str]
    corrected_from: str | None
    correction_reason: str | None
    confirmed_by: str | None
    doc_type: str


@dataclass
class DocumentFields:
    document_id: int
    title: str
    doc_type: str | None
    state: str
    page_types: list[tuple[int, str | None]] = field(default_factory=list)
    fields: list[ShownField] = field(default_factory=list)
    register_entries: list[tuple[int, list[Any]]] = field(default_factory=list)


def document_fields(db: Database, document_id: int) -> DocumentFields | None:
    with db.read() as s:
        doc = s.get(Document, document_id)
        if doc is None:
            return None
        out = DocumentFields(doc.id, doc.title, doc.doc_type, doc.state)
        pages = s.execute(
            select(Page.id, Page.page_no, Page.doc_type, Page.register_entries)
            .where(Page.document_id == document_id)
            .order_by(Page.page_no)
        ).all()
        out.page_types = [(p.page_no, p.doc_type) for p in pages]
        out.register_entries = [(p.page_no, p.register_entries) for p in pages if p.register_entries]
        page_no = {p.id: p.page_no for p in pages}
        rows = s.scalars(select(FieldValue).where(FieldValue.document_id == document_id).order_by(FieldValue.id)).all()
        for r in rows:
            out.fields.append(
                ShownField(
                    page_no.get(r.page_id, 0),
                    r.field_id,
                    r.confirmed_value or r.value,
                    r.raw_value,
                    r.confidence,
                    r.needs_review and not r.confirmed_by,
                    list(r.review_reasons or []),
                    r.corrected_from,
                    r.correction_reason,
                    r.confirmed_by,
                    r.doc_type,
                )
            )
        return out
