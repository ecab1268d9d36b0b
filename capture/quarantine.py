"""Put a refused file aside in ``quarantine/`` with a ``.reason.txt`` beside it. Nothing is deleted.

Never reads through a name that is not a plain file: a symlink, FIFO, socket or device is moved
as a name (``rename``), or, when the original must stay (``sohoa import``), only its reason file
is written. The reason never holds a file's content.
"""

from __future__ import annotations

import os
import shutil
import stat
from datetime import datetime
from pathlib import Path

from capture.fsutil import atomic_write, fsync_dir, move_file, printable_name, unique_path
from capture.rejections import RejectReason


def quarantine_file(src: Path, reason: RejectReason, detail: str, quarantine_dir: Path, *, move: bool) -> Path | None:
    """Move (or copy) ``src`` into quarantine; returns where it went, or None if it could not be
    moved (then it stays where it is, and the reason file says so)."""
    quarantine_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    shown = printable_name(src.name)
    target = unique_path(quarantine_dir, f"{stamp}-{shown}")
    placed: Path | None = target
    note = ""
    try:
        regular = stat.S_ISREG(os.lstat(src).st_mode)
    except OSError:
        regular = False
    try:
        if move:
            move_file(src, target)
        elif regular:
            shutil.copy2(src, target, follow_symlinks=False)
            fsync_dir(target.parent)
        else:
            placed = None
            note = "Không sao chép (không phải tệp thường); tệp vẫn ở chỗ cũ.\n"
    except OSError as exc:
        placed = None
        note = f"Không chuyển được tệp vào cách ly ({exc.strerror or exc.__class__.__name__}); tệp vẫn ở chỗ cũ.\n"
        target = unique_path(quarantine_dir, f"{stamp}-{shown}")
    reason_file = target.with_name(target.name + ".reason.txt")
    text = (
        f"Lý do: {reason.message}\n"
        f"Mã lý do: {reason.value}\n"
        f"Chi tiết: {detail}\n"
        f"Tệp gốc: {printable_name(str(src))}\n"
        f"Thời điểm: {datetime.now().isoformat(timespec='seconds')}\n" + note
    )
    # Whole or not at all (a full disk leaves no empty reason file).
    with atomic_write(reason_file) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return placed
