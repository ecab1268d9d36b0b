"""SQLAlchemy 2 models. The schema itself is created by the Alembic migrations in
``indexer/migrations``; a test checks that the two agree."""

from __future__ import annotations

from datetime import UTC, datetime
from datetime import date as _date
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class DocState(StrEnum):
    CAPTURED = "captured"
    PROCESSING = "processing"
    INDEXED = "indexed"
    FAILED = "failed"
    QUARANTINED = "quarantined"


class PageState(StrEnum):
    CAPTURED = "captured"
    OCR = "ocr"
    INDEXED = "indexed"
    FAILED = "failed"


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Original(Base):
    """One stored file, by content. Several arrivals may share it."""

    __tablename__ = "originals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(40))
    store_key: Mapped[str] = mapped_column(String(200))
    page_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Document(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    original_id: Mapped[int] = mapped_column(ForeignKey("originals.id"), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(20))
    page_count: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20), default=DocState.CAPTURED, index=True)
    doc_type: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    original: Mapped[Original] = relationship()
    pages: Mapped[list[Page]] = relationship(back_populates="document", order_by="Page.page_no")


class Arrival(Base):
    """Every file that came in, whether taken, recognised as a duplicate, or refused."""

    __tablename__ = "arrivals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    source_path: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    inode: Mapped[int] = mapped_column(BigInteger)
    outcome: Mapped[str] = mapped_column(String(20))  # new | duplicate | quarantined
    original_id: Mapped[int | None] = mapped_column(ForeignKey("originals.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_arrivals_fingerprint", "source_path", "size", "mtime_ns", "inode"),)


class Page(Base):
    __tablename__ = "pages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    page_no: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20), default=PageState.CAPTURED)
    blank: Mapped[bool | None] = mapped_column(Boolean)
    rotation: Mapped[int | None] = mapped_column(Integer)
    skew_deg: Mapped[float | None] = mapped_column(Float)
    mean_conf: Mapped[float | None] = mapped_column(Float)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    dpi: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)
    text_folded: Mapped[str | None] = mapped_column(Text)
    pdf_key: Mapped[str | None] = mapped_column(String(300))
    image_key: Mapped[str | None] = mapped_column(String(300))
    indexed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    doc_type: Mapped[str | None] = mapped_column(String(60))  # this page's own document type (the field reader's)
    register_entries: Mapped[list[Any] | None] = mapped_column(JSON)  # a register page's entries
    id_cards: Mapped[list[Any] | None] = mapped_column(JSON)  # CCCD QR codes read on the page (0009)
    # {archive key: sha256} of the files written for the page, hashed as written (0015)
    archive_sha256: Mapped[dict[str, str] | None] = mapped_column(JSON)

    document: Mapped[Document] = relationship(back_populates="pages")
    __table_args__ = (UniqueConstraint("document_id", "page_no", name="uq_pages_doc_page"),)


class OcrResult(Base):
    """The words of a page with boxes and confidences, and how long each stage took."""

    __tablename__ = "ocr_results"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"), unique=True)
    engine: Mapped[str] = mapped_column(String(40))
    words: Mapped[list[Any]] = mapped_column(JSON)
    timings: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FieldValue(Base):
    """One field read from a page (migration 0002): the raw OCR value beside the repaired
    one and why, a confidence, whether a person must look at it and why, and the word boxes to
    highlight on the image. ``confirmed_*`` record a clerk's check of the value."""

    __tablename__ = "fields"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"))
    doc_type: Mapped[str] = mapped_column(String(60))
    field_id: Mapped[str] = mapped_column(String(80))
    label: Mapped[str] = mapped_column(String(300), default="")
    section: Mapped[str] = mapped_column(String(40), default="")
    raw_value: Mapped[str] = mapped_column(Text)
    value: Mapped[str] = mapped_column(Text)
    normalized: Mapped[str | None] = mapped_column(Text)
    corrected_from: Mapped[str | None] = mapped_column(Text)
    correction_reason: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    needs_review: Mapped[bool] = mapped_column(Boolean)
    review_reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    boxes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    parsed: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # parsed forms beside the value (0009)
    confirmed_value: Mapped[str | None] = mapped_column(Text)
    confirmed_by: Mapped[str | None] = mapped_column(String(80))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        UniqueConstraint("page_id", "field_id", name="uq_fields_page_field"),
        Index("ix_fields_document", "document_id", "field_id"),
        Index("ix_fields_review", "needs_review"),
    )


class Job(Base):
    """The processing queue. One job per (kind, page); the unique key makes enqueueing idempotent."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"))
    state: Mapped[str] = mapped_column(String(20), default=JobState.QUEUED)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(120))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error_kind: Mapped[str | None] = mapped_column(String(40))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("kind", "page_id", name="uq_jobs_kind_page"),
        Index("ix_jobs_state_priority", "state", "priority", "id"),
    )


class QuarantineEntry(Base):
    __tablename__ = "quarantine"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    arrival_id: Mapped[int | None] = mapped_column(ForeignKey("arrivals.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    file_name: Mapped[str] = mapped_column(String(300))
    quarantine_path: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    """Append-only: the migration installs triggers that refuse UPDATE and DELETE."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(80))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The hash chain (indexer.auditchain): the previous row's row_hash, and this row's.
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    row_hash: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_object", "object_type", "object_id"),)


# -- The web desk: accounts, login sessions, login attempts (migration 0004) ----------------------


class User(Base):
    """A person who uses the web desk. Never deleted (the audit trail names them): deactivated."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(20))  # clerk | archivist | admin (indexer.accounts.Role)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)  # consecutive, reset on success
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WebSession(Base):
    """A login. The browser holds a random token; only its SHA-256 is stored."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")


class LoginAttempt(Base):
    """Recent login attempts, counted to rate-limit by username and by client address."""

    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    username: Mapped[str] = mapped_column(String(60))
    ip: Mapped[str] = mapped_column(String(64))
    success: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_ip_at", "ip", "at"),
    )


class BatchState(StrEnum):
    SCANNING = "scanning"
    COMPLETE = "complete"
    INCOMPLETE = "incomplete"


class ScanBatch(Base):
    """One press of Scan at the counter: which device and profile, how far it got and,
    when it stopped early, why (``reason`` is a ``capture.scanner.errors.Problem``). A batch
    resumed after a paper jam is a new row pointing at the one it continues."""

    __tablename__ = "scan_batches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device: Mapped[str] = mapped_column(String(200))
    profile: Mapped[str] = mapped_column(String(60))
    worker: Mapped[str] = mapped_column(String(120))  # host:pid of the scanning process
    state: Mapped[str] = mapped_column(String(20), default=BatchState.SCANNING, index=True)
    reason: Mapped[str | None] = mapped_column(String(40))
    message: Mapped[str | None] = mapped_column(Text)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    sheets: Mapped[int] = mapped_column(Integer, default=0)
    dossiers: Mapped[int] = mapped_column(Integer, default=0)
    last_dossier: Mapped[str | None] = mapped_column(String(40))
    resumes_batch_id: Mapped[int | None] = mapped_column(ForeignKey("scan_batches.id"))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the device options the profile set
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # documents, separators, dropped backs
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# -- Person-name search index (migration 0006) -----------------------------------------------------


class Person(Base):
    """One person named by a source (a register entry, a document's fields …), with the keys the
    name search looks them up by (``indexer.people``). Rows are derived: a source's people are
    replaced whenever it is (re)indexed."""

    __tablename__ = "people"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_type: Mapped[str] = mapped_column(String(30))  # register_entry | document | register_page …
    source_id: Mapped[int] = mapped_column(Integer)
    source_seq: Mapped[int] = mapped_column(Integer, default=0)  # n-th person of that source
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id"))
    role: Mapped[str] = mapped_column(String(20))  # child, mother, father, bride, groom, deceased …
    name: Mapped[str] = mapped_column(String(200))  # NFC, as written
    name_exact: Mapped[str] = mapped_column(String(200))  # canonical tones, lower case
    name_fold: Mapped[str] = mapped_column(String(200))  # no diacritics
    name_skel: Mapped[str] = mapped_column(String(200))  # variants merged (i/y, Hoàng/Huỳnh, Vũ/Võ)
    sur_skel: Mapped[str] = mapped_column(String(60))
    mid_skel: Mapped[str] = mapped_column(String(120))
    given_skel: Mapped[str] = mapped_column(String(60))
    birth_date: Mapped[_date | None] = mapped_column(Date)
    birth_year: Mapped[int | None] = mapped_column(Integer)
    register_type: Mapped[str | None] = mapped_column(String(30))
    reg_year: Mapped[int | None] = mapped_column(Integer)
    commune: Mapped[str | None] = mapped_column(String(120))
    commune_key: Mapped[str | None] = mapped_column(String(120))
    mother_name: Mapped[str | None] = mapped_column(String(200))
    mother_skel: Mapped[str | None] = mapped_column(String(200))
    father_name: Mapped[str | None] = mapped_column(String(200))
    father_skel: Mapped[str | None] = mapped_column(String(200))
    filter_words: Mapped[str | None] = mapped_column(Text)  # parents, type, year, commune as index words

    __table_args__ = (
        Index("ix_people_exact", "name_exact", "birth_year"),
        Index("ix_people_fold", "name_fold", "birth_year"),
        Index("ix_people_given_sur", "given_skel", "sur_skel", "birth_year", "mid_skel"),
        Index("ix_people_given_year", "given_skel", "birth_year"),
        Index("ix_people_source", "source_type", "source_id"),
        Index("ix_people_document", "document_id"),
    )


class PersonName(Base):
    """The distinct skeleton names of ``people`` — (given, surname, middle) — with how many rows have
    each: what the OCR-tolerant tiers enumerate instead of scanning every person of a common name."""

    __tablename__ = "people_names"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    given_skel: Mapped[str] = mapped_column(String(60))
    sur_skel: Mapped[str] = mapped_column(String(60))
    mid_skel: Mapped[str] = mapped_column(String(120))
    n: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (UniqueConstraint("given_skel", "sur_skel", "mid_skel", name="uq_people_names_key"),)


class PersonToken(Base):
    """The distinct surname (s), middle-name (m) and given-name (g) skeleton tokens of ``people``
    with how many rows use them: the vocabulary OCR-damaged queries are corrected against."""

    __tablename__ = "people_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pos: Mapped[str] = mapped_column(String(1))
    token: Mapped[str] = mapped_column(String(60))
    n: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (UniqueConstraint("pos", "token", name="uq_people_tokens_pos_token"),)


class PeopleRefresh(Base):
    """A source whose people wait to be put (again) in the name index: written in the transaction
    that changed the source, deleted in the one that reindexed it (``indexer.people.refresh``), so
    a crash in between loses nothing. Migration 0014."""

    __tablename__ = "people_refresh"
    source_type: Mapped[str] = mapped_column(String(30), primary_key=True)
    source_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# -- Register books, entries and filing (migration 0005) -------------------------------------------


class Commune(Base):
    """A commune (xã/phường) whose register books sohoa keeps. Its code is only meaningful with its
    scheme: after the 2025 reform codes were reused (domain.md §6)."""

    __tablename__ = "communes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(10))
    scheme: Mapped[str] = mapped_column(String(12))  # legacy_63 | v2025
    name: Mapped[str] = mapped_column(String(120))
    province: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("scheme", "code", name="uq_communes_scheme_code"),)


class RegisterBook(Base):
    """One register book (sổ hộ tịch / sổ chứng thực): its type, year and quyển số, whether one
    entry fills a page (since 2016) or rows of a columnar ledger."""

    __tablename__ = "register_books"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"))
    book_type: Mapped[str] = mapped_column(String(30))  # indexer.registers.vocabulary.BOOK_TYPES
    year: Mapped[int] = mapped_column(Integer)
    volume: Mapped[str] = mapped_column(String(20))  # quyển số, as printed ("01")
    layout: Mapped[str] = mapped_column(String(20))  # entry_per_page | ledger
    title: Mapped[str] = mapped_column(String(200), default="")
    opened_on: Mapped[_date | None] = mapped_column(Date)
    closed_on: Mapped[_date | None] = mapped_column(Date)
    expected_pages: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    double_keying: Mapped[bool] = mapped_column(Boolean, default=False)  # "nhập hai lần" (migration 0011)

    __table_args__ = (UniqueConstraint("commune_id", "book_type", "year", "volume", name="uq_register_books_key"),)


class RegisterBookPage(Base):
    """A scanned page of a book being digitised, in the book's page order (``page_no`` = trang số)."""

    __tablename__ = "register_book_pages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("register_books.id"))
    seq: Mapped[int] = mapped_column(Integer)  # order of arrival
    page_no: Mapped[int | None] = mapped_column(Integer)
    number_from: Mapped[str] = mapped_column(String(10), default="")  # name | order | given | printed
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"))
    source_name: Mapped[str] = mapped_column(String(300), default="")
    state: Mapped[str] = mapped_column(String(20), default="pending")  # pending | built | duplicate | failed
    problem: Mapped[str | None] = mapped_column(Text)
    entries: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        UniqueConstraint("page_id", name="uq_register_book_pages_page"),
        Index("ix_register_book_pages_book", "book_id", "page_no"),
    )


class RegisterEntry(Base):
    """One entry of a register book. ``data`` holds its fields under the national digitisation
    vocabulary (``nksHoTen``, ``meHoTen``, ``ngayDangKy`` …); the main person's name and birth date
    and the registration date are copied out for listing and sorting. Filing key: (commune, book
    type, year, quyển số, ``so``)."""

    __tablename__ = "register_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("register_books.id"))
    so: Mapped[str | None] = mapped_column(String(20))  # normalised (no leading zeros); None: not known
    so_raw: Mapped[str] = mapped_column(String(40), default="")
    page_no: Mapped[int | None] = mapped_column(Integer)  # trang số
    registration_date: Mapped[_date | None] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(200), default="")
    birth_date: Mapped[_date | None] = mapped_column(Date)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="unverified")  # unverified | verified
    origin: Mapped[str] = mapped_column(String(20))  # ocr | legacy | desk
    source_ref: Mapped[str | None] = mapped_column(String(120))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    verified_by: Mapped[str | None] = mapped_column(String(80))
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("book_id", "so", name="uq_register_entries_book_so"),
        Index("ix_register_entries_book_page", "book_id", "page_no"),
    )


class RegisterEntryChange(Base):
    """The history of an entry: created, corrected (old → new, why), amended, verified."""

    __tablename__ = "register_entry_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("register_entries.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))  # create | correction | amendment | verify
    field: Mapped[str] = mapped_column(String(60), default="")
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")


class RegisterEntryRegion(Base):
    """Where an entry is seen: a scanned page and, for a ledger row, the box of that row and of
    each of its cells (pixels of the upright page, the OCR words' coordinates)."""

    __tablename__ = "register_entry_regions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("register_entries.id"), index=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # page | row
    x: Mapped[int | None] = mapped_column(Integer)
    y: Mapped[int | None] = mapped_column(Integer)
    w: Mapped[int | None] = mapped_column(Integer)
    h: Mapped[int | None] = mapped_column(Integer)
    # a ledger row's cells: {vocabulary key: [x, y, w, h]} (migration 0013); None when not known
    cells: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class RegisterFiling(Base):
    """A dossier document proposed for, linked to or rejected from a register entry."""

    __tablename__ = "register_filings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("register_entries.id"), index=True)
    state: Mapped[str] = mapped_column(String(20))  # proposed | linked | rejected
    method: Mapped[str] = mapped_column(String(20))  # number | name | created | manual
    score: Mapped[float] = mapped_column(Float)
    rank: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        UniqueConstraint("document_id", "entry_id", name="uq_register_filings_doc_entry"),
        Index("ix_register_filings_document", "document_id", "state"),
    )


class RegisterKeying(Base):
    """What one person keyed for one entry from the paper book (``indexer.registers.keying``): the
    values as typed (NFC), who and when. ``role`` is ``key`` (a keyer's reading; in a book keyed
    twice there are two, by two people) or ``arbiter`` (the truth chosen where the two differed).
    Migration 0011."""

    __tablename__ = "register_keyings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("register_books.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("register_entries.id"), index=True)
    role: Mapped[str] = mapped_column(String(10))  # key | arbiter
    actor: Mapped[str] = mapped_column(String(80))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        UniqueConstraint("entry_id", "role", "actor", name="uq_register_keyings_entry_actor"),
        Index("ix_register_keyings_book_actor", "book_id", "actor"),
    )


# -- API tokens for other software (migration 0008) -----------------------------------------------


class ApiToken(Base):
    """A per-user token another program sends as ``Authorization: Bearer …`` (``indexer.apitokens``).
    Only the SHA-256 of the secret is stored; the secret is shown once, when an admin makes it."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))  # what it is for ("một cửa tỉnh")
    role: Mapped[str] = mapped_column(String(20))  # the role it acts with (never above its user's)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # the secret's first characters, to tell tokens apart
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(String(80))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# -- Intake receipts: dossier codes and their per-day sequence (migration 0012) -------------------


class DossierCodeCounter(Base):
    """The last dossier-code sequence number given out per office and day (``indexer.receipts``):
    raised in the transaction that stores the receipt, so a number is never given twice, even
    after a crash."""

    __tablename__ = "dossier_code_counters"
    agency_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    day: Mapped[_date] = mapped_column(Date, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)


class DossierReceipt(Base):
    """The intake receipt handed to the citizen for a dossier (Giấy tiếp nhận hồ sơ và hẹn trả kết
    quả, Mẫu 01 of TT 01/2018/TT-VPCP): its dossier code and everything it prints, as printed."""

    __tablename__ = "dossier_receipts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), unique=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # 000.17.31.H42-230515-0001
    agency_code: Mapped[str] = mapped_column(String(20))
    day: Mapped[_date] = mapped_column(Date)  # the local day of receipt (the code's YYMMDD)
    seq: Mapped[int] = mapped_column(Integer)
    procedure: Mapped[str] = mapped_column(String(40))  # indexer.procedures key
    content: Mapped[str] = mapped_column(Text)  # nội dung yêu cầu giải quyết
    applicant: Mapped[str] = mapped_column(String(200))
    applicant_address: Mapped[str] = mapped_column(Text, default="")
    applicant_phone: Mapped[str] = mapped_column(String(40), default="")
    papers: Mapped[list[Any]] = mapped_column(JSON, default=list)  # thành phần hồ sơ, one line each
    sets: Mapped[int] = mapped_column(Integer, default=1)  # số lượng hồ sơ (bộ)
    processing_days: Mapped[int] = mapped_column(Integer)  # working days; 0: the same day
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    result_place: Mapped[str] = mapped_column(String(200), default="")
    receiver: Mapped[str] = mapped_column(String(200))  # the receiving officer's name, as signed
    issued_by: Mapped[str] = mapped_column(String(80))  # their account
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("agency_code", "day", "seq", name="uq_dossier_receipts_day_seq"),)
