"""Fixity: are the stored files still what was stored?

- Originals are content-addressed: each file under ``originals/`` is re-hashed and must match its
  own name and the database (sha256 and size of its ``originals`` row). A row whose file is gone
  is *missing*; a file whose bytes no longer hash to its name is *altered*; a file no row names
  is *unreferenced* (a stray file, or a copy a killed intake left — harmless, but reported).
- Archive files (searchable PDFs, thumbnails) are named by page, not by content: each is hashed
  and compared with the hash the worker took of the bytes as it wrote them, stored with the page
  (``pages.archive_sha256``, in the transaction that indexed it). Pages processed before that
  column existed are compared with the hash a check first saw (``state/archive-hashes.json``),
  unless processed again since. Thumbnails are drawn again from their PDF when lost (and not
  backed up): an absent one is not missing, an old page's one is not unreferenced. Referenced but absent: missing; present but named by no page:
  unreferenced. Files younger than ``YOUNG_S`` are neither called unreferenced nor altered (a
  running ``sohoa run`` writes a page's files just before it records them).
- The audit trail's hash chain is verified (``indexer.auditchain``), against the head the last
  check recorded.

The result is written to ``state/fixity.json`` for ``sohoa status`` and the desk. Never changes
a stored file.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from indexer import auditchain
from indexer.models import Original, Page
from ocr.thumbnail import THUMB_SUFFIX
from sohoa.app import App
from sohoa.intakestate import FIXITY_FILE, read_json, write_json

CHUNK = 1 << 20
YOUNG_S = 600.0
ARCHIVE_HASHES = "archive-hashes.json"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class FixityReport:
    at: str
    seconds: float = 0.0
    originals: int = 0
    archive_files: int = 0
    missing: list[str] = field(default_factory=list)
    altered: list[str] = field(default_factory=list)
    unreferenced: list[str] = field(default_factory=list)
    audit_rows: int = 0
    audit_problems: list[str] = field(default_factory=list)
    audit_head: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.altered or self.unreferenced or self.audit_problems)


def _files(root: Path) -> dict[str, Path]:
    """Every plain file under ``root`` by its key (relative path), hidden folders skipped."""
    out: dict[str, Path] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            p = Path(dirpath) / name
            out[str(p.relative_to(root))] = p
    return out


def _hash_archive(rep: FixityReport, key: str, path: Path) -> str | None:
    """The archive file's SHA-256, counted as checked; None (and listed missing) when unreadable."""
    rep.archive_files += 1
    try:
        return sha256_file(path)
    except OSError:
        rep.missing.append(f"archive/{key}")
        return None


def _young(path: Path, now: float) -> bool:
    try:
        return now - os.lstat(path).st_mtime < YOUNG_S
    except OSError:
        return False


def check(app: App, *, verify_audit: bool = True) -> FixityReport:
    s = app.settings
    started = time.monotonic()
    now = time.time()
    rep = FixityReport(at=datetime.now(UTC).isoformat(timespec="seconds"))
    with app.db.read() as sess:
        originals = {o.store_key: (o.sha256, o.size) for o in sess.scalars(select(Original))}
        pages = sess.execute(select(Page.pdf_key, Page.image_key, Page.indexed_at, Page.archive_sha256)).all()
    # -- originals: hash == name == database
    on_disk = _files(s.originals_dir)
    for key, (sha, size) in sorted(originals.items()):
        p = on_disk.pop(key, None)
        if p is None:
            rep.missing.append(f"originals/{key}")
            continue
        rep.originals += 1
        try:
            actual = sha256_file(p)
            actual_size = os.lstat(p).st_size
        except OSError:
            rep.missing.append(f"originals/{key}")
            continue
        if actual != sha or actual_size != size or not p.name.startswith(sha):
            rep.altered.append(f"originals/{key}")
    rep.unreferenced += [f"originals/{k}" for k, p in sorted(on_disk.items()) if not _young(p, now)]
    # -- archive: present, and unchanged since first seen unless its page was processed again
    referenced: dict[str, datetime | None] = {}
    recorded: dict[str, str] = {}  # hashed as written
    derived: set[str] = set()  # thumbnails of pages processed before hashes were recorded
    for pdf_key, image_key, indexed_at, written in pages:
        if written:
            recorded.update(written)
        for k in (pdf_key, image_key):
            if k and k not in recorded:
                referenced[k] = indexed_at
                if k.endswith(".pdf"):
                    derived.add(k.removesuffix(".pdf") + THUMB_SUFFIX)
    on_disk = _files(s.archive_dir)
    for key, sha in sorted(recorded.items()):
        p = on_disk.pop(key, None)
        if p is None:
            if not key.endswith(THUMB_SUFFIX):  # a thumbnail is drawn again from its PDF (not backed up)
                rep.missing.append(f"archive/{key}")
            continue
        digest = _hash_archive(rep, key, p)
        if digest is None:
            continue
        if digest != sha and not _young(p, now):
            rep.altered.append(f"archive/{key}")
    for key in derived:
        on_disk.pop(key, None)
    baseline = (read_json(s.data_dir, ARCHIVE_HASHES) or {}).get("files", {})
    new_baseline: dict[str, dict[str, Any]] = {}
    for key, indexed_at in sorted(referenced.items()):
        p = on_disk.pop(key, None)
        if p is None:
            rep.missing.append(f"archive/{key}")
            continue
        digest = _hash_archive(rep, key, p)
        if digest is None:
            continue
        seen = baseline.get(key)
        redone = indexed_at is not None and seen is not None and _utc(indexed_at) > seen.get("at", "")
        if seen is not None and seen["sha256"] != digest and not redone:
            rep.altered.append(f"archive/{key}")
            new_baseline[key] = seen  # keep the first hash: still altered at the next check
        else:
            new_baseline[key] = {"sha256": digest, "at": rep.at}
    rep.unreferenced += [f"archive/{k}" for k, p in sorted(on_disk.items()) if not _young(p, now)]
    write_json(s.data_dir, ARCHIVE_HASHES, {"files": new_baseline})
    # -- the audit trail's chain
    if verify_audit:
        last = read_json(s.data_dir, FIXITY_FILE) or {}
        chain = auditchain.verify(app.db, anchor=last.get("audit_head") or None)
        rep.audit_rows = chain.rows
        rep.audit_problems = chain.problems
        rep.audit_head = {"rows": chain.rows, "last_id": chain.last_id, "last_hash": chain.last_hash}
        if chain.problems and last.get("audit_head"):
            rep.audit_head = last["audit_head"]  # keep comparing against the good head
    rep.seconds = round(time.monotonic() - started, 2)
    return rep


def _utc(at: datetime) -> str:
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="seconds")


def save_result(app: App, rep: FixityReport) -> None:
    write_json(app.settings.data_dir, FIXITY_FILE, {**asdict(rep), "ok": rep.ok})


def last_result(data_dir: Path) -> dict[str, Any] | None:
    return read_json(data_dir, FIXITY_FILE)


def summary_vi(r: dict[str, Any]) -> str:
    """One Vietnamese line for a recorded result."""
    at = r.get("at", "?")
    if r.get("ok"):
        return (
            f"tốt — lúc {at}: {r.get('originals', 0)} bản gốc, {r.get('archive_files', 0)} tệp lưu trữ, "
            f"{r.get('audit_rows', 0)} dòng nhật ký, không có vấn đề"
        )
    parts = []
    for key, label in (("missing", "mất"), ("altered", "bị thay đổi"), ("unreferenced", "lạ (không hồ sơ nào dùng)")):
        if r.get(key):
            parts.append(f"{len(r[key])} tệp {label}")
    if r.get("audit_problems"):
        parts.append(f"nhật ký bị can thiệp ({len(r['audit_problems'])} chỗ)")
    return f"CÓ VẤN ĐỀ — lúc {at}: " + "; ".join(parts) + " (chi tiết: sohoa check)"


def last_result_line(data_dir: Path) -> str:
    r = last_result(data_dir)
    return summary_vi(r) if r else "chưa kiểm tra lần nào (chạy: sohoa check)"
