"""Take one file: probe it, store it content-addressed, record it, then remove it from the inbox.

Order matters for durability: the original is fsynced in the store and recorded (in one
database transaction, by the sink) before the inbox copy is removed. A kill between any two
steps leaves either the inbox file (taken again later; the sink recognises it by its
fingerprint or its hash) or an unreferenced stored copy (harmless; stored again by hash).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from capture.fsutil import NotRegular, fsync_dir, move_file, printable_name
from capture.probe import Limits, Probe, probe_file
from capture.quarantine import quarantine_file
from capture.rejections import Rejected, RejectReason
from capture.store import ContentStore, StoredObject

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Arrival:
    """A file as it was found: where, what size and mtime, from which source."""

    path: Path
    size: int
    mtime_ns: int
    inode: int
    source: str  # "hotfolder" | "import" | "scanner"
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, path: Path, source: str, meta: dict[str, Any] | None = None) -> Arrival:
        """The name as found, never followed: a symlink is described by itself (``lstat``). A
        name that is not UTF-8 is recorded with its odd bytes written ``\\xNN``."""
        st = os.lstat(path)
        return cls(Path(printable_name(str(path))), st.st_size, st.st_mtime_ns, st.st_ino, source, meta or {})


class Seen(StrEnum):
    CAPTURED = "captured"
    REJECTED = "rejected"


class Outcome(StrEnum):
    NEW = "new"
    DUPLICATE = "duplicate"
    QUARANTINED = "quarantined"
    ALREADY_TAKEN = "already_taken"
    VANISHED = "vanished"
    CHANGED = "changed"  # still being written: not taken, look again later


@dataclass(frozen=True)
class IntakeResult:
    outcome: Outcome
    path: Path
    document_id: int | None = None
    reason: RejectReason | None = None
    detail: str = ""
    quarantine_path: Path | None = None


class IntakeSink(Protocol):
    """Where intake records what it took. The indexer implements it with the database."""

    def seen(self, arrival: Arrival) -> Seen | None: ...

    def record_capture(self, arrival: Arrival, stored: StoredObject, probe: Probe, store_key: str) -> tuple[int, bool]:
        """Record the original and its document (and its pages' jobs) in one transaction.
        Returns (document id, whether the content was already known)."""
        ...

    def record_rejection(
        self, arrival: Arrival, reason: RejectReason, detail: str, quarantine_path: Path | None
    ) -> None: ...


class Intake:
    def __init__(self, store: ContentStore, sink: IntakeSink, limits: Limits, quarantine_dir: Path) -> None:
        self.store = store
        self.sink = sink
        self.limits = limits
        self.quarantine_dir = quarantine_dir

    def take(self, path: Path, *, source: str, remove: bool, meta: dict[str, Any] | None = None) -> IntakeResult:
        try:
            arrival = Arrival.of(path, source, meta)
        except FileNotFoundError:
            return IntakeResult(Outcome.VANISHED, path)
        seen = self.sink.seen(arrival)
        if seen is Seen.CAPTURED:
            # Recorded before a crash or a kill, not yet removed: finish the job.
            if remove:
                _unlink(path)
            return IntakeResult(Outcome.ALREADY_TAKEN, path)
        if seen is Seen.REJECTED:
            return IntakeResult(Outcome.ALREADY_TAKEN, path)
        try:
            probe = probe_file(path, self.limits)
        except Rejected as rej:
            return self._reject(path, arrival, rej.reason, rej.detail, move=remove)
        try:
            stored = self.store.put(path, probe.ext)
        except NotRegular as exc:  # swapped for a symlink or a FIFO since the probe
            reason = RejectReason.SYMLINK if exc.kind == "symlink" else RejectReason.NOT_REGULAR
            return self._reject(path, arrival, reason, exc.kind, move=remove)
        except PermissionError as exc:
            return self._reject(path, arrival, RejectReason.UNREADABLE, exc.strerror or "", move=remove)
        except FileNotFoundError:
            return IntakeResult(Outcome.VANISHED, path)
        if stored.size != arrival.size or _changed(path, arrival):
            # Changed while we read it: not finished after all. Leave it for the next look.
            log.warning(
                "%s changed while being read (%d -> %d bytes); will retry", arrival.path.name, arrival.size, stored.size
            )
            return IntakeResult(Outcome.CHANGED, path)
        doc_id, duplicate = self.sink.record_capture(arrival, stored, probe, self.store.relative(stored.path))
        if remove:
            _unlink(path)
        outcome = Outcome.DUPLICATE if duplicate else Outcome.NEW
        log.info("took %s as document %d (%s, %d page(s))", arrival.path.name, doc_id, outcome.value, probe.page_count)
        return IntakeResult(outcome, path, document_id=doc_id)

    def _reject(self, path: Path, arrival: Arrival, reason: RejectReason, detail: str, *, move: bool) -> IntakeResult:
        placed = quarantine_file(path, reason, detail, self.quarantine_dir, move=move)
        try:
            self.sink.record_rejection(arrival, reason, detail, placed)
        except Exception:
            # Not recorded (the database cannot be written): put the file back where it was, so
            # it is looked at again later instead of lying in quarantine with no record.
            _unquarantine(path, placed, moved=move)
            raise
        log.warning("quarantined %s: %s (%s)", arrival.path.name, reason.value, detail)
        return IntakeResult(Outcome.QUARANTINED, path, reason=reason, detail=detail, quarantine_path=placed)


def _unquarantine(path: Path, placed: Path | None, *, moved: bool) -> None:
    """Undo :func:`quarantine_file`: the file back at ``path`` (or its copy removed) and its
    reason file removed."""
    if placed is None:
        return  # it never left its place
    try:
        if moved:
            if os.path.lexists(path):
                return  # a new file took the name meanwhile: keep both
            move_file(placed, path)
        else:
            os.unlink(placed)  # a copy (sohoa import): the original never left
        placed.with_name(placed.name + ".reason.txt").unlink(missing_ok=True)
    except OSError as exc:
        log.warning("could not put %s back from quarantine: %s", printable_name(path.name), exc.strerror)


def _changed(path: Path, arrival: Arrival) -> bool:
    """Whether the name now holds something else than when it arrived (appended, replaced)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return True
    return (st.st_size, st.st_mtime_ns, st.st_ino) != (arrival.size, arrival.mtime_ns, arrival.inode)


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
        fsync_dir(path.parent)
    except FileNotFoundError:
        pass
