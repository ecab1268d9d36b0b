"""Small durable-filesystem helpers: fsync a folder, move across filesystems, unique names."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def unique_path(folder: Path, name: str) -> Path:
    """``folder/name``, or ``folder/stem-2.ext``... if that is taken."""
    target = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 2
    while target.exists() or target.with_name(target.name + ".reason.txt").exists():
        target = folder / f"{stem}-{n}{suffix}"
        n += 1
    return target


def move_file(src: Path, dst: Path) -> None:
    """Move durably; a copy then unlink when the two are on different filesystems."""
    try:
        os.replace(src, dst)
    except OSError as exc:
        if exc.errno != 18:  # EXDEV
            raise
        shutil.copy2(src, dst)
        with open(dst, "rb") as f:
            os.fsync(f.fileno())
        os.unlink(src)
    fsync_dir(dst.parent)
