"""Put a refused file aside in ``quarantine/`` with a ``.reason.txt`` beside it. Nothing is deleted."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from capture.fsutil import fsync_dir, move_file, unique_path
from capture.rejections import RejectReason


def quarantine_file(src: Path, reason: RejectReason, detail: str, quarantine_dir: Path, *, move: bool) -> Path | None:
    """Move (or copy) ``src`` into quarantine; returns where it went, or None if it could not be
    moved (then it stays where it is, and the reason file says so)."""
    quarantine_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = unique_path(quarantine_dir, f"{stamp}-{src.name}")
    placed: Path | None = target
    note = ""
    try:
        if move:
            move_file(src, target)
        else:
            shutil.copy2(src, target)
            fsync_dir(target.parent)
    except OSError as exc:
        placed = None
        note = f"Không chuyển được tệp vào cách ly ({exc}); tệp vẫn ở {src}.\n"
        target = unique_path(quarantine_dir, f"{stamp}-{src.name}")
    reason_file = target.with_name(target.name + ".reason.txt")
    reason_file.write_text(
        f"Lý do: {reason.message}\n"
        f"Mã lý do: {reason.value}\n"
        f"Chi tiết: {detail}\n"
        f"Tệp gốc: {src}\n"
        f"Thời điểm: {datetime.now().isoformat(timespec='seconds')}\n" + note,
        encoding="utf-8",
    )
    fsync_dir(quarantine_dir)
    return placed
