"""A clerk's corrections and confirmations of the fields read from a page (the web desk).

The value read by OCR stays in ``fields.value``; the clerk's value goes to ``confirmed_value``
(what the desk, filing and the name index use first). ``confirmed_by``/``confirmed_at`` record
that a person checked it: saving a changed value (as the clerk types) clears them, confirming
(Enter) sets them. Every change is written to the audit trail with the old and the new value —
personal ID numbers masked, as in the logs — and the document's people are re-indexed so the
name search finds the corrected name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from indexer.audit import audit
from indexer.db import Database
from indexer.models import FieldValue, Page, utcnow
from indexer.people.sources import index_document_people

# As sohoa.logsetup masks logs: a 12-digit personal ID or a 9-digit CMND is never written in full.
_ID = re.compile(r"(?<!\d)(\d{4})(\d{3}|\d{6})(\d{2})(?!\d)")


def mask_ids(text: str) -> str:
    return _ID.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), text)


MAX_VALUE = 500


class FieldNotFound(LookupError):
    pass


@dataclass(frozen=True)
class FieldState:
    field_id: str
    value: str
    changed: bool  # the stored value changed with this call
    confirmed_by: str | None
    confirmed_at: datetime | None
    needs_review: bool


def _clean(value: str) -> str:
    return " ".join((value or "").split())[:MAX_VALUE]


def _state(f: FieldValue, changed: bool) -> FieldState:
    return FieldState(
        f.field_id,
        f.confirmed_value if f.confirmed_value is not None else f.value,
        changed,
        f.confirmed_by,
        f.confirmed_at,
        bool(f.needs_review) and not f.confirmed_by,
    )


def _reindex_people(s: Session, document_id: int) -> None:
    index_document_people(s, document_id)  # in a savepoint; a failure is logged, the correction kept


def _unread_field(s: Session, page_id: int, field_id: str) -> FieldValue:
    """A field the page's document type prints but the reader did not find: a row with nothing
    read (empty value, no box, confidence 0) for the clerk's value. Raises FieldNotFound for a
    field the type does not have."""
    from indexer.fields import catalogue

    page = s.get(Page, page_id)
    dt = catalogue.load().get(page.doc_type if page else None)
    if page is None or dt is None or page.doc_type is None or field_id not in dt.field_ids():
        raise FieldNotFound(field_id)
    f = FieldValue(
        document_id=page.document_id,
        page_id=page_id,
        doc_type=page.doc_type,
        field_id=field_id,
        label="",
        section="",
        raw_value="",
        value="",
        confidence=0.0,
        needs_review=False,
        review_reasons=[],
        boxes=[],
    )
    return f


def save_field(
    db: Database, page_id: int, field_id: str, value: str, *, actor: str, confirm: bool = False
) -> FieldState:
    """Store the clerk's value of a field; with ``confirm``, also mark it checked by ``actor``.

    Saving the value already stored changes nothing (a late autosave after Enter does not undo
    the confirmation). A field of the page's type that the reader did not find is created with
    nothing read, so the clerk's value is stored beside an empty reading."""
    new = _clean(value)
    with db.write() as s:
        f = s.scalar(select(FieldValue).where(FieldValue.page_id == page_id, FieldValue.field_id == field_id))
        unread = f is None
        if f is None:
            f = _unread_field(s, page_id, field_id)
        old = f.confirmed_value if f.confirmed_value is not None else f.value
        changed = new != old
        if unread and (changed or confirm):
            s.add(f)  # kept only once the clerk typed a value or confirmed there is none
        if changed:
            f.confirmed_value = new
            f.confirmed_by, f.confirmed_at = None, None
            audit(
                s,
                actor,
                "field.edit",
                "document",
                f.document_id,
                {"page_id": page_id, "field": field_id, "old": mask_ids(old or ""), "new": mask_ids(new)},
            )
        if confirm and (changed or f.confirmed_by is None):
            if f.confirmed_value is None:
                f.confirmed_value = f.value
            f.confirmed_by, f.confirmed_at = actor, utcnow()
            audit(
                s,
                actor,
                "field.confirm",
                "document",
                f.document_id,
                {"page_id": page_id, "field": field_id, "value": mask_ids(new)},
            )
        if changed:
            s.flush()
            _reindex_people(s, f.document_id)
        return _state(f, changed)


def confirm_all(db: Database, page_id: int, *, actor: str) -> int:
    """Confirm every field of a page not confirmed yet, as shown. Returns how many."""
    n = 0
    with db.write() as s:
        rows = s.scalars(
            select(FieldValue).where(FieldValue.page_id == page_id, FieldValue.confirmed_by.is_(None))
        ).all()
        for f in rows:
            if f.confirmed_value is None:
                f.confirmed_value = f.value
            f.confirmed_by, f.confirmed_at = actor, utcnow()
            n += 1
        if rows:
            audit(
                s,
                actor,
                "field.confirm",
                "document",
                rows[0].document_id,
                {"page_id": page_id, "fields": [f.field_id for f in rows]},
            )
    return n
