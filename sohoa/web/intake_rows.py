"""The intake list's rows as a clerk reads them: what each document is and whom it names
("Tờ khai đăng ký khai sinh — TRẦN THỊ KIM TƯƠI"), how many fields are left to check, filed or not.

Guarantees: one query for the fields and one for the filings of the whole list (never one per
row); a document with no fields read yet keeps its file name as title; counts are those the
document view shows (doubtful fields not confirmed; fields not confirmed). Never writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from indexer.db import Database
from indexer.documents import DocumentRow
from indexer.models import FieldValue, RegisterFiling

# Whom a document names first, for documents outside the registers' vocabulary.
_NAME_FIELDS = ("subject_name", "applicant", "requester_name", "full_name", "name")
SHOW = {"can-kiem-tra": "Cần kiểm tra", "chua-vao-so": "Chưa vào sổ"}


@dataclass(frozen=True)
class IntakeRow:
    doc: DocumentRow
    title: str
    kind: str | None  # the document type id, when fields were read
    kind_vi: str
    to_check: int  # doubtful fields nobody confirmed yet
    unconfirmed: int
    filed: bool | None  # None: not a document of a register

    @property
    def id(self) -> int:
        return self.doc.id


def _title_vi(doc_type: str) -> str:
    try:
        from indexer.fields import catalogue

        dt = catalogue.load().doc_types.get(doc_type)
    except Exception:  # the catalogue belongs to field extraction; a list title is not worth failing the list
        dt = None
    return dt.title_vi if dt is not None else doc_type


def _name_fields(doc_type: str) -> tuple[str, ...]:
    from indexer.registers.vocabulary import book_type_of_document

    bt = book_type_of_document(doc_type)
    if bt is None:
        return _NAME_FIELDS
    return tuple(fid for fid, key in bt.fields.items() if key == bt.name_key) + _NAME_FIELDS


def intake_rows(db: Database, docs: list[DocumentRow]) -> list[IntakeRow]:
    from indexer.registers.vocabulary import book_type_of_document

    ids = [d.id for d in docs]
    fields: dict[int, list[Any]] = {}
    linked: set[int] = set()
    if ids:
        with db.read() as s:
            for row in s.execute(
                select(
                    FieldValue.document_id,
                    FieldValue.doc_type,
                    FieldValue.field_id,
                    FieldValue.value,
                    FieldValue.confirmed_value,
                    FieldValue.needs_review,
                    FieldValue.confirmed_by,
                )
                .where(FieldValue.document_id.in_(ids))
                .order_by(FieldValue.document_id, FieldValue.page_id, FieldValue.id)
            ):
                fields.setdefault(row[0], []).append(row)
            linked = set(
                s.scalars(
                    select(RegisterFiling.document_id).where(
                        RegisterFiling.document_id.in_(ids),
                        RegisterFiling.state == "linked",
                        RegisterFiling.decided_by != "system",  # a machine's link waits for a person
                    )
                )
            )
    out = []
    for d in docs:
        rows = fields.get(d.id, [])
        kind = rows[0][1] if rows else None
        title, kind_vi = d.title, ""
        if kind:
            kind_vi = _title_vi(kind)
            values = {fid: (c or v or "").strip() for _, dt, fid, v, c, _, _ in rows if dt == kind}
            name = next((values[f] for f in _name_fields(kind) if values.get(f)), "")
            title = f"{kind_vi} — {name}" if name else kind_vi
        out.append(
            IntakeRow(
                d,
                title,
                kind,
                kind_vi,
                sum(1 for r in rows if r[5] and not r[6]),
                sum(1 for r in rows if not r[6]),
                (d.id in linked) if kind and book_type_of_document(kind) is not None else None,
            )
        )
    return out


def keep(rows: list[IntakeRow], show: str, kind: str) -> list[IntakeRow]:
    """The rows a filter keeps: ``can-kiem-tra`` (fields left to check or confirm), ``chua-vao-so``
    (register documents not filed), and a document type."""
    if show == "can-kiem-tra":
        rows = [r for r in rows if r.unconfirmed]
    elif show == "chua-vao-so":
        rows = [r for r in rows if r.filed is False]
    if kind:
        rows = [r for r in rows if r.kind == kind]
    return rows
