"""Read-only queries for the web desk: documents arriving on a day, one document with its pages,
where a page's image and words are. Route modules call these instead of writing SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, overload

from sqlalchemy import and_, case, func, inspect, or_, select

from indexer.db import Database
from indexer.models import Document, FieldValue, Job, OcrResult, Original, Page, PageState, QuarantineEntry


@overload
def _aware(dt: datetime) -> datetime: ...
@overload
def _aware(dt: None) -> None: ...
def _aware(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _utc(dt: datetime) -> datetime:
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)


@dataclass(frozen=True)
class DocumentRow:
    id: int
    title: str
    source: str
    state: str
    doc_type: str | None
    page_count: int
    pages_done: int
    mean_conf: float | None
    created_at: datetime
    updated_at: datetime


def documents_between(
    db: Database, start: datetime, end: datetime | None = None, limit: int = 300
) -> list[DocumentRow]:
    """Documents received from ``start`` (inclusive) to ``end`` (exclusive), newest first."""
    # SQLite keeps times as UTC text without an offset: compare in UTC.
    start = _utc(start)
    end = _utc(end) if end is not None else None
    done = func.sum(case((Page.state == PageState.INDEXED, 1), else_=0))
    q = (
        select(
            Document.id,
            Document.title,
            Document.source,
            Document.state,
            Document.doc_type,
            Document.page_count,
            done,
            func.avg(Page.mean_conf),
            Document.created_at,
            Document.updated_at,
        )
        .outerjoin(Page, Page.document_id == Document.id)
        .where(Document.created_at >= start)
        .group_by(Document.id)
        .order_by(Document.created_at.desc(), Document.id.desc())
        .limit(limit)
    )
    if end is not None:
        q = q.where(Document.created_at < end)
    with db.read() as s:
        return [
            DocumentRow(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                int(r[6] or 0),
                None if r[7] is None else float(r[7]),
                _aware(r[8]),
                _aware(r[9]),
            )
            for r in s.execute(q).all()
        ]


@dataclass(frozen=True)
class PageRow:
    id: int
    page_no: int
    state: str
    blank: bool | None
    rotation: int | None
    skew_deg: float | None
    mean_conf: float | None
    width: int | None
    height: int | None
    dpi: int | None
    text: str | None
    pdf_key: str | None
    indexed_at: datetime | None
    job_state: str | None
    job_attempts: int
    job_error: str | None


@dataclass(frozen=True)
class DocumentDetail:
    id: int
    title: str
    source: str
    state: str
    doc_type: str | None
    page_count: int
    created_at: datetime
    updated_at: datetime
    sha256: str
    media_type: str
    size: int
    store_key: str
    pages: list[PageRow]
    quarantine_message: str | None

    def page(self, page_no: int) -> PageRow | None:
        return next((p for p in self.pages if p.page_no == page_no), None)


def document_detail(db: Database, document_id: int) -> DocumentDetail | None:
    with db.read() as s:
        row = s.execute(
            select(Document, Original)
            .join(Original, Original.id == Document.original_id)
            .where(Document.id == document_id)
        ).first()
        if row is None:
            return None
        d, o = row
        pages = [
            PageRow(
                p.id,
                p.page_no,
                p.state,
                p.blank,
                p.rotation,
                p.skew_deg,
                p.mean_conf,
                p.width,
                p.height,
                p.dpi,
                p.text,
                p.pdf_key,
                _aware(p.indexed_at),
                js,
                ja or 0,
                je,
            )
            for p, js, ja, je in s.execute(
                select(Page, Job.state, Job.attempts, Job.last_error)
                .outerjoin(Job, Job.page_id == Page.id)
                .where(Page.document_id == document_id)
                .order_by(Page.page_no)
            ).all()
        ]
        qmsg = s.scalar(
            select(QuarantineEntry.message)
            .where(QuarantineEntry.document_id == document_id)
            .order_by(QuarantineEntry.id.desc())
            .limit(1)
        )
        return DocumentDetail(
            d.id,
            d.title,
            d.source,
            d.state,
            d.doc_type,
            d.page_count,
            _aware(d.created_at),
            _aware(d.updated_at),
            o.sha256,
            o.media_type,
            o.size,
            o.store_key,
            pages,
            qmsg,
        )


@dataclass(frozen=True)
class PageRef:
    """Everything needed to draw one page: where the original and the searchable PDF are."""

    document_id: int
    page_id: int
    page_no: int
    title: str
    state: str
    sha256: str
    store_key: str
    media_type: str
    pdf_key: str | None
    rotation: int | None
    skew_deg: float | None
    width: int | None
    height: int | None


def page_ref(db: Database, document_id: int, page_no: int) -> PageRef | None:
    with db.read() as s:
        r = s.execute(
            select(
                Page.id,
                Document.title,
                Page.state,
                Original,
                Page.pdf_key,
                Page.rotation,
                Page.skew_deg,
                Page.width,
                Page.height,
            )
            .join(Document, Document.id == Page.document_id)
            .join(Original, Original.id == Document.original_id)
            .where(Page.document_id == document_id, Page.page_no == page_no)
        ).first()
    if r is None:
        return None
    page_id, title, state, o, pdf_key, rotation, skew_deg, width, height = r
    return PageRef(
        document_id,
        page_id,
        page_no,
        title,
        state,
        o.sha256,
        o.store_key,
        o.media_type,
        pdf_key,
        rotation,
        skew_deg,
        width,
        height,
    )


@dataclass(frozen=True)
class WordBox:
    text: str
    conf: float
    left: int
    top: int
    width: int
    height: int


def page_words(db: Database, page_id: int) -> list[WordBox]:
    """The OCR words of a page with their boxes, in the upright page image's pixels."""
    with db.read() as s:
        words: list[Any] | None = s.scalar(select(OcrResult.words).where(OcrResult.page_id == page_id))
    out = []
    for w in words or []:
        try:
            out.append(WordBox(str(w[0]), float(w[1]), int(w[2]), int(w[3]), int(w[4]), int(w[5])))
        except (IndexError, TypeError, ValueError):
            continue
    return out


def has_table(db: Database, name: str) -> bool:
    """Whether a table exists: lets the desk show parts whose migrations may not have landed yet."""
    with db.engine.connect() as conn:
        return inspect(conn).has_table(name)


@dataclass(frozen=True)
class FieldRow:
    """A field read from a page (a ``fields`` row), as the document view shows it."""

    field_id: str
    label: str
    value: str
    raw_value: str
    confidence: float
    needs_review: bool
    review_reasons: list[str]
    corrected_from: str | None
    correction_reason: str | None
    confirmed_by: str | None
    boxes: list[tuple[int, int, int, int]]


def page_fields(db: Database, page_id: int) -> list[FieldRow]:
    """The fields read from a page, in reading order."""
    out = []
    with db.read() as s:
        for f in s.scalars(select(FieldValue).where(FieldValue.page_id == page_id).order_by(FieldValue.id)):
            boxes = []
            for b in f.boxes or []:
                try:
                    boxes.append((int(b[0]), int(b[1]), int(b[2]), int(b[3])))
                except (IndexError, TypeError, ValueError):
                    continue
            out.append(
                FieldRow(
                    f.field_id,
                    _field_label(f.doc_type, f.field_id, f.label),
                    f.confirmed_value or f.value,
                    f.raw_value,
                    float(f.confidence or 0.0),
                    bool(f.needs_review) and not f.confirmed_by,
                    list(f.review_reasons or []),
                    f.corrected_from,
                    f.correction_reason,
                    f.confirmed_by,
                    boxes,
                )
            )
    return out


def missing_fields(db: Database, page_id: int) -> list[FieldRow]:
    """The fields the page's document type prints that were not read from it, empty, in the
    catalogue's order: the desk offers them so a clerk can type a value the reader missed."""
    from indexer.fields import catalogue

    with db.read() as s:
        doc_type = s.scalar(select(Page.doc_type).where(Page.id == page_id))
        have = set(s.scalars(select(FieldValue.field_id).where(FieldValue.page_id == page_id)))
    dt = catalogue.load().get(doc_type)
    if dt is None:
        return []
    return [
        FieldRow(fid, dt.label_vi(fid), "", "", 0.0, False, [], None, None, None, [])
        for fid in dt.field_ids()
        if fid not in have
    ]


def _field_label(doc_type: str, field_id: str, printed: str) -> str:
    """The field's Vietnamese name from the catalogue of document types; else the label as printed."""
    try:
        from indexer.fields import catalogue

        dt = catalogue.load().doc_types.get(doc_type)
        if dt is not None:
            return dt.label_vi(field_id)
    except Exception:  # the catalogue belongs to field extraction; a label is not worth failing a page
        pass
    return printed or field_id


@dataclass(frozen=True)
class DocumentChange:
    """A document as another program polling for changes sees it (``GET /api/v1/documents``)."""

    id: int
    title: str
    source: str
    state: str
    doc_type: str | None
    page_count: int
    created_at: datetime
    updated_at: datetime


def documents_changed(
    db: Database, *, since: datetime | None = None, after_id: int = 0, limit: int = 100
) -> list[DocumentChange]:
    """Documents in the order they last changed (oldest change first), from the cursor
    (``since``, ``after_id``) on: the last row's (updated_at, id) is the next call's cursor, so a
    poller sees every change once, also when several share a timestamp."""
    q = select(
        Document.id,
        Document.title,
        Document.source,
        Document.state,
        Document.doc_type,
        Document.page_count,
        Document.created_at,
        Document.updated_at,
    ).order_by(Document.updated_at, Document.id)
    if since is not None:
        q = q.where(or_(Document.updated_at > since, and_(Document.updated_at == since, Document.id > after_id)))
    with db.read() as s:
        return [DocumentChange(*row) for row in s.execute(q.limit(limit)).all()]
