"""Keying a register book from the paper, entry by entry — once, or twice by two people with an
arbitrator for their differences ("nhập hai lần", ``register_books.double_keying``).

Guarantees:
- what a person keyed is kept as typed (NFC, single spaces — nothing else changed) in
  ``register_keyings`` with who and when; the entry itself gets the values cleaned as every entry
  is (dates ``dd/mm/yyyy``: ``2/3/1998`` and ``02031998`` both read as 02/03/1998);
- once: the keyed values go to the entry (each changed column a history line with the keyer) and the
  entry is verified when its required columns are filled, else it stays unverified and says what
  is missing;
- twice: the entry is left as it was until two different people have keyed it; neither sees the
  other's values (the entry holds only what the OCR read until then). Where the two agree on every
  column the entry takes their values and is verified; where they differ it waits for an
  arbitrator — an archivist or admin who keyed neither reading — whose choice settles it. At
  settlement each keyer's value of each column goes to the entry's history (kind ``keying``), so
  every value keeps who keyed it, also in the exported history;
- nothing is written when a rule refuses (RegisterError, Vietnamese).
Never: compares values by anything looser than the cleaned value, or settles an entry on one
person's word in a book keyed twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indexer.audit import audit
from indexer.db import Database
from indexer.fields.catalogue import load
from indexer.models import (
    RegisterBook,
    RegisterBookPage,
    RegisterEntry,
    RegisterEntryChange,
    RegisterEntryRegion,
    RegisterKeying,
    utcnow,
)
from indexer.registers.checking import required_keys
from indexer.registers.entries import edit_entry_in
from indexer.registers.model import RegisterError, clean_value, fmt_date, parse_date
from indexer.registers.vocabulary import BOOK_TYPES, DATE, VERIFIED, BookType, Key
from indexer.vntext import nfc

KEY, ARBITER = "key", "arbiter"
WAITING, AGREED, DISAGREED, SAVED, INCOMPLETE, ARBITRATED = (
    "waiting",
    "agreed",
    "disagreed",
    "saved",
    "incomplete",
    "arbitrated",
)
KEYING_REASON = "nhập từ sổ giấy"
_EIGHT = re.compile(r"(\d{2})(\d{2})(\d{4})")


def columns(bt: BookType) -> list[Key]:
    """The columns keyed for one entry of a ledger of type ``bt``: the printed ledger's columns in
    their order (the catalogue's register columns), then Ghi chú; a type without a ledger layout
    gets its number, registration date, each person's name and birth, then Ghi chú."""
    dt = load().get(bt.ledger_type) if bt.ledger_type else None  # ledger types: doc_types.yaml
    keys: list[str] = []
    if dt is not None and dt.register is not None:
        keys = [k for c in dt.register.columns if (k := bt.fields.get(c.id)) and k not in keys]
    if not keys:
        keys = ["so", "ngayDangKy"]
        for r in bt.people:
            keys += [k for k in (r.name, r.birth) if k and k not in keys]
    keys.append("ghiChu")
    out = [bt.key(k) for k in dict.fromkeys(keys)]
    return [k for k in out if k is not None]


def titles(bt: BookType) -> dict[str, str]:
    """Vocabulary key → the title the desk shows for it: the column's title as printed on the
    book type's ledger (the catalogue's register column, what the archivist reads on the paper),
    else the vocabulary's Vietnamese label."""
    dt = load().get(bt.ledger_type) if bt.ledger_type else None
    out: dict[str, str] = {}
    if dt is not None and dt.register is not None:
        for c in dt.register.columns:
            k = bt.fields.get(c.id)
            if k and c.title and k not in out:
                out[k] = c.title
    return {k.key: out.get(k.key, k.label) for k in columns(bt)}


def as_typed(text: Any) -> str:
    """A keyed value as kept: NFC (Telex/VNI input methods may send decomposed marks), single spaces."""
    return " ".join(nfc(str(text or "")).split())


def typed_date(text: str) -> date | None:
    """A date as archivists type it: ``2/3/1998``, ``02.03.1998``, ``2-3-1998`` or ``02031998``."""
    t = text.strip()
    m = _EIGHT.fullmatch(t)
    if m:
        try:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            return None
    return parse_date(t) if t else None


def stored(bt: BookType, key: str, typed: str) -> str:
    """The value an entry keeps for what was typed in column ``key`` (a date in its one form)."""
    spec = bt.key(key)
    if spec is not None and spec.kind == DATE:
        d = typed_date(typed)
        if d is not None:
            return fmt_date(d)
    return typed


def cleaned(bt: BookType, key: str, typed: str) -> str:
    """What two readings are compared by: the value as the entry would hold it."""
    value, _ = clean_value(bt, key, stored(bt, key, typed))
    return value


@dataclass
class Outcome:
    state: str  # waiting | agreed | disagreed | saved | incomplete | arbitrated
    missing: list[str] = field(default_factory=list)  # labels of required columns left empty


def _entry(s: Session, entry_id: int, book_id: int) -> tuple[RegisterEntry, RegisterBook, BookType]:
    e = s.get(RegisterEntry, entry_id)
    if e is None or e.book_id != book_id:
        raise RegisterError(f"Sổ không có mục số {entry_id}.")
    b = s.get(RegisterBook, book_id)
    assert b is not None
    return e, b, BOOK_TYPES[b.book_type]


def _readings(s: Session, entry_id: int) -> list[RegisterKeying]:
    return list(
        s.scalars(
            select(RegisterKeying)
            .where(RegisterKeying.entry_id == entry_id, RegisterKeying.role == KEY)
            .order_by(RegisterKeying.at, RegisterKeying.id)
        )
    )


def _typed_values(bt: BookType, values: dict[str, Any]) -> dict[str, str]:
    allowed = {k.key for k in bt.all_keys}
    out = {}
    for k, v in values.items():
        if k not in allowed:
            raise RegisterError(f"Sổ {bt.short} không có cột «{k}».")
        out[k] = as_typed(v)
    return out


def _check_values(bt: BookType, typed: dict[str, str]) -> None:
    problems = []
    for k, v in typed.items():
        _, problem = clean_value(bt, k, stored(bt, k, v))
        if problem:
            problems.append(f"{bt.label_of(k)}: {problem}")
    if problems:
        raise RegisterError("; ".join(problems))


def save_keying(
    db: Database,
    book_id: int,
    entry_id: int,
    values: dict[str, Any],
    *,
    actor: str,
    shown: int | None = None,
    index_later: bool = False,
) -> Outcome:
    """One person's keying of one entry, in one transaction (see the module's guarantees); the
    entry ``shown`` next to the person is audited as viewed in the same transaction. With
    ``index_later`` the entry's people are queued for the name index in that transaction and
    reindexed after it (``indexer.people.refresh``: the desk's background worker) — what was keyed
    is committed either way when this returns."""
    with db.write() as s:
        e, b, bt = _entry(s, entry_id, book_id)
        typed = _typed_values(bt, values)
        _check_values(bt, typed)
        if shown is not None:
            audit(s, actor, "entry.view", "register_entry", shown, {"via": "keying"})
        if b.double_keying:
            return _key_twice(s, e, bt, typed, actor, index_later)
        return _key_once(s, e, bt, typed, actor, index_later)


def _upsert(s: Session, e: RegisterEntry, role: str, actor: str, typed: dict[str, str]) -> None:
    row = s.scalar(
        select(RegisterKeying).where(
            RegisterKeying.entry_id == e.id, RegisterKeying.role == role, RegisterKeying.actor == actor
        )
    )
    if row is None:
        s.add(RegisterKeying(book_id=e.book_id, entry_id=e.id, role=role, actor=actor, data=typed, at=utcnow()))
    else:
        row.data, row.at = typed, utcnow()
    s.flush()


def _apply(
    s: Session, e: RegisterEntry, bt: BookType, typed: dict[str, str], actor: str, reason: str, later: bool
) -> None:
    changes = {k: stored(bt, k, v) for k, v in typed.items() if cleaned(bt, k, v) != (e.data or {}).get(k, "")}
    if changes:
        edit_entry_in(s, e.id, changes, actor=actor, reason=reason, index_later=later)


def _missing(e: RegisterEntry, bt: BookType) -> list[str]:
    data = e.data or {}
    return [bt.label_of(k) for k in required_keys(bt) if not data.get(k)]


def _verify(s: Session, e: RegisterEntry, actor: str, reason: str) -> None:
    e.status, e.verified_by, e.verified_at = VERIFIED, actor, utcnow()
    s.add(RegisterEntryChange(entry_id=e.id, actor=actor, kind="verify", field="", reason=reason))
    audit(s, actor, "entry.verify", "register_entry", e.id, {"reason": reason})


def _key_once(
    s: Session, e: RegisterEntry, bt: BookType, typed: dict[str, str], actor: str, later: bool = False
) -> Outcome:
    _upsert(s, e, KEY, actor, typed)
    _apply(s, e, bt, typed, actor, KEYING_REASON, later)
    audit(s, actor, "entry.keying", "register_entry", e.id, {"columns": sorted(typed)})
    missing = _missing(e, bt)
    if missing:
        return Outcome(INCOMPLETE, missing)
    if e.status != VERIFIED:
        _verify(s, e, actor, "nhập từ sổ giấy, đủ các cột bắt buộc")
    return Outcome(SAVED)


def differences(bt: BookType, a: dict[str, str], b: dict[str, str]) -> list[str]:
    """The columns where two readings differ (compared by their cleaned values)."""
    keys = [k.key for k in bt.all_keys if k.key in a or k.key in b]
    return [k for k in keys if cleaned(bt, k, a.get(k, "")) != cleaned(bt, k, b.get(k, ""))]


def _key_twice(
    s: Session, e: RegisterEntry, bt: BookType, typed: dict[str, str], actor: str, later: bool = False
) -> Outcome:
    if _settled(s, e):
        raise RegisterError("Mục này đã được nhập hai lần và chốt xong.")
    readings = _readings(s, e.id)
    others = [r for r in readings if r.actor != actor]
    if len(others) >= 2:
        raise RegisterError("Mục này đã có hai người nhập.")
    if others and len(readings) >= 2:  # both read: a reading changed now could copy the other's
        raise RegisterError("Hai lần nhập của mục này đã xong: chỗ khác nhau do người phân xử chốt.")
    _upsert(s, e, KEY, actor, typed)
    audit(s, actor, "entry.keying", "register_entry", e.id, {"columns": sorted(typed), "double": True})
    if not others:
        return Outcome(WAITING)
    other = others[0]
    diff = differences(bt, dict(other.data or {}), typed)
    if diff:
        audit(s, actor, "entry.keying_disagree", "register_entry", e.id, {"columns": diff})
        return Outcome(DISAGREED)
    reason = f"nhập hai lần: {other.actor} và {actor} khớp nhau"
    _settle(s, e, bt, [other, _mine(s, e.id, actor)], typed, actor, reason, later)
    return Outcome(AGREED, _missing(e, bt))


def _mine(s: Session, entry_id: int, actor: str) -> RegisterKeying:
    row = s.scalar(
        select(RegisterKeying).where(
            RegisterKeying.entry_id == entry_id, RegisterKeying.role == KEY, RegisterKeying.actor == actor
        )
    )
    assert row is not None
    return row


def _settled(s: Session, e: RegisterEntry) -> bool:
    if s.scalar(select(RegisterKeying.id).where(RegisterKeying.entry_id == e.id, RegisterKeying.role == ARBITER)):
        return True
    return e.status == VERIFIED and len(_readings(s, e.id)) >= 2


def _settle(
    s: Session,
    e: RegisterEntry,
    bt: BookType,
    readings: list[RegisterKeying],
    truth: dict[str, str],
    actor: str,
    reason: str,
    later: bool = False,
) -> None:
    """The entry takes ``truth``; each keyer's values go to its history first (who keyed what)."""
    for r in readings:
        for k, v in sorted((r.data or {}).items()):
            if v:
                s.add(
                    RegisterEntryChange(
                        entry_id=e.id, actor=r.actor, kind="keying", field=k, old_value=None, new_value=v, reason=reason
                    )
                )
    _apply(s, e, bt, truth, actor, reason, later)
    missing = _missing(e, bt)
    if missing:
        audit(s, actor, "entry.verify_incomplete", "register_entry", e.id, {"missing": missing, "reason": reason})
    if e.status != VERIFIED:
        _verify(s, e, actor, reason)


def arbitrate(
    db: Database, book_id: int, entry_id: int, values: dict[str, Any], *, actor: str, index_later: bool = False
) -> Outcome:
    """The arbitrator's truth for an entry the two keyers disagree on. The caller checks the role
    (archivist or admin); here: the book is keyed twice, the entry has two readings that differ, and
    the arbitrator keyed neither."""
    with db.write() as s:
        e, b, bt = _entry(s, entry_id, book_id)
        if not b.double_keying:
            raise RegisterError("Sổ này không nhập hai lần: không có gì để phân xử.")
        readings = _readings(s, e.id)
        if len(readings) < 2:
            raise RegisterError("Mục này chưa đủ hai người nhập.")
        if _settled(s, e):
            raise RegisterError("Mục này đã chốt xong.")
        if actor in {r.actor for r in readings}:
            raise RegisterError("Người phân xử không được là một trong hai người đã nhập mục này.")
        typed = _typed_values(bt, values)
        _check_values(bt, typed)
        _upsert(s, e, ARBITER, actor, typed)
        diff = differences(bt, dict(readings[0].data or {}), dict(readings[1].data or {}))
        audit(s, actor, "entry.arbitrate", "register_entry", e.id, {"columns": diff})
        reason = f"phân xử giữa {readings[0].actor} và {readings[1].actor}"
        _settle(s, e, bt, readings[:2], typed, actor, reason, index_later)
        return Outcome(ARBITRATED, _missing(e, bt))


# -- what to key next, what waits for an arbitrator -----------------------------------------------


def page_entries(s: Session, book_id: int, page_id: int) -> list[int]:
    rows = s.execute(
        select(RegisterEntry.id, func.min(RegisterEntryRegion.y))
        .join(RegisterEntryRegion, RegisterEntryRegion.entry_id == RegisterEntry.id)
        .where(RegisterEntry.book_id == book_id, RegisterEntryRegion.page_id == page_id)
        .group_by(RegisterEntry.id)
    ).all()
    return [i for i, _ in sorted(rows, key=lambda r: (r[1] if r[1] is not None else -1, r[0]))]


def book_pages(s: Session, book_id: int) -> list[tuple[int, int]]:
    """(page number, page id) of the book's pages, in page order (double pages left out)."""
    rows = s.execute(
        select(RegisterBookPage.page_no, RegisterBookPage.page_id)
        .where(RegisterBookPage.book_id == book_id, RegisterBookPage.state != "duplicate")
        .order_by(RegisterBookPage.page_no, RegisterBookPage.seq)
    ).all()
    return [(int(no or 0), pid) for no, pid in rows]


def _wants(s: Session, ids: list[int], actor: str, double: bool) -> list[int]:
    """Of ``ids``, the entries ``actor`` should still key."""
    if not ids:
        return []
    keyed: dict[int, list[str]] = {}
    pairs: Any = s.execute(
        select(RegisterKeying.entry_id, RegisterKeying.actor).where(
            RegisterKeying.entry_id.in_(ids), RegisterKeying.role == KEY
        )
    ).all()
    for eid, who in pairs:
        keyed.setdefault(eid, []).append(who)
    status = dict(s.execute(select(RegisterEntry.id, RegisterEntry.status).where(RegisterEntry.id.in_(ids))).all())
    out = []
    for i in ids:
        who = keyed.get(i, [])
        if status.get(i) == VERIFIED and (not double or len(who) >= 2 or not who):
            continue
        if double and (actor in who or len(who) >= 2):
            continue
        if not double and who:
            continue
        out.append(i)
    return out


@dataclass(frozen=True)
class Position:
    entry_id: int
    page_no: int
    page_id: int
    index: int  # the entry's row on its page, from 0
    rows: int  # entries on the page


def locate(db: Database, book_id: int, entry_id: int) -> Position | None:
    with db.read() as s:
        pid = s.scalar(select(RegisterEntryRegion.page_id).where(RegisterEntryRegion.entry_id == entry_id).limit(1))
        if pid is None:
            return None
        no = s.scalar(
            select(RegisterBookPage.page_no).where(RegisterBookPage.book_id == book_id, RegisterBookPage.page_id == pid)
        )
        ids = page_entries(s, book_id, pid)
    if entry_id not in ids:
        return None
    return Position(entry_id, int(no or 0), pid, ids.index(entry_id), len(ids))


def next_to_key(db: Database, book_id: int, actor: str, *, after: int | None = None) -> Position | None:
    """The next entry ``actor`` should key, in book order (page, then row), after ``after``."""
    with db.read() as s:
        b = s.get(RegisterBook, book_id)
        if b is None:
            return None
        pages = book_pages(s, book_id)
        start, skip_to = 0, None
        if after is not None:
            pid = s.scalar(select(RegisterEntryRegion.page_id).where(RegisterEntryRegion.entry_id == after).limit(1))
            at = [i for i, (_, p) in enumerate(pages) if p == pid]
            if at:
                start, skip_to = at[0], after
        for no, pid in pages[start:] + pages[:start]:
            ids = page_entries(s, book_id, pid)
            cands = ids
            if skip_to is not None and pid == pages[start][1] and skip_to in ids:
                cands = ids[ids.index(skip_to) + 1 :] + ids[: ids.index(skip_to)]
            wanted = _wants(s, cands, actor, b.double_keying)
            if wanted:
                return Position(wanted[0], no, pid, ids.index(wanted[0]), len(ids))
    return None


def to_arbitrate(db: Database, book_id: int, actor: str | None = None) -> list[int]:
    """Entries of the book whose two readings differ and that no arbitrator settled yet, in book
    order; with ``actor``, only those ``actor`` may settle (keyed neither reading)."""
    with db.read() as s:
        rows: list[Any] = list(
            s.execute(
                select(RegisterKeying.entry_id, RegisterKeying.actor, RegisterKeying.role, RegisterKeying.data)
                .join(RegisterEntry, RegisterEntry.id == RegisterKeying.entry_id)
                .where(RegisterKeying.book_id == book_id, RegisterEntry.status != VERIFIED)
                .order_by(RegisterKeying.id)
            ).all()
        )
        b = s.get(RegisterBook, book_id)
        if b is None:
            return []
        bt = BOOK_TYPES[b.book_type]
        order = {eid: n for n, (_, pid) in enumerate(book_pages(s, book_id)) for eid in page_entries(s, book_id, pid)}
    by: dict[int, list[tuple[str, str, dict[str, str]]]] = {}
    for eid, who, role, data in rows:
        by.setdefault(eid, []).append((who, role, dict(data or {})))
    out = []
    for eid, rs in by.items():
        keys = [r for r in rs if r[1] == KEY]
        if len(keys) < 2 or any(r[1] == ARBITER for r in rs):
            continue
        if actor is not None and actor in {r[0] for r in keys}:
            continue
        if differences(bt, keys[0][2], keys[1][2]):
            out.append(eid)
    return sorted(out, key=lambda i: (order.get(i, 10**9), i))


def readings_of(db: Database, entry_id: int) -> list[tuple[str, dict[str, str]]]:
    """(keyer, values as typed) of an entry's readings, first keyed first."""
    with db.read() as s:
        return [(r.actor, dict(r.data or {})) for r in _readings(s, entry_id)]


def _seen(s: Session, entry_id: int, actor: str, blind: bool) -> tuple[dict[str, str], set[str]]:
    """What ``actor`` sees in the inputs of an entry: their own reading when they keyed it; else the
    entry's values — and which of those are still the OCR's reading (the entry came from OCR and
    nobody changed that column). ``blind`` (a book keyed twice): only the OCR's readings, so a
    value another person put in the entry (a keyer correcting it on the verification page) never
    reaches the other keyer."""
    own = s.scalar(
        select(RegisterKeying.data).where(
            RegisterKeying.entry_id == entry_id, RegisterKeying.role == KEY, RegisterKeying.actor == actor
        )
    )
    if own is not None:
        return dict(own), set()
    e = s.get(RegisterEntry, entry_id)
    assert e is not None
    data = {k: v for k, v in (e.data or {}).items() if isinstance(v, str)}
    if e.origin != "ocr":
        return ({} if blind else data), set()
    touched = set(
        s.scalars(
            select(RegisterEntryChange.field).where(
                RegisterEntryChange.entry_id == entry_id,
                RegisterEntryChange.kind.in_(("correction", "amendment", "keying")),
            )
        )
    )
    ocr = {k for k in data if k not in touched}
    return ({k: v for k, v in data.items() if k in ocr} if blind else data), ocr


@dataclass
class KeyingView:
    """An entry on the keying screen as one person sees it."""

    so: str
    status: str
    values: dict[str, str]
    ocr: set[str]  # columns whose value is the OCR's reading
    prev: dict[str, str]  # the row above, as this person sees it
    keyers: list[str]  # who keyed it so far
    rows: list[int]  # the page's entries, in order
    next_rows: list[int]  # the next page's entries, in order (near the end of this page only)


def keying_view(db: Database, book_id: int, pos: Position, actor: str, *, near_end: int = 3) -> KeyingView:
    """Everything the keying screen shows of ``pos``, read in one transaction."""
    with db.read() as s:
        e = s.get(RegisterEntry, pos.entry_id)
        assert e is not None
        b = s.get(RegisterBook, book_id)
        blind = bool(b and b.double_keying) and e.status != VERIFIED  # settled: nothing left to hide
        values, ocr = _seen(s, pos.entry_id, actor, blind)
        rows = page_entries(s, book_id, pos.page_id)
        prev = _seen(s, rows[pos.index - 1], actor, blind)[0] if pos.index > 0 else {}
        keyers = [r.actor for r in _readings(s, pos.entry_id)]
        nxt: list[int] = []
        if pos.index + near_end >= len(rows):
            after = [p for p in book_pages(s, book_id) if p[0] > pos.page_no]
            nxt = page_entries(s, book_id, after[0][1]) if after else []
        return KeyingView(e.so or e.so_raw or "?", e.status, values, ocr, prev, keyers, rows, nxt)


def set_double_keying(db: Database, book_id: int, on: bool, *, actor: str) -> None:
    with db.write() as s:
        b = s.get(RegisterBook, book_id)
        if b is None:
            raise RegisterError(f"Không có sổ số {book_id}.")
        if b.double_keying != on:
            b.double_keying = on
            audit(s, actor, "book.double_keying", "register_book", b.id, {"on": on})
