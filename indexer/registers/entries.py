"""Register entries: create, correct (with history: who, when, old → new, why), verify; the
pages, row and cell boxes that show an entry; each entry's people in the name index.

Every change of an entry goes through here, in the caller's transaction (``*_in`` functions take
a session) or in one of its own (the others take the database), and is written to the entry's
history and to the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indexer.audit import audit
from indexer.db import Database
from indexer.models import (
    Commune,
    RegisterBook,
    RegisterEntry,
    RegisterEntryChange,
    RegisterEntryRegion,
    RegisterFiling,
    utcnow,
)
from indexer.people import refresh
from indexer.people.index import add_people, remove_source, replace_source, replace_sources
from indexer.people.sources import SOURCE_REGISTER_ENTRY
from indexer.registers.model import (
    RegisterError,
    Summary,
    book_key,
    clean_data,
    clean_value,
    entry_people,
    norm_so,
    summary,
)
from indexer.registers.vocabulary import BOOK_TYPES, UNVERIFIED, VERIFIED, BookType

SOURCE = SOURCE_REGISTER_ENTRY  # an entry's people in the name index
KINDS = ("correction", "amendment")  # an OCR/typing mistake fixed | a legal change noted in Ghi chú


@dataclass(frozen=True)
class Region:
    page_id: int
    kind: str  # page | row
    box: tuple[int, int, int, int] | None = None
    cells: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # a row's cells by vocabulary key


def _stored_box(r: RegisterEntryRegion) -> tuple[int, int, int, int] | None:
    """A row's box; None for a whole page (the four columns are written together: all or none)."""
    if r.x is None or r.y is None or r.w is None or r.h is None:
        return None
    return (r.x, r.y, r.w, r.h)


def _stored_cells(r: RegisterEntryRegion) -> dict[str, tuple[int, int, int, int]]:
    """A row's cell boxes by vocabulary key (none for a page, or a row stored before cells were kept)."""
    out = {}
    for key, box in (r.cells or {}).items():
        if isinstance(box, list) and len(box) == 4:
            x, y, w, h = (int(v) for v in box)
            out[key] = (x, y, w, h)
    return out


@dataclass(frozen=True)
class Change:
    at: datetime
    actor: str
    kind: str
    field: str
    old: str | None
    new: str | None
    reason: str


@dataclass
class EntryView:
    id: int
    book_id: int
    book_key: str
    book_type: str
    commune: str
    so: str | None
    so_raw: str
    page_no: int | None
    registration_date: date | None
    name: str
    birth_date: date | None
    data: dict[str, str]
    notes: str
    status: str
    origin: str
    source_ref: str | None
    created_by: str
    verified_by: str | None
    regions: list[Region] = field(default_factory=list)
    history: list[Change] = field(default_factory=list)
    documents: list[tuple[int, str]] = field(default_factory=list)  # (document id, filing state)

    @property
    def type(self) -> BookType:
        return BOOK_TYPES[self.book_type]


def _book(s: Session, book_id: int) -> tuple[RegisterBook, BookType, Commune]:
    b = s.get(RegisterBook, book_id)
    if b is None:
        raise RegisterError(f"Không có sổ số {book_id}.")
    c = s.get(Commune, b.commune_id)
    assert c is not None
    return b, BOOK_TYPES[b.book_type], c


def _reindex(s: Session, e: RegisterEntry, b: RegisterBook, bt: BookType, c: Commune) -> None:
    reg_year = e.registration_date.year if e.registration_date else b.year
    page_id = s.scalar(select(RegisterEntryRegion.page_id).where(RegisterEntryRegion.entry_id == e.id).limit(1))
    replace_source(
        s, SOURCE, e.id, entry_people(bt, e.id, e.data or {}, reg_year=reg_year, commune=c.name, page_id=page_id)
    )


def _reindex_many(s: Session, ids: list[int]) -> None:
    """The people of these entries put (again) in the name index at once (``indexer.people.refresh``);
    an entry no longer there loses its people."""
    entries = s.execute(
        select(RegisterEntry, RegisterBook, Commune)
        .join(RegisterBook, RegisterBook.id == RegisterEntry.book_id)
        .join(Commune, Commune.id == RegisterBook.commune_id)
        .where(RegisterEntry.id.in_(ids))
        .order_by(RegisterEntry.id)
    ).all()
    first_region = (
        select(RegisterEntryRegion.entry_id, func.min(RegisterEntryRegion.id).label("rid"))
        .where(RegisterEntryRegion.entry_id.in_(ids))
        .group_by(RegisterEntryRegion.entry_id)
        .subquery()
    )
    pages = dict(
        s.execute(
            select(RegisterEntryRegion.entry_id, RegisterEntryRegion.page_id).join(
                first_region, first_region.c.rid == RegisterEntryRegion.id
            )
        ).all()
    )
    records = []
    for e, b, c in entries:
        reg_year = e.registration_date.year if e.registration_date else b.year
        records += entry_people(
            BOOK_TYPES[b.book_type], e.id, e.data or {}, reg_year=reg_year, commune=c.name, page_id=pages.get(e.id)
        )
    replace_sources(s, SOURCE, ids, records)


refresh.register(SOURCE, _reindex_many)


def _so_taken(s: Session, book_id: int, so: str, but: int | None = None) -> int | None:
    q = select(RegisterEntry.id).where(RegisterEntry.book_id == book_id, RegisterEntry.so == so)
    if but is not None:
        q = q.where(RegisterEntry.id != but)
    return s.scalar(q)


def create_entry_in(
    s: Session,
    book_id: int,
    data: dict[str, Any],
    *,
    origin: str,
    actor: str,
    status: str = UNVERIFIED,
    notes: str = "",
    source_ref: str | None = None,
    regions: Sequence[Region] = (),
    strict: bool = True,
    index: bool = True,
) -> RegisterEntry:
    """A new entry of a book. ``data`` is under the vocabulary keys. With ``strict`` a bad value or
    a number already in the book is refused (RegisterError); without, the value is kept as text and
    a taken number is kept only as ``so_raw`` (an OCR'd page), with a note. An entry needs a number
    or a name, except — without ``strict`` — a ledger row seen on the page whose writing the OCR
    could not read (it has its row region, and a note that it is to be keyed from the paper)."""
    b, bt, c = _book(s, book_id)
    clean, problems = clean_data(bt, data)
    if strict and problems:
        raise RegisterError("; ".join(problems))
    note_parts = [notes] if notes else []
    if not clean.get(bt.name_key) and not clean.get("so"):
        if strict or not any(r.kind == "row" for r in regions):
            raise RegisterError(f"Mục sổ cần ít nhất số hoặc {bt.label_of(bt.name_key).lower()}.")
        note_parts.append("dòng trên ảnh trang chưa đọc được số hay tên: cần nhập từ sổ giấy")
    sm = summary(bt, clean)
    so_raw = str(data.get("so") or "")[:40]
    so = sm.so
    if so is not None:
        other = _so_taken(s, b.id, so)
        if other is not None:
            if strict:
                raise RegisterError(f"Số {so} đã có trong sổ {book_key(b.book_type, b.year, b.volume)} (mục #{other}).")
            note_parts.append(f"số đọc được {so} trùng với mục #{other}: cần kiểm tra")
            clean.pop("so", None)
            so = None
    if "quyenSo" not in clean:
        clean["quyenSo"] = b.volume
    e = RegisterEntry(
        book_id=b.id,
        so=so,
        so_raw=so_raw,
        page_no=sm.page_no,
        registration_date=sm.registration_date,
        name=sm.name,
        birth_date=sm.birth_date,
        data=clean,
        notes="; ".join(note_parts),
        status=status,
        origin=origin,
        source_ref=source_ref,
        created_by=actor,
    )
    if status == VERIFIED:
        e.verified_by, e.verified_at = actor, utcnow()
    s.add(e)
    s.flush()
    for r in regions:
        add_region_in(s, e.id, r)
    s.add(
        RegisterEntryChange(
            entry_id=e.id,
            actor=actor,
            kind="create",
            field="",
            old_value=None,
            new_value=None,
            reason=f"tạo từ {origin}" + (f" ({source_ref})" if source_ref else ""),
        )
    )
    if index:
        _reindex(s, e, b, bt, c)
    audit(
        s,
        actor,
        "entry.create",
        "register_entry",
        e.id,
        {"book": book_key(b.book_type, b.year, b.volume), "so": so, "origin": origin, "source": source_ref},
    )
    return e


def bulk_create_in(
    s: Session,
    book_id: int,
    rows: list[dict[str, Any]],
    *,
    origin: str,
    actor: str,
    status: str = UNVERIFIED,
    source_refs: list[str | None] | None = None,
    index: bool = True,
) -> tuple[list[int], list[Any]]:
    """Many new entries of one book at once (an archive import): values must already be clean and
    their numbers free (the caller checked, e.g. ``legacy_import``); one history row and one audit
    row per entry all the same. Returns the ids and — with ``index=False`` — the people records for
    the caller to put in the name index itself (``indexer.people.bulk_index``)."""
    from sqlalchemy import insert

    from indexer.models import AuditEntry

    b, bt, c = _book(s, book_id)
    if not rows:
        return [], []
    now = utcnow()
    values: list[dict[str, Any]] = []  # the INSERT's parameters, one per entry
    made: list[tuple[Summary, dict[str, Any]]] = []
    for i, data in enumerate(rows):
        data = dict(data)
        data.setdefault("quyenSo", b.volume)
        sm = summary(bt, data)
        made.append((sm, data))
        values.append(
            dict(
                book_id=b.id,
                so=sm.so,
                so_raw=str(data.get("so") or "")[:40],
                page_no=sm.page_no,
                registration_date=sm.registration_date,
                name=sm.name,
                birth_date=sm.birth_date,
                data=data,
                notes="",
                status=status,
                origin=origin,
                source_ref=(source_refs[i] if source_refs else None),
                created_by=actor,
                created_at=now,
                updated_at=now,
                verified_by=actor if status == VERIFIED else None,
                verified_at=now if status == VERIFIED else None,
            )
        )
    ids = list(s.scalars(insert(RegisterEntry).returning(RegisterEntry.id, sort_by_parameter_order=True), values))
    s.execute(
        insert(RegisterEntryChange),
        [
            dict(
                entry_id=i,
                at=now,
                actor=actor,
                kind="create",
                field="",
                old_value=None,
                new_value=None,
                reason=f"tạo từ {origin}",
            )
            for i in ids
        ],
    )
    key = book_key(b.book_type, b.year, b.volume)
    s.execute(
        insert(AuditEntry),
        [
            dict(
                at=now,
                actor=actor,
                action="entry.create",
                object_type="register_entry",
                object_id=str(i),
                detail={"book": key, "so": v["so"], "origin": origin, "source": v["source_ref"]},
            )
            for i, v in zip(ids, values)
        ],
    )
    records = []
    for i, (sm, data) in zip(ids, made):
        reg_year = sm.registration_date.year if sm.registration_date else b.year
        records += entry_people(bt, i, data, reg_year=reg_year, commune=c.name)
    if index:
        add_people(s, records)
        return ids, []
    return ids, records


def add_region_in(s: Session, entry_id: int, r: Region) -> None:
    x, y, w, h = r.box if r.box else (None, None, None, None)
    cells = {k: list(v) for k, v in r.cells.items()} or None
    s.add(RegisterEntryRegion(entry_id=entry_id, page_id=r.page_id, kind=r.kind, x=x, y=y, w=w, h=h, cells=cells))


_COLUMN_KEYS = {"so", "trangSo", "ngayDangKy"}


def edit_entry_in(
    s: Session,
    entry_id: int,
    changes: dict[str, Any],
    *,
    actor: str,
    reason: str,
    kind: str = "correction",
    index_later: bool = False,
) -> list[Change]:
    """Change fields of an entry (``{"nksHoTen": "…", "ghiChu": "…"}``; an empty value removes the
    field). Each changed field gets a history row; a correction needs a reason. Returns the changes
    made (none when every value was already so). Status goes back to unverified. The entry's people
    are reindexed in the transaction, or — ``index_later`` — queued for ``indexer.people.refresh``
    in it (the keying desk: the name index refreshed after the answer)."""
    if kind not in KINDS:
        raise RegisterError(f"Loại thay đổi «{kind}» không hợp lệ ({', '.join(KINDS)}).")
    if not reason.strip():
        raise RegisterError("Cần ghi lý do sửa.")
    e = s.get(RegisterEntry, entry_id)
    if e is None:
        raise RegisterError(f"Không có mục sổ số {entry_id}.")
    b, bt, c = _book(s, e.book_id)
    data = dict(e.data or {})
    made: list[Change] = []
    problems = []
    for key, value in changes.items():
        if key == "notes":
            new = " ".join(str(value or "").split())
            if new != (e.notes or ""):
                made.append(Change(utcnow(), actor, kind, "notes", e.notes or None, new or None, reason))
                e.notes = new
            continue
        if bt.key(key) is None:
            raise RegisterError(
                f"Sổ {bt.short} không có trường «{key}». Các trường: " + ", ".join(k.key for k in bt.all_keys) + "."
            )
        new, problem = clean_value(bt, key, value)
        if problem:
            problems.append(problem)
            continue
        old = data.get(key, "")
        if new == old:
            continue
        if key == "so" and new:
            other = _so_taken(s, b.id, new, but=e.id)
            if other is not None:
                raise RegisterError(f"Số {new} đã có trong sổ (mục #{other}).")
        if new:
            data[key] = new
        else:
            data.pop(key, None)
        made.append(Change(utcnow(), actor, kind, key, old or None, new or None, reason))
    if problems:
        raise RegisterError("; ".join(problems))
    if not made:
        return []
    sm = summary(bt, data)
    e.data = data
    e.so = sm.so
    e.page_no, e.registration_date, e.name, e.birth_date = sm.page_no, sm.registration_date, sm.name, sm.birth_date
    e.updated_at = utcnow()
    if e.status == VERIFIED:
        e.status, e.verified_by, e.verified_at = UNVERIFIED, None, None
    for ch in made:
        s.add(
            RegisterEntryChange(
                entry_id=e.id,
                at=ch.at,
                actor=actor,
                kind=kind,
                field=ch.field,
                old_value=ch.old,
                new_value=ch.new,
                reason=reason,
            )
        )
    s.flush()
    if index_later:
        refresh.queue(s, SOURCE, e.id)
    else:
        _reindex(s, e, b, bt, c)
    audit(
        s,
        actor,
        f"entry.{kind}",
        "register_entry",
        e.id,
        {"fields": {ch.field: [ch.old, ch.new] for ch in made}, "reason": reason},
    )
    return made


def edit_entry(db: Database, entry_id: int, changes: dict[str, Any], **kw: Any) -> list[Change]:
    with db.write() as s:
        return edit_entry_in(s, entry_id, changes, **kw)


def verify_entry(db: Database, entry_id: int, *, actor: str) -> bool:
    """A person confirms an entry matches the book. Returns False when it already was verified."""
    with db.write() as s:
        e = s.get(RegisterEntry, entry_id)
        if e is None:
            raise RegisterError(f"Không có mục sổ số {entry_id}.")
        if e.status == VERIFIED:
            return False
        e.status, e.verified_by, e.verified_at = VERIFIED, actor, utcnow()
        s.add(RegisterEntryChange(entry_id=e.id, actor=actor, kind="verify", field="", reason="đã đối chiếu với sổ"))
        audit(s, actor, "entry.verify", "register_entry", e.id, {})
        return True


def get_entry(db: Database, entry_id: int) -> EntryView:
    with db.read() as s:
        e = s.get(RegisterEntry, entry_id)
        if e is None:
            raise RegisterError(f"Không có mục sổ số {entry_id}.")
        b, _bt, c = _book(s, e.book_id)
        v = EntryView(
            e.id,
            b.id,
            book_key(b.book_type, b.year, b.volume),
            b.book_type,
            c.name,
            e.so,
            e.so_raw,
            e.page_no,
            e.registration_date,
            e.name,
            e.birth_date,
            dict(e.data or {}),
            e.notes or "",
            e.status,
            e.origin,
            e.source_ref,
            e.created_by,
            e.verified_by,
        )
        for r in s.scalars(
            select(RegisterEntryRegion).where(RegisterEntryRegion.entry_id == e.id).order_by(RegisterEntryRegion.id)
        ):
            v.regions.append(Region(r.page_id, r.kind, _stored_box(r), _stored_cells(r)))
        for h in s.scalars(
            select(RegisterEntryChange).where(RegisterEntryChange.entry_id == e.id).order_by(RegisterEntryChange.id)
        ):
            v.history.append(Change(h.at, h.actor, h.kind, h.field, h.old_value, h.new_value, h.reason))
        v.documents = [
            (d, st)
            for d, st in s.execute(
                select(RegisterFiling.document_id, RegisterFiling.state)
                .where(RegisterFiling.entry_id == e.id, RegisterFiling.state != "rejected")
                .order_by(RegisterFiling.id)
            ).all()
        ]
        return v


def find_entry_id(db: Database, ref: str) -> int:
    """An entry by id (``812``) or by book and number (``khai_sinh/2012/01#47``)."""
    text = ref.strip()
    if text.isdigit():
        return int(text)
    if "#" in text:
        from indexer.registers.books import find_book

        book_ref, so = text.rsplit("#", 1)
        b = find_book(db, book_ref)
        key = norm_so(so)
        with db.read() as s:
            got = s.scalar(select(RegisterEntry.id).where(RegisterEntry.book_id == b.id, RegisterEntry.so == key))
        if got is None:
            raise RegisterError(f"Sổ {b.key} không có số {so}.")
        return got
    raise RegisterError(f"«{ref}» không phải mã mục sổ (ví dụ: 812 hoặc khai_sinh/2012/01#47).")


def book_entries(db: Database, book_id: int, *, status: str | None = None) -> list[RegisterEntry]:
    from indexer.registers.model import so_sort_key

    with db.read() as s:
        q = select(RegisterEntry).where(RegisterEntry.book_id == book_id)
        if status:
            q = q.where(RegisterEntry.status == status)
        rows = s.scalars(q).all()
    return sorted(rows, key=lambda e: (so_sort_key(e.so), e.page_no or 0, e.id))


def remove_entry_people(s: Session, entry_id: int) -> None:
    remove_source(s, SOURCE, entry_id)
