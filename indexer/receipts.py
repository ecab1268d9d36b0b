"""Intake receipts (Giấy tiếp nhận hồ sơ và hẹn trả kết quả, Mẫu 01 of TT 01/2018/TT-VPCP) and the
dossier codes they carry: ``000.17.31.H42-230515-0001`` = the office's code, the day of receipt
(YYMMDD) and that day's sequence number (TT 01/2018 Điều 19; domain.md §4).

Guarantees:

* a code is given out once: the day's counter (``dossier_code_counters``) is raised by one
  statement (an upsert, atomic on SQLite and PostgreSQL) in the same transaction that stores the
  receipt, so a crash before the commit gives out nothing and one after keeps the number taken;
  the receipts table's unique (office, day, sequence) and code back it up;
* a dossier has at most one receipt: asking again returns the one printed before, never a new
  number (reprints print the same paper);
* what the receipt says is stored as printed (applicant, content, papers, due date, receiver), so
  a reprint next year shows the same text whatever the settings have become;
* the issue is written to the audit trail in that transaction (``receipt.issue``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from indexer.audit import audit
from indexer.db import Database
from indexer.fields.dossier_code import PATTERN
from indexer.models import Document, DossierCodeCounter, DossierReceipt

MAX_SEQ = 9999  # four digits a day


class ReceiptError(Exception):
    """A receipt that cannot be issued; the message is for the clerk (Vietnamese)."""


@dataclass(frozen=True)
class ReceiptDraft:
    """What the clerk fills in (or accepts) before the receipt is printed."""

    procedure: str
    content: str
    applicant: str
    received_at: datetime  # aware, in the office's time zone: its date is the code's day
    due_at: datetime
    processing_days: int
    receiver: str
    applicant_address: str = ""
    applicant_phone: str = ""
    papers: list[str] = field(default_factory=list)
    sets: int = 1
    result_place: str = ""


def dossier_code(agency_code: str, day: date, seq: int) -> str:
    return f"{agency_code}-{day:%y%m%d}-{seq:04d}"


def next_seq(s: Session, agency_code: str, day: date) -> int:
    """Take the day's next sequence number (1, 2, …) in the session's transaction."""
    insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    last = DossierCodeCounter.last_seq
    stmt = (
        insert(DossierCodeCounter)
        .values(agency_code=agency_code, day=day, last_seq=1)
        .on_conflict_do_update(index_elements=["agency_code", "day"], set_={"last_seq": last + 1})
        .returning(last)
    )
    return int(s.execute(stmt).scalar_one())


def receipt_of(db: Database, document_id: int) -> DossierReceipt | None:
    with db.read() as s:
        return s.scalar(select(DossierReceipt).where(DossierReceipt.document_id == document_id))


def get_receipt(db: Database, receipt_id: int) -> DossierReceipt | None:
    with db.read() as s:
        return s.get(DossierReceipt, receipt_id)


def aware(dt: datetime) -> datetime:
    """A stored time as an aware UTC time (SQLite gives it back without its offset)."""
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def issue(db: Database, document_id: int, draft: ReceiptDraft, *, agency_code: str, actor: str) -> DossierReceipt:
    """The dossier's receipt: the one issued before, or a new one with the day's next code."""
    if not draft.applicant.strip():
        raise ReceiptError("Chưa ghi người nộp hồ sơ.")
    if not draft.content.strip():
        raise ReceiptError("Chưa ghi nội dung yêu cầu giải quyết.")
    if draft.due_at < draft.received_at:
        raise ReceiptError("Ngày hẹn trả không được trước ngày tiếp nhận.")
    day = draft.received_at.date()
    try:
        with db.write() as s:
            if s.get(Document, document_id) is None:
                raise ReceiptError(f"Không có hồ sơ số {document_id}.")
            old = s.scalar(select(DossierReceipt).where(DossierReceipt.document_id == document_id))
            if old is not None:
                s.expunge(old)
                return old
            seq = next_seq(s, agency_code, day)
            if seq > MAX_SEQ:
                raise ReceiptError(f"Đã hết số hồ sơ của ngày {day:%d/%m/%Y} ({MAX_SEQ} hồ sơ).")
            code = dossier_code(agency_code, day, seq)
            if not PATTERN.match(code):
                raise ReceiptError(f"Mã cơ quan {agency_code!r} không đúng mẫu 000.00.00.H00.")
            r = DossierReceipt(
                document_id=document_id,
                code=code,
                agency_code=agency_code,
                day=day,
                seq=seq,
                procedure=draft.procedure,
                content=draft.content.strip(),
                applicant=draft.applicant.strip(),
                applicant_address=draft.applicant_address.strip(),
                applicant_phone=draft.applicant_phone.strip(),
                papers=[p.strip() for p in draft.papers if p.strip()],
                sets=max(1, draft.sets),
                processing_days=draft.processing_days,
                received_at=draft.received_at.astimezone(UTC),  # SQLite keeps no offset: UTC, as everywhere
                due_at=draft.due_at.astimezone(UTC),
                result_place=draft.result_place.strip(),
                receiver=draft.receiver.strip(),
                issued_by=actor,
            )
            s.add(r)
            s.flush()
            audit(s, actor, "receipt.issue", "document", document_id, {"code": code, "due": f"{draft.due_at:%d/%m/%Y}"})
            s.flush()
            s.expunge(r)
            return r
    except IntegrityError:
        # Another desk issued this dossier's receipt at the same moment (PostgreSQL): theirs stands.
        got = receipt_of(db, document_id)
        if got is None:
            raise
        return got
