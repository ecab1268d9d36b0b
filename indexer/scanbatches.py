"""Scan batches in the database: started, kept up to date after every page, finished
complete or incomplete with the reason. Implements ``capture.scanner.batch.BatchRecorder``.

A batch whose scanning process died (killed, power cut) stays ``scanning`` in the table;
:meth:`DbBatchRecorder.mark_interrupted` turns such batches of dead processes on this host into
``incomplete`` / ``interrupted`` the next time anyone scans, so they can be resumed.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from indexer.audit import audit
from indexer.db import Database
from indexer.models import BatchState, ScanBatch, utcnow

if TYPE_CHECKING:
    from capture.scanner.batch import Tally


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(worker: str) -> bool:
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine's batch: not ours to judge
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True)
class BatchInfo:
    id: int
    device: str
    profile: str
    state: str
    reason: str | None
    message: str | None
    pages: int
    sheets: int
    dossiers: int
    last_dossier: str | None
    resumes_batch_id: int | None
    started_at: datetime
    ended_at: datetime | None
    details: dict[str, Any]

    @classmethod
    def of(cls, b: ScanBatch) -> BatchInfo:
        return cls(
            b.id,
            b.device,
            b.profile,
            b.state,
            b.reason,
            b.message,
            b.pages,
            b.sheets,
            b.dossiers,
            b.last_dossier,
            b.resumes_batch_id,
            b.started_at,
            b.ended_at,
            dict(b.details or {}),
        )


class DbBatchRecorder:
    def __init__(self, db: Database, worker: str | None = None) -> None:
        self.db = db
        self.worker = worker or worker_name()

    def start(self, *, device: str, profile: str, resumes: int | None = None, last_dossier: str | None = None) -> int:
        with self.db.write() as s:
            b = ScanBatch(
                device=device,
                profile=profile,
                worker=self.worker,
                state=BatchState.SCANNING,
                pages=0,
                sheets=0,
                dossiers=0,
                resumes_batch_id=resumes,
                last_dossier=last_dossier,
                settings={},
                details={},
            )
            s.add(b)
            s.flush()
            audit(
                s,
                "system",
                "scan.start",
                "scan_batch",
                b.id,
                {"device": device, "profile": profile, "resumes": resumes},
            )
            return b.id

    def opened(self, batch_id: int, device: str, settings: dict[str, Any]) -> None:
        with self.db.write() as s:
            s.execute(update(ScanBatch).where(ScanBatch.id == batch_id).values(device=device[:200], settings=settings))

    def progress(self, batch_id: int, tally: Tally) -> None:
        with self.db.write() as s:
            s.execute(
                update(ScanBatch)
                .where(ScanBatch.id == batch_id)
                .values(
                    pages=tally.pages,
                    sheets=tally.sheets,
                    dossiers=len(tally.dossiers),
                    last_dossier=tally.last_dossier,
                    details=tally.details(),
                )
            )

    def finish(
        self, batch_id: int, *, complete: bool, reason: str | None = None, message: str | None = None, tally: Any = None
    ) -> None:
        values: dict[str, Any] = {
            "state": BatchState.COMPLETE if complete else BatchState.INCOMPLETE,
            "reason": reason,
            "message": message,
            "ended_at": utcnow(),
        }
        if tally is not None:
            values.update(
                pages=tally.pages,
                sheets=tally.sheets,
                dossiers=len(tally.dossiers),
                last_dossier=tally.last_dossier,
                details=tally.details(),
            )
        with self.db.write() as s:
            s.execute(update(ScanBatch).where(ScanBatch.id == batch_id).values(**values))
            audit(
                s,
                "system",
                "scan.end",
                "scan_batch",
                batch_id,
                {"state": values["state"].value, "reason": reason, "pages": getattr(tally, "pages", None)},
            )

    def get(self, batch_id: int) -> BatchInfo | None:
        with self.db.read() as s:
            b = s.get(ScanBatch, batch_id)
            return BatchInfo.of(b) if b else None

    def recent(self, limit: int = 20) -> list[BatchInfo]:
        with self.db.read() as s:
            rows = s.scalars(select(ScanBatch).order_by(ScanBatch.id.desc()).limit(limit)).all()
            return [BatchInfo.of(b) for b in rows]

    def is_live(self, batch_id: int) -> bool:
        with self.db.read() as s:
            b = s.get(ScanBatch, batch_id)
            return b is not None and b.state == BatchState.SCANNING and _alive(b.worker)

    def mark_interrupted(self, message: str) -> int:
        with self.db.write() as s:
            rows = s.execute(select(ScanBatch.id, ScanBatch.worker).where(ScanBatch.state == BatchState.SCANNING)).all()
            dead = [bid for bid, worker in rows if not _alive(worker)]
            if dead:
                s.execute(
                    update(ScanBatch)
                    .where(ScanBatch.id.in_(dead))
                    .values(state=BatchState.INCOMPLETE, reason="interrupted", message=message, ended_at=utcnow())
                )
                for bid in dead:
                    audit(s, "system", "scan.interrupted", "scan_batch", bid, {})
            return len(dead)
