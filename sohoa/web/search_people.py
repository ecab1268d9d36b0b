"""The people part of Tra cứu, as a person reads it: one row per person with every source they were
found in (the register entry and the dossiers filed to it), and for a parent or a requester whose
record it is ("mẹ của TRẦN THỊ KIM TƯƠI").

Guarantees: hits are merged only when they are surely one person — the same name (diacritics and
case aside) and the same birth date or year, or a dossier's person and the entry that dossier is
filed to under the same name; the best-ranked hit leads its row and rows keep the search's order.
Never queries per row (one query for the entries' main names, one for the dossiers').
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from indexer.vntext import fold

MAIN_ROLES = {"child", "deceased", "subject", "husband", "wife", "groom", "bride"}


@dataclass
class PersonRow:
    hit: Any  # the best-ranked PersonHit of this person
    entries: list[int] = field(default_factory=list)  # register entries naming them
    documents: list[int] = field(default_factory=list)  # dossiers naming them
    whose: str = ""  # "mẹ của …": the record is another person's


def _key(h: Any) -> tuple[str, str] | None:
    born = h.birth_date.isoformat() if h.birth_date else (str(h.birth_year) if h.birth_year else "")
    return (fold(h.name).lower(), born) if born else None


def group_people(db: Any, hits: list[Any], filed: dict[int, int]) -> list[PersonRow]:
    """``filed``: dossier id → the entry it is filed to (to merge a dossier's person with its entry's)."""
    rows: list[PersonRow] = []
    by_key: dict[tuple[str, str], PersonRow] = {}
    by_entry_name: dict[tuple[int, str], PersonRow] = {}
    for h in hits:
        name = fold(h.name).lower()
        entry = h.source_id if h.source_type == "register_entry" else None
        doc = h.document_id if h.source_type != "register_entry" else None
        k = _key(h)
        row = by_key.get(k) if k else None
        if row is None and entry is not None:
            row = by_entry_name.get((entry, name))
        if row is None and doc is not None and doc in filed:
            row = by_entry_name.get((filed[doc], name))
        if row is None:
            row = PersonRow(h)
            rows.append(row)
        if k:
            by_key.setdefault(k, row)
        if entry is not None and entry not in row.entries:
            row.entries.append(entry)
            by_entry_name.setdefault((entry, name), row)
        if doc is not None and doc not in row.documents:
            row.documents.append(doc)
            if doc in filed:
                by_entry_name.setdefault((filed[doc], name), row)
    _whose(db, rows)
    return rows


def _whose(db: Any, rows: list[PersonRow]) -> None:
    from indexer.models import RegisterEntry
    from sohoa.web.search import ROLE_VI

    need = [r for r in rows if r.hit.role not in MAIN_ROLES]
    entry_ids = sorted({e for r in need for e in r.entries[:1]})
    doc_ids = sorted({d for r in need if not r.entries for d in r.documents[:1]})
    names: dict[tuple[str, int], str] = {}
    if entry_ids:
        with db.read() as s:
            for eid, nm in s.execute(
                select(RegisterEntry.id, RegisterEntry.name).where(RegisterEntry.id.in_(entry_ids))
            ):
                names[("e", eid)] = nm
    if doc_ids:
        from indexer.documents import DocumentRow
        from sohoa.web.intake_rows import intake_rows

        with db.read() as s:
            from indexer.models import Document

            docs = [
                DocumentRow(
                    d.id, d.title, d.source, d.state, d.doc_type, d.page_count, 0, None, d.created_at, d.updated_at
                )
                for d in s.scalars(select(Document).where(Document.id.in_(doc_ids)))
            ]
        for ir in intake_rows(db, docs):
            if ir.kind and " — " in ir.title:
                names[("d", ir.id)] = ir.title.split(" — ", 1)[1]
    for r in need:
        whose = (
            names.get(("e", r.entries[0])) if r.entries else names.get(("d", r.documents[0])) if r.documents else None
        )
        if whose and fold(whose).lower() != fold(r.hit.name).lower():
            r.whose = f"{ROLE_VI.get(r.hit.role, r.hit.role)} của {whose}"
