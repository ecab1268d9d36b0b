"""Filing: which register entry a dossier document belongs to.

When a document is indexed, :func:`file_document` (one call from ``indexer.results.complete``, in
the page's transaction, in a savepoint so a failure here never costs the page) reads its fields,
finds candidate entries — by the number it carries in the book its date and quyển số name, and by
the name index (``people``: the given name within OCR edits, the birth year within digit
confusions) — scores them (``indexer.registers.matching``), links the best automatically when the
evidence is overwhelming and keeps the top candidates as proposals otherwise. A clerk confirms or
rejects a proposal, or — for a new registration — creates the entry from the confirmed fields
(:func:`create_from_document`). A person links or creates only once every field of the dossier's
register pages is confirmed (``indexer.registers.gate``), and may take a filing back the same day
(:func:`undo`). Every link, confirmation, rejection, creation and undo is audited.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from indexer.audit import audit
from indexer.db import Database
from indexer.models import (
    Commune,
    Document,
    FieldValue,
    Page,
    PageState,
    RegisterBook,
    RegisterBookPage,
    RegisterEntry,
    RegisterFiling,
    utcnow,
)
from indexer.people.query import query_name
from indexer.people.vocab import vocab_for
from indexer.registers import matching
from indexer.registers.books import find_book
from indexer.registers.entries import create_entry_in, remove_entry_people
from indexer.registers.gate import FieldToConfirm, fields_to_confirm, require_confirmed
from indexer.registers.matching import Candidate, FilingQuery, Scored
from indexer.registers.model import RegisterError, book_key, fmt_date, norm_so, so_sort_key
from indexer.registers.vocabulary import BOOK_TYPES, ENTRY_PER_PAGE, UNVERIFIED, VERIFIED

log = logging.getLogger(__name__)

PROPOSED, LINKED, REJECTED = "proposed", "linked", "rejected"
STATE_VI = {PROPOSED: "đề xuất", LINKED: "đã vào sổ", REJECTED: "không phải"}
SYSTEM = "system"
_ROWS_PER_ROUTE = 400
_MAX_CANDIDATES = 1200


@dataclass
class FilingOutcome:
    document_id: int
    query: FilingQuery | None
    ranked: list[Scored] = field(default_factory=list)
    linked: int | None = None  # the entry linked automatically
    skipped: str = ""  # why nothing was done


# -- reading the document ---------------------------------------------------------------------------


def _document_fields(s: Session, document_id: int) -> list[tuple[str, str, str]]:
    rows = s.execute(
        select(FieldValue.doc_type, FieldValue.field_id, FieldValue.value, FieldValue.confirmed_value)
        .where(FieldValue.document_id == document_id)
        .order_by(FieldValue.page_id, FieldValue.id)
    ).all()
    return [(dt, fid, confirmed or value or "") for dt, fid, value, confirmed in rows]


def document_query(s: Session, document_id: int) -> FilingQuery | None:
    return matching.query_from_fields(_document_fields(s, document_id))


# -- candidates -------------------------------------------------------------------------------------


def _engine(s: Session) -> Any:
    bind = s.get_bind()
    return getattr(bind, "engine", bind)


def _by_number(s: Session, q: FilingQuery) -> set[int]:
    if not q.so or (q.reg_year is None and q.volume is None):
        return set()
    books = select(RegisterBook.id).where(RegisterBook.book_type == q.book_type.id)
    if q.reg_year is not None:
        books = books.where(RegisterBook.year.in_(matching.year_variants(q.reg_year)))
    if q.volume is not None:
        books = books.where(RegisterBook.volume == q.volume)
    return set(
        s.scalars(
            select(RegisterEntry.id)
            .where(RegisterEntry.book_id.in_(books), RegisterEntry.so.in_(matching.so_variants(q.so)))
            .limit(_ROWS_PER_ROUTE)
        ).all()
    )


def _in(params: dict[str, Any], prefix: str, values: list[Any]) -> str:
    for i, v in enumerate(values):
        params[f"{prefix}{i}"] = v
    return ", ".join(f":{prefix}{i}" for i in range(len(values)))


def _name_tiers(s: Session, q: FilingQuery) -> list[tuple[str, dict[str, Any]]]:
    """The name index lookups to try in turn, most selective first: the birth date (or one Tesseract
    digit confusion of it) with the given name within OCR edits; then the birth year with the
    nearest given names, with the other given names, with the year's digit confusions; without a
    year, the surname within OCR edits."""
    tiers: list[tuple[str, dict[str, Any]]] = []
    vocab = None
    for qp in q.people[:2]:
        qn = query_name(qp.name)
        if qn is None:
            continue
        if vocab is None:
            vocab = vocab_for(_engine(s), s)
        given = dict(vocab.neighbours("g", qn.given))
        given.setdefault(qn.tokens[-1], 0)
        near = sorted(g for g, c in given.items() if c <= 1)
        far = sorted(g for g, c in given.items() if c > 1)
        # ``source_type || ''``: no index on it — the planner must seek the given-name index, not walk
        # every register entry's people in source order.
        base = "(source_type || '') = 'register_entry' AND register_type = :rt AND role = :role"
        common: dict[str, Any] = {"rt": q.book_type.person_type, "role": qp.role}
        if qn.surname is not None:
            # A surname always lines up with the surname (``matching.name_edits``): within OCR edits.
            sur = dict(vocab.neighbours("s", qn.surname))
            sur.setdefault(qn.tokens[0], 0)
            base += f" AND sur_skel IN ({_in(common, 's', sorted(sur))})"

        def tier(
            where: str, gs: list[str], extra: dict[str, Any], common: dict[str, Any] = common, base: str = base
        ) -> None:
            if not gs:
                return
            params = dict(common, **extra)
            tiers.append((f"{base} AND given_skel IN ({_in(params, 'g', gs)}) AND {where}", params))

        if qp.birth is not None:
            dates = matching.date_variants(qp.birth)
            params: dict[str, Any] = {}
            years = sorted({d.year for d in dates})
            where = f"birth_year IN ({_in(params, 'y', years)}) AND birth_date IN ({_in(params, 'd', dates)})"
            tier(where, near + far, params)
        if qp.birth_year is not None:
            tier("birth_year = :y", near, {"y": qp.birth_year})
            tier("birth_year = :y", far, {"y": qp.birth_year})
            others = [y for y in matching.year_variants(qp.birth_year) if y != qp.birth_year]
            if others:
                params = {}
                tier(f"birth_year IN ({_in(params, 'y', others)})", near + far, params)
        elif qn.surname is not None:
            tier("1 = 1", near + far, {})
    return tiers


def _lookup(s: Session, where: str, params: dict[str, Any]) -> set[int]:
    if s.get_bind().dialect.name == "sqlite":
        for k, v in list(params.items()):
            if isinstance(v, date):
                params[k] = v.isoformat()  # how SQLAlchemy stores a Date on SQLite
    rows = s.execute(
        text(f"SELECT source_id FROM people WHERE {where} LIMIT :n"), {**params, "n": _ROWS_PER_ROUTE}
    ).all()
    return {r[0] for r in rows}


def _load(s: Session, q: FilingQuery, ids: set[int]) -> list[Candidate]:
    if not ids:
        return []
    bt = q.book_type
    sex_key = next((k.key for k in bt.keys if k.key.endswith("GioiTinh")), None)
    rows: Sequence[tuple[int, str | None, dict[str, Any] | None, date | None, int, str]] = s.execute(
        select(
            RegisterEntry.id,
            RegisterEntry.so,
            RegisterEntry.data,
            RegisterEntry.registration_date,
            RegisterBook.year,
            RegisterBook.volume,
        )
        .join(RegisterBook, RegisterBook.id == RegisterEntry.book_id)
        .where(RegisterEntry.id.in_(sorted(ids)), RegisterBook.book_type == bt.id)
    ).all()
    out = []
    for eid, so, data, reg, year, volume in rows:
        data = data or {}
        sex = data.get(sex_key) if sex_key else None
        out.append(
            Candidate(
                eid, year, volume, so, matching.candidate_people(bt, data), reg, sex=matching.fold(sex) if sex else None
            )
        )
    return out


def rank_candidates(s: Session, q: FilingQuery) -> list[Scored]:
    """Candidates from the number, then from the name index tier by tier, scored; the search stops
    at the first tier after which the best candidate is certain (a later, looser tier cannot beat
    it by the margin)."""
    seen: set[int] = set()
    ranked: list[Scored] = []
    lookups = [("number", None)] + [(w, p) for w, p in _name_tiers(s, q)]
    for where, params in lookups:
        ids = _by_number(s, q) if params is None else _lookup(s, where, params)
        new = ids - seen
        if not new:
            continue
        seen |= new
        ranked = matching.merge(ranked, matching.rank(q, _load(s, q, new)))  # each candidate scored once
        if matching.auto_link(ranked) is not None or len(seen) >= _MAX_CANDIDATES:
            break
    return ranked


# -- filing -----------------------------------------------------------------------------------------


def _pending_pages(s: Session, document_id: int) -> int:
    return (
        s.scalar(
            select(func.count())
            .select_from(Page)
            .where(Page.document_id == document_id, Page.state.not_in([PageState.INDEXED, PageState.FAILED]))
        )
        or 0
    )


def propose(s: Session, document_id: int) -> FilingOutcome:
    """Find and store the proposals of a document (and link the best one when it is certain)."""
    if s.scalar(select(RegisterBookPage.id).where(RegisterBookPage.document_id == document_id).limit(1)) is not None:
        return FilingOutcome(document_id, None, skipped="trang sổ đang số hóa")
    if _pending_pages(s, document_id):
        return FilingOutcome(document_id, None, skipped="còn trang chưa nhận dạng")
    q = document_query(s, document_id)
    if q is None:
        return FilingOutcome(document_id, None, skipped="giấy tờ không thuộc sổ hộ tịch nào")
    out = FilingOutcome(document_id, q)
    existing = s.execute(
        select(RegisterFiling.entry_id, RegisterFiling.state, RegisterFiling.decided_by).where(
            RegisterFiling.document_id == document_id
        )
    ).all()
    if any(st == LINKED and by != SYSTEM for _, st, by in existing):
        out.skipped = "đã được cán bộ xác nhận vào sổ"
        return out
    rejected = {e for e, st, _ in existing if st == REJECTED}
    ranked = [r for r in rank_candidates(s, q) if r.entry_id not in rejected]
    out.ranked = ranked
    auto = matching.auto_link(ranked)
    if any(st in (PROPOSED, LINKED) for _, st, _ in existing):
        s.execute(
            delete(RegisterFiling).where(
                RegisterFiling.document_id == document_id, RegisterFiling.state.in_([PROPOSED, LINKED])
            )
        )
    kept = [r for r in ranked[: matching.KEEP] if r.total >= matching.PROPOSE_MIN or r is auto]
    for i, r in enumerate(kept, 1):
        linked = auto is not None and r.entry_id == auto.entry_id
        s.add(
            RegisterFiling(
                document_id=document_id,
                entry_id=r.entry_id,
                state=LINKED if linked else PROPOSED,
                method="number" if any("đúng số" in w for w in r.reasons) else "name",
                score=r.score,
                rank=i,
                reasons=r.reasons[:12],
                decided_by=SYSTEM if linked else None,
                decided_at=utcnow() if linked else None,
            )
        )
    if auto is not None:
        out.linked = auto.entry_id
        audit(
            s,
            SYSTEM,
            "filing.auto_link",
            "document",
            document_id,
            {"entry": auto.entry_id, "score": auto.score, "why": auto.reasons[:6]},
        )
    s.flush()
    return out


def file_document(s: Session, document_id: int) -> FilingOutcome | None:
    """The hook for ``indexer.results.complete``: file a document in the caller's transaction, in a
    savepoint; a failure is logged and the page result is kept. Documents of register books being
    digitised and documents whose pages are not all read are left alone."""
    try:
        with s.begin_nested():
            return propose(s, document_id)
    except Exception:
        log.exception("filing: document %s not filed", document_id)
        return None


def refile(db: Database, document_id: int) -> FilingOutcome:
    with db.write() as s:
        if s.get(Document, document_id) is None:
            raise RegisterError(f"Không có hồ sơ số {document_id}.")
        return propose(s, document_id)


# -- what a clerk sees and decides ------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    entry_id: int
    book_key: str
    so: str | None
    name: str
    birth: str
    registration_date: str
    state: str
    score: float
    rank: int
    reasons: list[str]
    decided_by: str | None
    status: str


@dataclass
class DocumentFiling:
    document_id: int
    book_type: str | None
    looked_for: str
    proposals: list[Proposal]
    can_create: bool
    to_confirm: list[FieldToConfirm] = field(default_factory=list)  # fields a person must confirm first
    undo_until: datetime | None = None  # the linked filing may be taken back until then (end of its day)

    @property
    def linked(self) -> Proposal | None:
        return next((p for p in self.proposals if p.state == LINKED), None)


def _describe(q: FilingQuery | None) -> str:
    if q is None:
        return ""
    parts = [q.book_type.short]
    if q.so:
        parts.append(
            f"số {q.so}" + (f"/{q.reg_year}" if q.reg_year else "") + (f", quyển {q.volume}" if q.volume else "")
        )
    for p in q.people:
        bit = p.name
        if p.birth:
            bit += f", sinh {fmt_date(p.birth)}"
        elif p.birth_year:
            bit += f", sinh {p.birth_year}"
        if p.mother:
            bit += f", mẹ {p.mother}"
        if p.father:
            bit += f", cha {p.father}"
        parts.append(bit)
    return "; ".join(parts)


def document_filing(db: Database, document_id: int) -> DocumentFiling:
    with db.read() as s:
        if s.get(Document, document_id) is None:
            raise RegisterError(f"Không có hồ sơ số {document_id}.")
        q = document_query(s, document_id)
        to_confirm = fields_to_confirm(s, document_id)
        rows = s.execute(
            select(RegisterFiling, RegisterEntry, RegisterBook)
            .join(RegisterEntry, RegisterEntry.id == RegisterFiling.entry_id)
            .join(RegisterBook, RegisterBook.id == RegisterEntry.book_id)
            .where(RegisterFiling.document_id == document_id)
            .order_by(RegisterFiling.state != LINKED, RegisterFiling.rank, RegisterFiling.id)
        ).all()
        props = [
            Proposal(
                e.id,
                book_key(b.book_type, b.year, b.volume),
                e.so,
                e.name,
                fmt_date(e.birth_date),
                fmt_date(e.registration_date),
                f.state,
                f.score,
                f.rank,
                list(f.reasons or []),
                f.decided_by,
                e.status,
            )
            for f, e, b in rows
        ]
        linked_at = next((_utc(f.decided_at) for f, _, _ in rows if f.state == LINKED and f.decided_at), None)
    return DocumentFiling(
        document_id,
        q.book_type.id if q else None,
        _describe(q),
        props,
        can_create=bool(q and q.new_registration and not any(p.state == LINKED for p in props)),
        to_confirm=to_confirm,
        undo_until=_end_of_day(linked_at) if linked_at else None,
    )


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)  # SQLite keeps UTC without an offset


def _end_of_day(at: datetime, tz: tzinfo | None = None) -> datetime:
    local = at.astimezone(tz) if tz else at.astimezone()
    return datetime.combine(local.date(), time.max, tzinfo=local.tzinfo)


def _set(s: Session, document_id: int, entry_id: int, state: str, actor: str, method: str = "manual") -> None:
    row = s.scalar(
        select(RegisterFiling).where(RegisterFiling.document_id == document_id, RegisterFiling.entry_id == entry_id)
    )
    if row is None:
        row = RegisterFiling(
            document_id=document_id, entry_id=entry_id, state=state, method=method, score=1.0, rank=0, reasons=[]
        )
        s.add(row)
    row.state, row.decided_by, row.decided_at = state, actor, utcnow()
    if method != "manual":
        row.method = method


def confirm(db: Database, document_id: int, entry_id: int, *, actor: str) -> None:
    """A clerk files the document to this entry (any other link of the document is undone) — once
    every field of its register pages is confirmed."""
    with db.write() as s:
        if s.get(Document, document_id) is None:
            raise RegisterError(f"Không có hồ sơ số {document_id}.")
        if s.get(RegisterEntry, entry_id) is None:
            raise RegisterError(f"Không có mục sổ số {entry_id}.")
        require_confirmed(s, document_id)
        for other in s.scalars(
            select(RegisterFiling).where(
                RegisterFiling.document_id == document_id,
                RegisterFiling.state == LINKED,
                RegisterFiling.entry_id != entry_id,
            )
        ):
            other.state, other.decided_by, other.decided_at = REJECTED, actor, utcnow()
        _set(s, document_id, entry_id, LINKED, actor)
        audit(s, actor, "filing.link", "document", document_id, {"entry": entry_id})


def reject(db: Database, document_id: int, entry_id: int, *, actor: str) -> None:
    with db.write() as s:
        row = s.scalar(
            select(RegisterFiling).where(RegisterFiling.document_id == document_id, RegisterFiling.entry_id == entry_id)
        )
        if row is None:
            raise RegisterError(f"Mục sổ {entry_id} không được đề xuất cho hồ sơ {document_id}.")
        _set(s, document_id, entry_id, REJECTED, actor)
        audit(s, actor, "filing.reject", "document", document_id, {"entry": entry_id})


def _open_book(s: Session, type_id: str, year: int) -> RegisterBook:
    books = s.scalars(
        select(RegisterBook)
        .where(RegisterBook.book_type == type_id, RegisterBook.year == year)
        .order_by(RegisterBook.volume.desc())
    ).all()
    open_ = [b for b in books if b.closed_on is None]
    if not open_:
        raise NoOpenBook(type_id, year)
    if len({b.commune_id for b in open_}) > 1:
        raise RegisterError("Có sổ của nhiều xã: chọn sổ bằng --book.")
    return open_[0]


class NoOpenBook(RegisterError):
    """No open book of this type and year: on the command line, how to open one; the desk says
    whom to ask (:attr:`for_desk`)."""

    def __init__(self, type_id: str, year: int) -> None:
        short = BOOK_TYPES[type_id].short
        super().__init__(
            f"Chưa có sổ {short} năm {year} đang mở: tạo bằng "
            f"`sohoa book new --type {type_id} --year {year} --volume 01`."
        )
        self.for_desk = f"Chưa mở sổ {short} {year} — báo người quản trị."


def missing_book(db: Database, document_id: int) -> NoOpenBook | None:
    """For a new registration: the open book its entry would go to is missing (None: it is there,
    or the document is no new registration)."""
    with db.read() as s:
        q = document_query(s, document_id)
        if q is None or not q.new_registration:
            return None
        try:
            _open_book(s, q.book_type.id, (q.reg_date or date.today()).year)
        except NoOpenBook as e:
            return e
        except RegisterError:
            return None
    return None


def next_number(s: Session, book: RegisterBook) -> str:
    """The next số: numbers run on through every book of the same type and year (domain.md §3)."""
    rows = s.scalars(
        select(RegisterEntry.so)
        .join(RegisterBook, RegisterBook.id == RegisterEntry.book_id)
        .where(
            RegisterBook.commune_id == book.commune_id,
            RegisterBook.book_type == book.book_type,
            RegisterBook.year == book.year,
            RegisterEntry.so.is_not(None),
        )
    ).all()
    nums = [int(x) for x in rows if x and x.isdigit()]
    return str(max(nums, default=0) + 1)


def create_from_document(
    db: Database,
    document_id: int,
    *,
    actor: str,
    book_ref: str | int | None = None,
    so: str | None = None,
    registration_date: date | None = None,
) -> int:
    """A new registration: its entry made from the document's confirmed fields, linked to the
    document — refused while a field of its register pages is unconfirmed. Returns the entry id."""
    with db.write() as s:
        if s.get(Document, document_id) is None:
            raise RegisterError(f"Không có hồ sơ số {document_id}.")
        require_confirmed(s, document_id)
        rows = s.execute(
            select(
                FieldValue.doc_type,
                FieldValue.field_id,
                FieldValue.value,
                FieldValue.confirmed_value,
                FieldValue.confirmed_by,
            )
            .where(FieldValue.document_id == document_id)
            .order_by(FieldValue.page_id, FieldValue.id)
        ).all()
        q = matching.query_from_fields([(d, f, c or v or "") for d, f, v, c, _ in rows])
        if q is None:
            raise RegisterError(f"Hồ sơ {document_id} không có trường nào để lập mục sổ hộ tịch.")
        bt = q.book_type
        if any(
            st == LINKED
            for st in s.scalars(select(RegisterFiling.state).where(RegisterFiling.document_id == document_id))
        ):
            raise RegisterError(f"Hồ sơ {document_id} đã được vào sổ; bỏ liên kết trước khi lập mục mới.")
        reg = registration_date or q.reg_date or date.today()
        if book_ref is not None:
            info = find_book(s, book_ref)
            book = s.get(RegisterBook, info.id)
            assert book is not None
            if book.book_type != bt.id:
                raise RegisterError(f"Hồ sơ là giấy tờ {bt.short}, sổ {info.key} là sổ {info.type.short}.")
        else:
            book = _open_book(s, bt.id, reg.year)
        data: dict[str, str] = {}
        used_confirmed: list[bool] = []
        for d, fid, value, confirmed, by in rows:
            key = bt.fields.get(fid)
            if not key or d not in bt.doc_types or key in data or key in ("so", "quyenSo", "trangSo"):
                continue
            val = (confirmed or value or "").strip()
            if not val:
                continue
            data[key] = val
            used_confirmed.append(by is not None)
        if not data.get(bt.name_key):
            raise RegisterError(f"Hồ sơ {document_id} chưa có {bt.key(bt.name_key).label.lower()}.")  # type: ignore[union-attr]
        if so is not None and norm_so(so) is None:
            raise RegisterError(f"Số «{so}» không hợp lệ.")
        data["so"] = norm_so(so) if so is not None else next_number(s, book)  # type: ignore[assignment]
        data["quyenSo"] = book.volume
        data["ngayDangKy"] = fmt_date(reg)
        if book.layout == ENTRY_PER_PAGE:
            top = s.scalar(select(func.max(RegisterEntry.page_no)).where(RegisterEntry.book_id == book.id))
            data["trangSo"] = str((top or 0) + 1)
        commune = s.get(Commune, book.commune_id)
        if commune is not None and not data.get("noiDangKy"):
            data["noiDangKy"] = commune.name
        status = VERIFIED if used_confirmed and all(used_confirmed) else UNVERIFIED
        e = create_entry_in(
            s,
            book.id,
            data,
            origin="desk",
            actor=actor,
            status=status,
            source_ref=f"document:{document_id}",
            strict=True,
        )
        s.execute(
            delete(RegisterFiling).where(RegisterFiling.document_id == document_id, RegisterFiling.state == PROPOSED)
        )
        s.add(
            RegisterFiling(
                document_id=document_id,
                entry_id=e.id,
                state=LINKED,
                method="created",
                score=1.0,
                rank=1,
                reasons=["lập mục mới từ hồ sơ"],
                decided_by=actor,
                decided_at=utcnow(),
            )
        )
        audit(
            s,
            actor,
            "filing.create",
            "document",
            document_id,
            {"entry": e.id, "book": book_key(book.book_type, book.year, book.volume), "so": e.so},
        )
        return e.id


def undo(db: Database, document_id: int, *, actor: str, tz: tzinfo | None = None, now: datetime | None = None) -> str:
    """Take back the document's filing the day it was made (in ``tz``, the desk's time zone).

    A link goes back to a proposal. An entry created from the document is deleted with its history —
    only while nothing else rests on it: no other document filed to it, and no later số of its book
    series (a number given out is never left as a hole). Audited with what was undone; returns a
    sentence saying it."""
    now = now or datetime.now(UTC)
    with db.write() as s:
        row = s.scalar(
            select(RegisterFiling).where(RegisterFiling.document_id == document_id, RegisterFiling.state == LINKED)
        )
        if row is None:
            raise RegisterError(f"Hồ sơ {document_id} chưa được vào sổ: không có gì để hủy.")
        if row.decided_at is None or now > _end_of_day(_utc(row.decided_at), tz).astimezone(UTC):
            raise RegisterError("Chỉ hủy vào sổ được trong ngày đã vào sổ. Việc sửa sau đó do người quản trị làm.")
        e = s.get(RegisterEntry, row.entry_id)
        assert e is not None
        book = s.get(RegisterBook, e.book_id)
        assert book is not None
        where = {"entry": e.id, "book": book_key(book.book_type, book.year, book.volume), "so": e.so, "name": e.name}
        if row.method != "created":
            row.state, row.decided_by, row.decided_at = PROPOSED, None, None
            audit(s, actor, "filing.undo", "document", document_id, where)
            return f"Đã hủy vào sổ: hồ sơ không còn gắn với mục số {e.so or '?'}."
        others = s.scalar(
            select(func.count())
            .select_from(RegisterFiling)
            .where(
                RegisterFiling.entry_id == e.id,
                RegisterFiling.document_id != document_id,
                RegisterFiling.state == LINKED,
            )
        )
        if others:
            raise RegisterError(f"Mục số {e.so} đã có hồ sơ khác vào sổ: không hủy được, báo người quản trị.")
        if e.so and e.so.isdigit() and next_number(s, book) != str(int(e.so) + 1):
            raise RegisterError(
                f"Sổ đã có số sau số {e.so}: không xóa được mục này (số không được bỏ trống). "
                "Sửa mục trong sổ hoặc báo người quản trị."
            )
        from indexer.models import RegisterEntryChange, RegisterEntryRegion

        audit(s, actor, "filing.undo", "document", document_id, {**where, "deleted": True, "data": dict(e.data or {})})
        s.execute(delete(RegisterFiling).where(RegisterFiling.entry_id == e.id))
        s.execute(delete(RegisterEntryChange).where(RegisterEntryChange.entry_id == e.id))
        s.execute(delete(RegisterEntryRegion).where(RegisterEntryRegion.entry_id == e.id))
        remove_entry_people(s, e.id)
        s.delete(e)
        s.flush()
        propose(s, document_id)
        return f"Đã hủy vào sổ: mục số {e.so} vừa lập đã được xóa khỏi sổ."


def documents_of_entry(db: Database, entry_id: int) -> list[tuple[int, str]]:
    with db.read() as s:
        return [
            (d, st)
            for d, st in s.execute(
                select(RegisterFiling.document_id, RegisterFiling.state).where(
                    RegisterFiling.entry_id == entry_id, RegisterFiling.state == LINKED
                )
            ).all()
        ]


__all__ = [
    "DocumentFiling",
    "FilingOutcome",
    "NoOpenBook",
    "Proposal",
    "confirm",
    "create_from_document",
    "document_filing",
    "file_document",
    "missing_book",
    "next_number",
    "propose",
    "refile",
    "reject",
    "so_sort_key",
    "undo",
]
