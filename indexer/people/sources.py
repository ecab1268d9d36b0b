"""Feed the name index from what other parts of sohoa read: a document's fields and the entries
of register pages. One call per document, in the transaction that stores its fields:

    index_document_people(session, document_id)

It replaces whatever people the document had, so calling it again after a clerk's correction or a
re-read is right. Register entries (``indexer.registers``) call :func:`indexer.people.index.replace_source`
with ``source_type="register_entry"`` themselves.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from indexer.models import FieldValue, Page
from indexer.people.index import PersonRecord, replace_source
from indexer.people.query import parse_date

log = logging.getLogger(__name__)

SOURCE_DOCUMENT = "document"
SOURCE_REGISTER_ENTRY = "register_entry"

# People named on forms who are citizens (officials who sign or receive are not indexed).
PERSON_ROLES = (
    "child",
    "mother",
    "father",
    "requester",
    "declarant",
    "deceased",
    "subject",
    "wife",
    "husband",
    "bride",
    "groom",
    "applicant",
)
_NAME_FIELD = re.compile(r"^([a-z]+)_name$")
_DOC_REGISTER = (
    ("khai_sinh", "khai_sinh"),
    ("ket_hon", "ket_hon"),
    ("khai_tu", "khai_tu"),
    ("tinh_trang_hon_nhan", "hon_nhan"),
    ("chung_thuc", "chung_thuc"),
)
_CHILD_LIKE = ("child", "subject")


def register_type_of(doc_type: str | None) -> str | None:
    for part, key in _DOC_REGISTER:
        if doc_type and part in doc_type:
            return key
    return None


def _year(value: str | None) -> int | None:
    return parse_date(value)[1] if value else None


def document_people(session: Session, document_id: int) -> list[PersonRecord]:
    """The people a document's stored fields and register entries name."""
    records: list[PersonRecord] = []
    rows = session.execute(
        select(
            FieldValue.page_id,
            FieldValue.doc_type,
            FieldValue.field_id,
            FieldValue.value,
            FieldValue.normalized,
            FieldValue.confirmed_value,
        )
        .where(FieldValue.document_id == document_id)
        .order_by(FieldValue.page_id, FieldValue.id)
    ).all()
    by_page: dict[int, dict[str, tuple[str, str | None]]] = {}
    types: dict[int, str] = {}
    for page_id, doc_type, field_id, value, normalized, confirmed in rows:
        by_page.setdefault(page_id, {})[field_id] = (confirmed or value or "", normalized)
        types[page_id] = doc_type
    for page_id, f in by_page.items():
        records.extend(_form_people(document_id, page_id, types[page_id], f, len(records)))
    pages: Sequence[tuple[int, str | None, list[dict[str, Any]] | None]] = session.execute(
        select(Page.id, Page.doc_type, Page.register_entries)
        .where(Page.document_id == document_id, Page.register_entries.is_not(None))
        .order_by(Page.page_no)
    ).all()
    for register_page, page_type, entries in pages:
        for entry in entries or []:
            records.extend(_entry_people(document_id, register_page, page_type, entry, len(records)))
    return records


def _form_people(
    document_id: int, page_id: int, doc_type: str, f: dict[str, tuple[str, str | None]], seq0: int
) -> list[PersonRecord]:
    def val(fid: str) -> str | None:
        v = f.get(fid)
        return v[0].strip() if v and v[0] and v[0].strip() else None

    def norm(fid: str) -> str | None:
        v = f.get(fid)
        return (v[1] or v[0]) if v else None

    reg_year = _year(norm("registration_date")) or _year(norm("signed_place_date")) or _year(norm("received_at"))
    commune = val("registration_place") or val("registered_at")
    rtype = register_type_of(doc_type)
    out: list[PersonRecord] = []
    names: list[tuple[str, str]] = []
    for fid in f:
        m = _NAME_FIELD.match(fid)
        role = m.group(1) if m else ("applicant" if fid == "applicant" else None)
        if role in PERSON_ROLES and val(fid):
            names.append((role, fid))
    for role, fid in names:
        birth = norm(f"{role}_birth_date") or norm(f"{role}_birth_year")
        child = role in _CHILD_LIKE
        out.append(
            PersonRecord(
                name=val(fid) or "",
                role=role,
                source_type=SOURCE_DOCUMENT,
                source_id=document_id,
                source_seq=seq0 + len(out),
                document_id=document_id,
                page_id=page_id,
                birth=birth,
                register_type=rtype,
                reg_year=reg_year,
                commune=commune,
                mother_name=val("mother_name") if child else None,
                father_name=val("father_name") if child else None,
            )
        )
    return out


def _entry_people(
    document_id: int, page_id: int, doc_type: str | None, e: dict[str, Any], seq0: int
) -> list[PersonRecord]:
    rtype = register_type_of(doc_type) or "khai_sinh"
    reg_year = _year(e.get("registration_date"))
    out: list[PersonRecord] = []
    child = (e.get("child_name") or "").strip()
    mother = (e.get("mother_name") or "").strip() or None
    father = (e.get("father_name") or "").strip() or None

    def record(
        name: str,
        role: str,
        seq: int,
        birth: str | None = None,
        mother_name: str | None = None,
        father_name: str | None = None,
    ) -> PersonRecord:
        return PersonRecord(
            name=name,
            role=role,
            source_type=SOURCE_DOCUMENT,
            source_id=document_id,
            source_seq=seq,
            document_id=document_id,
            page_id=page_id,
            register_type=rtype,
            reg_year=reg_year,
            birth=birth,
            mother_name=mother_name,
            father_name=father_name,
        )

    if child:
        out.append(record(child, "child", seq0, e.get("child_birth_date"), mother, father))
    for role, name in (("mother", mother), ("father", father)):
        if name:
            out.append(record(name, role, seq0 + len(out)))
    # the other ledgers' people (khai tử: deceased, declarant; kết hôn: wife, husband), by their name columns
    for col, value in e.items():
        m = _NAME_FIELD.match(col)
        other = m.group(1) if m else ""
        who = value.strip() if isinstance(value, str) else ""
        if other in PERSON_ROLES and other not in ("child", "mother", "father") and who:
            birth = e.get(f"{other}_birth_date")
            out.append(record(who, other, seq0 + len(out), birth if isinstance(birth, str) and birth else None))
    return out


def index_document_people(session: Session, document_id: int) -> int:
    """(Re)index the people a document names, in the caller's transaction. Returns how many.

    It runs inside the transaction that stores a page's OCR result and fields, in a savepoint: a
    failure here is logged and leaves the name index without this document until it is indexed
    again (a re-read, a clerk's correction of a field) rather than losing the page."""
    session.flush()  # the fields just added through the ORM
    try:
        with session.begin_nested():
            return len(replace_source(session, SOURCE_DOCUMENT, document_id, document_people(session, document_id)))
    except Exception:
        log.exception("name index: document %s not indexed", document_id)
        return 0
