"""The database side of intake: records arrivals, originals, documents, pages and their OCR jobs.

Implements :class:`capture.intake.IntakeSink`. One transaction per file, so a document never
exists without all its pages and jobs.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from capture.intake import Arrival as ArrivalInfo
from capture.intake import Seen
from capture.probe import Probe
from capture.rejections import RejectReason
from capture.store import StoredObject
from indexer.audit import audit
from indexer.db import Database
from indexer.models import Arrival, Document, Job, Original, Page, QuarantineEntry

OCR_JOB = "ocr"


class DbIntakeSink:
    def __init__(self, db: Database) -> None:
        self.db = db

    def seen(self, arrival: ArrivalInfo) -> Seen | None:
        with self.db.read() as s:
            outcome = s.scalar(
                select(Arrival.outcome)
                .where(
                    Arrival.source_path == str(arrival.path),
                    Arrival.size == arrival.size,
                    Arrival.mtime_ns == arrival.mtime_ns,
                    Arrival.inode == arrival.inode,
                )
                .order_by(Arrival.id.desc())
                .limit(1)
            )
        if outcome is None:
            return None
        return Seen.REJECTED if outcome == "quarantined" else Seen.CAPTURED

    def record_capture(
        self, arrival: ArrivalInfo, stored: StoredObject, probe: Probe, store_key: str
    ) -> tuple[int, bool]:
        for attempt in range(3):
            try:
                return self._record_capture(arrival, stored, probe, store_key)
            except IntegrityError:
                # The same content recorded by another process at the same moment: now a duplicate.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _record_capture(
        self, arrival: ArrivalInfo, stored: StoredObject, probe: Probe, store_key: str
    ) -> tuple[int, bool]:
        with self.db.write() as s:
            original = s.scalar(select(Original).where(Original.sha256 == stored.sha256))
            duplicate = original is not None
            if original is None:
                original = Original(
                    sha256=stored.sha256,
                    size=stored.size,
                    media_type=probe.media_type,
                    store_key=store_key,
                    page_count=probe.page_count,
                )
                s.add(original)
                s.flush()
                doc = Document(
                    original_id=original.id,
                    title=arrival.path.name,
                    source=arrival.source,
                    page_count=probe.page_count,
                )
                s.add(doc)
                s.flush()
                for n in range(1, probe.page_count + 1):
                    page = Page(document_id=doc.id, page_no=n)
                    s.add(page)
                    s.flush()
                    s.add(Job(kind=OCR_JOB, page_id=page.id, priority=_priority(arrival.source)))
                doc_id = doc.id
            else:
                known = s.scalar(select(Document.id).where(Document.original_id == original.id))
                if known is None:  # every original is stored with its document in one transaction
                    raise RuntimeError(f"original {original.id} ({stored.sha256[:16]}) has no document")
                doc_id = known
            s.add(
                Arrival(
                    source=arrival.source,
                    source_path=str(arrival.path),
                    size=arrival.size,
                    mtime_ns=arrival.mtime_ns,
                    inode=arrival.inode,
                    outcome="duplicate" if duplicate else "new",
                    original_id=original.id,
                    document_id=doc_id,
                    meta=arrival.meta,
                )
            )
            audit(
                s,
                "system",
                "capture.duplicate" if duplicate else "capture.new",
                "document",
                doc_id,
                {"file": arrival.path.name, "source": arrival.source, "sha256": stored.sha256[:16]},
            )
            return doc_id, duplicate

    def record_rejection(
        self, arrival: ArrivalInfo, reason: RejectReason, detail: str, quarantine_path: Path | None
    ) -> None:
        with self.db.write() as s:
            row = Arrival(
                source=arrival.source,
                source_path=str(arrival.path),
                size=arrival.size,
                mtime_ns=arrival.mtime_ns,
                inode=arrival.inode,
                outcome="quarantined",
                meta=arrival.meta,
            )
            s.add(row)
            s.flush()
            s.add(
                QuarantineEntry(
                    arrival_id=row.id,
                    file_name=arrival.path.name,
                    quarantine_path=str(quarantine_path) if quarantine_path else None,
                    reason=reason.value,
                    message=reason.message,
                    detail=detail[:2000],
                )
            )
            audit(
                s,
                "system",
                "capture.quarantine",
                "arrival",
                row.id,
                {"file": arrival.path.name, "reason": reason.value},
            )


def _priority(source: str) -> int:
    """Pages scanned at the counter go before bulk archive work: a citizen is waiting."""
    return {"scanner": 20, "hotfolder": 10}.get(source, 0)
