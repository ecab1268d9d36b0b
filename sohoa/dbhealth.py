"""Can ``sohoa run`` write to its database right now? A database that vanished (moved away,
folder removed), became read-only (file, disk, PostgreSQL ``default_transaction_read_only``) or
is unreachable pauses the run instead of failing file by file; it resumes on its own once the
database can be written again.

- :meth:`DbHealth.quick` is cheap (one ``stat`` of the SQLite file, nothing for PostgreSQL) and
  runs every second: it notices the file gone or replaced by another, even while open connections
  could still write into the moved file (SQLite keeps writing into an open file wherever it is).
- :meth:`DbHealth.full` commits a write that changes nothing through a fresh connection
  (:meth:`indexer.db.Database.write_problem`) and gives a Vietnamese message saying what is wrong
  and what to do, or None.
"""

from __future__ import annotations

import os
from pathlib import Path

from indexer.db import Database, sqlite_file

RESUME = "sohoa tạm dừng nhận tệp và xử lý (các tệp trong hộp nhận được giữ nguyên) và tự chạy tiếp khi sửa xong, không cần khởi động lại"


def vanished_message(db_file: os.PathLike[str] | str) -> str:
    return (
        f"Không thấy cơ sở dữ liệu {db_file} (bị xóa hoặc di chuyển?). Hãy đặt lại tệp vào chỗ cũ, "
        f"hoặc khôi phục từ bản sao lưu (sohoa restore). {RESUME}."
    )


def unwritable_message(error: str) -> str:
    return (
        f"Không ghi được vào cơ sở dữ liệu ({error}). Kiểm tra: quyền của tệp và thư mục, ổ đĩa còn chỗ và "
        "không bị gắn chỉ đọc; với PostgreSQL: máy chủ chạy, cơ sở dữ liệu không đặt chỉ đọc "
        f"(default_transaction_read_only), vai trò có quyền ghi. {RESUME}."
    )


class DbHealth:
    def __init__(self, db: Database, url: str) -> None:
        self.db = db
        self.file = sqlite_file(url)
        self.ino = self._ino()

    def _ino(self) -> int | None:
        if self.file is None:
            return None
        try:
            return os.stat(self.file).st_ino
        except OSError:
            return None

    def quick(self) -> bool:
        """Whether the SQLite file is still the one opened (a full check is due otherwise)."""
        return self.file is None or self._ino() == self.ino

    def full(self) -> str | None:
        ino = self._ino()
        if self.file is not None and ino is None:
            return vanished_message(self.file)
        error = self.db.write_problem()
        if error is not None:
            return unwritable_message(error)
        self.ino = ino  # the file put back, or restored in its place: this one from now on
        return None


def run_waiting_note(data_dir: Path) -> str:
    """A line saying that a ``sohoa run`` (another process, alive) is waiting for the database, or ""."""
    from sohoa.intakestate import read_intake

    st = read_intake(data_dir) or {}
    pid = st.get("pid")
    if not st.get("paused") or not isinstance(pid, int) or pid == os.getpid():
        return ""
    try:
        os.kill(pid, 0)
    except OSError:
        return ""
    return (
        f"sohoa run (tiến trình {pid}) đang chạy, tạm dừng nhận tệp từ {st.get('at', '?')} và tự thử lại; "
        "các tệp trong hộp nhận được giữ nguyên."
    )
