"""Feed the name index from what other parts of sohoa read: a document's fields (issue 3) and the
entries of register pages. One call per document, in the transaction that stores its fields:

    index_document_people(session, document_id)

It replaces whatever people the document had, so calling it again after a clerk's correction or a
re-read is right. Register entries of issue 5 call :func:`indexer.people.index.replace_source`
with ``source_type="register_entry"`` themselves.
"""

from __future__ import annotations

import logging
import re
import weakref
from collections.abc import Iterable
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from indexer.db import Database
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

_schema_cache: weakref.WeakKeyDictionary[Any, tuple[bool, bool]] = weakref.WeakKeyDictionary()


def register_type_of(doc_type: str | None) -> str | None:
    for part, key in _DOC_REGISTER:
        if doc_type and part in doc_type:
            return key
    return None


def _schema(session: Session) -> tuple[bool, bool]:
    """(the fields table exists, pages.register_entries exists) — cached per engine."""
    engine = session.get_bind().engine
    got = _schema_cache.get(engine)
    if got is None:
        insp = inspect(session.connection())
        tables = set(insp.get_table_names())
        has_fields = "fields" in tables
        has_entries = "pages" in tables and any(c["name"] == "register_entries" for c in insp.get_columns("pages"))
        got = _schema_cache[engine] = (has_fields, has_entries)
    return got


def _year(value: str | None) -> int | None:
    return parse_date(value)[1] if value else None


def document_people(session: Session, document_id: int) -> list[PersonRecord]:
    """The people a document's stored fields and register entries name."""
    has_fields, has_entries = _schema(session)
    records: list[PersonRecord] = []
    if has_fields:
        rows = session.execute(
            text(
                "SELECT page_id, doc_type, field_id, value, normalized, confirmed_value FROM fields "
                "WHERE document_id = :d ORDER BY page_id, id"
            ),
            {"d": document_id},
        ).all()
        by_page: dict[int, dict[str, tuple[str, str | None]]] = {}
        types: dict[int, str] = {}
        for page_id, doc_type, field_id, value, normalized, confirmed in rows:
            by_page.setdefault(page_id, {})[field_id] = (confirmed or value or "", normalized)
            types[page_id] = doc_type
        for page_id, f in by_page.items():
            records.extend(_form_people(document_id, page_id, types[page_id], f, len(records)))
    if has_entries:
        pages = session.execute(
            text(
                "SELECT id, doc_type, register_entries FROM pages WHERE document_id = :d AND register_entries IS NOT NULL "
                "ORDER BY page_no"
            ),
            {"d": document_id},
        ).all()
        for page_id, doc_type, entries in pages:
            if isinstance(entries, str):
                import json

                entries = json.loads(entries)
            for entry in entries or []:
                records.extend(_entry_people(document_id, page_id, doc_type, entry, len(records)))
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
    out = []
    names = []
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
    out = []
    child = (e.get("child_name") or "").strip()
    mother = (e.get("mother_name") or "").strip() or None
    father = (e.get("father_name") or "").strip() or None
    common = dict(
        source_type=SOURCE_DOCUMENT,
        source_id=document_id,
        document_id=document_id,
        page_id=page_id,
        register_type=rtype,
        reg_year=reg_year,
    )
    if child:
        out.append(
            PersonRecord(
                name=child,
                role="child",
                source_seq=seq0,
                birth=e.get("child_birth_date"),
                mother_name=mother,
                father_name=father,
                **common,
            )
        )
    for role, name in (("mother", mother), ("father", father)):
        if name:
            out.append(PersonRecord(name=name, role=role, source_seq=seq0 + len(out), **common))  # type: ignore[arg-type]
    return out


def index_document_people(session: Session, document_id: int) -> int:
    """(Re)index the people a document names, in the caller's transaction. Returns how many.

    It runs inside the transaction that stores a page's OCR result and fields, in a savepoint: a
    failure here is logged and leaves the name index without this document (``reindex_documents``
    repairs it) rather than losing the page."""
    session.flush()  # the fields just added through the ORM
    try:
        with session.begin_nested():
            return len(replace_source(session, SOURCE_DOCUMENT, document_id, document_people(session, document_id)))
    except Exception:
        log.exception("name index: document %s not indexed", document_id)
        return 0


def reindex_documents(db: Database, document_ids: Iterable[int] | None = None) -> int:
    """Rebuild the people of documents (all that have fields or register entries by default)."""
    has_fields, has_entries = (False, False)
    with db.read() as s:
        has_fields, has_entries = _schema(s)
        if document_ids is None:
            parts = []
            if has_fields:
                parts.append("SELECT DISTINCT document_id FROM fields")
            if has_entries:
                parts.append("SELECT DISTINCT document_id FROM pages WHERE register_entries IS NOT NULL")
            ids = [r[0] for r in s.execute(text(" UNION ".join(parts))).all()] if parts else []
        else:
            ids = list(document_ids)
    n = 0
    for doc in ids:
        with db.write() as s:
            n += index_document_people(s, doc)
    return n
