"""Files at rest: the data folder is the owner's alone, and one ``sohoa run`` holds it at a time.

- The data folder is made (or tightened to) 0700; the SQLite database with its ``-wal`` and
  ``-shm`` files and the desk's key are 0600, whatever the umask (they hold ID numbers in
  plain text). The process umask is set to 077 by the ``sohoa`` command, so every file it makes
  is private too.
- :class:`RunLock`: an exclusive ``fcntl`` lock on ``data_dir/state/run.lock``; the kernel drops
  it when the process dies, so a killed run never leaves a stale lock.
"""

from __future__ import annotations

import fcntl
import os
import stat
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def tighten(path: Path, mode: int) -> bool:
    """chmod ``path`` to ``mode`` if it grants more (never follows a symlink); whether it changed."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(st.st_mode) or stat.S_IMODE(st.st_mode) & ~mode == 0:
        return False
    os.chmod(path, stat.S_IMODE(st.st_mode) & mode)
    return True


def secure_data_dir(data_dir: Path) -> None:
    data_dir.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    tighten(data_dir, PRIVATE_DIR)


def sqlite_path(url: str) -> Path | None:
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(prefix):
            rest = url.removeprefix(prefix).split("?", 1)[0]
            return Path(rest) if rest and rest != ":memory:" else None
    return None


def prepare_sqlite(db_file: Path) -> None:
    """Create the database file 0600 before SQLite does (SQLite gives its -wal and -shm the
    database's mode), and tighten an existing one with its companions."""
    db_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(db_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE_FILE)
        os.close(fd)
    except FileExistsError:
        pass
    secure_sqlite(db_file)


def secure_sqlite(db_file: Path) -> None:
    for p in (db_file, Path(f"{db_file}-wal"), Path(f"{db_file}-shm"), Path(f"{db_file}-journal")):
        tighten(p, PRIVATE_FILE)


class AlreadyRunning(Exception):
    def __init__(self, lock_file: Path, pid: str) -> None:
        super().__init__(
            f"Một `sohoa run` khác đang chạy trên thư mục dữ liệu này (tiến trình {pid or '?'}); "
            f"mỗi thư mục dữ liệu chỉ được một `sohoa run`. Hãy dừng nó trước (Ctrl+C), "
            f"hoặc dùng thư mục dữ liệu khác. Khóa: {lock_file}"
        )
        self.pid = pid


class RunLock:
    """``with RunLock(data_dir):`` — raises :class:`AlreadyRunning` if another process holds it."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "state" / "run.lock"
        self.fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, PRIVATE_FILE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise AlreadyRunning(self.path, pid) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


# -- the database at start: there, and writable -------------------------------------------------------


class DatabaseUnusable(Exception):
    """The database cannot be used as it is; the message says why and what to do (Vietnamese)."""


def check_sqlite_at_start(db_file: Path, originals_dir: Path) -> None:
    """Refuse to start on a database that vanished (an empty new one would hide every stored
    original) or that cannot be written (read-only file, folder or disk). The message adds that a
    running ``sohoa run`` waits for it, if one does (``originals_dir`` is ``data_dir/originals``)."""
    try:
        _check_sqlite(db_file, originals_dir)
    except DatabaseUnusable as exc:
        from sohoa.dbhealth import run_waiting_note

        note = run_waiting_note(originals_dir.parent)
        if not note:
            raise
        raise DatabaseUnusable(f"{exc}\n{note}") from None


def _check_sqlite(db_file: Path, originals_dir: Path) -> None:
    if not db_file.exists():
        stored = [p for p in originals_dir.iterdir() if not p.name.startswith(".")] if originals_dir.is_dir() else []
        if stored:
            raise DatabaseUnusable(
                f"Không thấy cơ sở dữ liệu {db_file}, nhưng kho bản gốc {originals_dir} đã có tệp: cơ sở dữ liệu "
                "đã bị xóa hoặc di chuyển. sohoa không tạo cơ sở dữ liệu mới trống (sẽ che mất các hồ sơ). "
                "Hãy đặt lại tệp, hoặc khôi phục từ bản sao lưu: sohoa restore BẢN_SAO THƯ_MỤC_MỚI."
            )
        return
    import sqlite3

    try:
        con = sqlite3.connect(db_file, timeout=60, isolation_level=None)
    except sqlite3.Error as exc:
        raise DatabaseUnusable(f"Không mở được cơ sở dữ liệu {db_file}: {exc}") from None
    try:
        version = con.execute("PRAGMA user_version").fetchone()[0]
        con.execute("BEGIN IMMEDIATE")
        try:
            con.execute(f"PRAGMA user_version = {int(version)}")
        finally:
            con.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return  # another process is writing: usable
        raise DatabaseUnusable(
            f"Không ghi được vào cơ sở dữ liệu {db_file} ({exc}). Kiểm tra: quyền của tệp và thư mục "
            f"(chủ sở hữu là người chạy sohoa, chmod 600), ổ đĩa còn chỗ và không bị gắn chỉ đọc. "
            "Sửa xong, chạy lại lệnh."
        ) from None
    except sqlite3.DatabaseError as exc:
        raise DatabaseUnusable(
            f"Cơ sở dữ liệu {db_file} bị hỏng ({exc}). Khôi phục từ bản sao lưu: sohoa restore."
        ) from None
    finally:
        con.close()
