"""Small durable-filesystem helpers: fsync a folder, move across filesystems, unique names."""

from __future__ import annotations

import errno
import os
import shutil
import stat
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
    while os.path.lexists(target) or target.with_name(target.name + ".reason.txt").exists():
        target = folder / f"{stem}-{n}{suffix}"
        n += 1
    return target


def move_file(src: Path, dst: Path) -> None:
    """Move durably; a copy then unlink when the two are on different filesystems."""
    try:
        os.replace(src, dst)
    except OSError as exc:
        if exc.errno != errno.EXDEV or not stat.S_ISREG(os.lstat(src).st_mode):
            raise  # a symlink, FIFO... is moved as a name only, never copied through
        shutil.copy2(src, dst, follow_symlinks=False)
        with open(dst, "rb") as f:
            os.fsync(f.fileno())
        os.unlink(src)
    fsync_dir(dst.parent)


# -- regular files only ------------------------------------------------------------------------------


class NotRegular(OSError):
    """The name is not a plain file (a symlink, FIFO, socket, device or folder): never opened."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(f"not a regular file: {kind}")
        self.path = path
        self.kind = kind


def kind_of(mode: int) -> str:
    """A short English word for a file type (for reasons and logs; never the file's content)."""
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISDIR(mode):
        return "directory"
    return "other"


def open_regular(path: Path) -> int:
    """Open ``path`` for reading only if it is a plain file: the name itself is not followed when
    it is a symlink (``O_NOFOLLOW``), a FIFO does not block the open (``O_NONBLOCK``), and the
    opened object is checked with ``fstat`` (so a name swapped between a check and the open is
    caught). Returns a blocking file descriptor; raises :class:`NotRegular` or ``OSError``."""
    st = os.lstat(path)
    if not stat.S_ISREG(st.st_mode):
        raise NotRegular(path, kind_of(st.st_mode))
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # became a symlink since the lstat
            raise NotRegular(path, "symlink") from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(path, kind_of(st.st_mode))
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def printable_name(name: str) -> str:
    """A file name as valid UTF-8 text: bytes that were not UTF-8 (kept by Python as surrogate
    escapes) are written ``\\xNN``; a valid name is returned unchanged."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
