"""Backup and restore of a data folder: the database, the originals and the archive.

Layout of a backup folder ``DEST`` (a USB disk, a share on a second PC)::

    DEST/originals/ab/cd/<sha256>.<ext>      content-addressed: copied once, never again
    DEST/archive/...                         searchable PDFs and page images
    DEST/snapshots/<YYYYmmdd-HHMMSS>/sohoa.db        (or sohoa.pgdump for PostgreSQL)
    DEST/snapshots/<YYYYmmdd-HHMMSS>/manifest.json   sha256 and size of every file it needs
    DEST/LATEST                              the newest complete snapshot's name

Guarantees:

- Consistent while ``sohoa run`` works: the database is copied first, with SQLite's online backup
  API (one read transaction; writers are not stopped) or ``pg_dump``; then exactly the files that
  copy of the database names are copied. A file is recorded only after it is fsynced in the store,
  so every file the snapshot names exists.
- Incremental: an original already in ``DEST`` (same name, same size) is not copied again; an
  archive file with the size and mtime of the previous manifest keeps its hash without re-reading.
- Every file is written to a temporary name, fsynced, then renamed; ``LATEST`` moves last, so an
  interrupted backup leaves the previous one whole.
- ``restore`` copies into an empty data folder and checks every byte against the manifest.
- Never deletes or overwrites anything in the data folder; in ``DEST`` it only removes snapshots
  beyond the newest ``KEEP``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from capture.fsutil import atomic_write, fsync_dir
from sohoa.atrest import PRIVATE_DIR, PRIVATE_FILE, sqlite_path

CHUNK = 1 << 20
KEEP = 30
FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is for a person (Vietnamese)."""


@dataclass
class BackupResult:
    snapshot: str
    files: int = 0
    copied: int = 0
    copied_bytes: int = 0
    problems: list[str] = field(default_factory=list)


def _copy(src: Path, dst: Path) -> str:
    """Copy durably (temporary name, fsync, rename); returns the sha256 of what was copied."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256()
    with atomic_write(dst, mode=0o600) as tmp:
        src_fd = os.open(src, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        with tmp.open("wb") as out, os.fdopen(src_fd, "rb") as inp:
            while chunk := inp.read(CHUNK):
                h.update(chunk)
                out.write(chunk)
        shutil.copystat(src, tmp)
    return h.hexdigest()


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _write_text(path: Path, text: str) -> None:
    with atomic_write(path, mode=0o600) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _previous_manifest(dest: Path) -> dict[str, Any]:
    try:
        name = (dest / "LATEST").read_text(encoding="utf-8").strip()
        return json.loads((dest / "snapshots" / name / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


# -- the database --------------------------------------------------------------------------------


def _snapshot_sqlite(db_file: Path, out: Path) -> None:
    src = sqlite3.connect(db_file, timeout=60)
    try:
        dst = sqlite3.connect(out)
        try:
            src.backup(dst)  # one read transaction: a consistent copy while others write
        finally:
            dst.close()
    finally:
        src.close()
    with out.open("rb") as f:
        os.fsync(f.fileno())


def _keys_sqlite(db_file: Path) -> tuple[list[tuple[str, str, int]], list[str]]:
    con = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        originals = [(k, sha, size) for k, sha, size in con.execute("SELECT store_key, sha256, size FROM originals")]
        archive = [k for (k,) in con.execute("SELECT pdf_key FROM pages UNION SELECT image_key FROM pages") if k]
    finally:
        con.close()
    return originals, archive


def _pg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _snapshot_pg(url: str, out: Path) -> None:
    proc = subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--file", str(out), _pg_url(url)],
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        raise BackupError("pg_dump không chạy được: " + proc.stderr.decode("utf-8", "replace").strip()[:500])


def _keys_db(app: Any) -> tuple[list[tuple[str, str, int]], list[str]]:
    from sqlalchemy import select

    from indexer.models import Original, Page

    with app.db.read() as s:
        originals = [(o.store_key, o.sha256, o.size) for o in s.scalars(select(Original))]
        archive = sorted({k for row in s.execute(select(Page.pdf_key, Page.image_key)) for k in row if k})
    return originals, archive


# -- backup ------------------------------------------------------------------------------------------


def backup(app: Any, dest: Path, *, progress: Callable[[str], None] | None = None) -> BackupResult:
    s = app.settings
    dest = dest.absolute()
    if dest == s.data_dir or dest.is_relative_to(s.data_dir):
        raise BackupError(f"Không sao lưu vào chính thư mục dữ liệu ({dest}); chọn ổ USB hoặc máy khác.")
    dest.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    snap = dest / "snapshots" / stamp
    if snap.exists():
        raise BackupError(f"{snap} đã có; đợi một giây rồi chạy lại.")
    partial = dest / "snapshots" / f".partial-{stamp}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(mode=PRIVATE_DIR, parents=True)
    result = BackupResult(snapshot=stamp)
    db_file = sqlite_path(s.db_url)
    if db_file is not None:
        db_out = partial / "sohoa.db"
        _snapshot_sqlite(db_file, db_out)
        originals, archive = _keys_sqlite(db_out)
        database: dict[str, Any] = {"kind": "sqlite", "file": "sohoa.db"}
    else:
        db_out = partial / "sohoa.pgdump"
        # The key lists first, then the dump: every file they name is in the dump too, and a
        # row recorded in between names a file the next backup takes.
        originals, archive = _keys_db(app)
        _snapshot_pg(s.db_url, db_out)
        database = {"kind": "postgresql", "file": "sohoa.pgdump"}
    database.update(sha256=_sha256(db_out), size=db_out.stat().st_size)
    previous = _previous_manifest(dest).get("files", {})
    files: dict[str, dict[str, Any]] = {}
    for key, sha, size in originals:
        rel = f"originals/{key}"
        src, dst = s.originals_dir / key, dest / rel
        if dst.exists() and dst.stat().st_size == size:
            files[rel] = {"sha256": sha, "size": size}
            continue
        try:
            got = _copy(src, dst)
        except OSError as exc:
            result.problems.append(f"{rel}: không đọc được ({exc.strerror or exc})")
            continue
        if got != sha:
            dst.unlink()
            result.problems.append(f"{rel}: bản gốc đã bị thay đổi (mã băm không khớp) — không sao lưu bản hỏng")
            continue
        result.copied += 1
        result.copied_bytes += size
        files[rel] = {"sha256": sha, "size": size}
    for key in archive:
        rel = f"archive/{key}"
        src, dst = s.archive_dir / key, dest / rel
        try:
            st = src.stat()
        except OSError:
            result.problems.append(f"{rel}: không có trong thư mục dữ liệu")
            continue
        prev = previous.get(rel)
        if prev and dst.exists() and prev.get("size") == st.st_size and prev.get("mtime_ns") == st.st_mtime_ns:
            files[rel] = prev
            continue
        try:
            got = _copy(src, dst)
        except OSError as exc:
            result.problems.append(f"{rel}: không đọc được ({exc.strerror or exc})")
            continue
        result.copied += 1
        result.copied_bytes += st.st_size
        files[rel] = {"sha256": got, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    if progress:
        progress(f"{len(files)} tệp, {result.copied} tệp mới")
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "data_dir": str(s.data_dir),
        "database": database,
        "files": files,
    }
    _write_text(partial / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    os.replace(partial, snap)
    fsync_dir(snap.parent)
    _write_text(dest / "LATEST", stamp + "\n")
    result.files = len(files)
    _prune(dest / "snapshots")
    return result


def _prune(snapshots: Path) -> None:
    names = sorted(p.name for p in snapshots.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in names[:-KEEP]:
        shutil.rmtree(snapshots / old, ignore_errors=True)


# -- restore -----------------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    snapshot: str
    files: int = 0
    problems: list[str] = field(default_factory=list)
    database: str = ""


def restore(
    src: Path, data_dir: Path, *, snapshot: str | None = None, database_url: str | None = None
) -> RestoreResult:
    """Copy backup ``src`` into the empty folder ``data_dir``, checking every file's sha256.
    A PostgreSQL dump is loaded into ``database_url`` (an empty database) with ``pg_restore``."""
    src = src.absolute()
    name = snapshot or ""
    if not name and (src / "LATEST").exists():
        name = (src / "LATEST").read_text(encoding="utf-8").strip()
    if not name:
        raise BackupError(f"{src} không phải là bản sao lưu của sohoa (không có tệp LATEST).")
    snap = src / "snapshots" / name
    try:
        manifest = json.loads((snap / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"Không đọc được danh mục {snap / 'manifest.json'}: {exc}") from None
    if data_dir.exists() and any(data_dir.iterdir()):
        raise BackupError(f"Thư mục dữ liệu {data_dir} không trống; chỉ khôi phục vào thư mục trống.")
    data_dir.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    os.chmod(data_dir, PRIVATE_DIR)
    res = RestoreResult(snapshot=name)
    db = manifest["database"]
    db_src = snap / db["file"]
    if _sha256(db_src) != db["sha256"]:
        raise BackupError(f"Bản sao cơ sở dữ liệu {db_src} bị hỏng (mã băm không khớp).")
    if db["kind"] == "sqlite":
        target = data_dir / "sohoa.db"
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        os.close(fd)
        _copy(db_src, target)
        os.chmod(target, PRIVATE_FILE)
        res.database = str(target)
    else:
        if not database_url:
            raise BackupError("Bản sao lưu là PostgreSQL: cần --database-url của một cơ sở dữ liệu trống.")
        proc = subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", _pg_url(database_url), str(db_src)],
            capture_output=True,
            check=False,
        )
        if proc.returncode != 0:
            raise BackupError("pg_restore lỗi: " + proc.stderr.decode("utf-8", "replace").strip()[:500])
        res.database = database_url
    for rel, info in sorted(manifest["files"].items()):
        if rel.startswith("/") or ".." in Path(rel).parts or not rel.startswith(("originals/", "archive/")):
            res.problems.append(f"{rel}: đường dẫn không hợp lệ trong danh mục, bỏ qua")
            continue
        s_path = src / rel
        if not s_path.exists():
            res.problems.append(f"{rel}: thiếu trong bản sao lưu")
            continue
        got = _copy(s_path, data_dir / rel)
        if got != info["sha256"]:
            res.problems.append(f"{rel}: hỏng trong bản sao lưu (mã băm không khớp)")
        res.files += 1
    for d in ("inbox", "originals", "archive", "quarantine"):
        (data_dir / d).mkdir(exist_ok=True)
    return res
