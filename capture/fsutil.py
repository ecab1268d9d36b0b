"""Small durable-filesystem helpers: write a file whole or not at all, fsync a folder, move across
filesystems, unique names. Every "temporary name, fsync, rename" in sohoa is :func:`atomic_write`
(the content-addressed store's copy, named only once hashed, is ``capture.store``).

The lowest layer: ``ocr``, ``indexer`` and ``sohoa`` may import this; it imports nothing of theirs."""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# fsync of a folder is refused by some shared filesystems: the rename is done, only not forced out.
_NOT_SUPPORTED = {errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_write(path: Path, *, durable: bool = True, mode: int = 0o666) -> Iterator[Path]:
    """Write ``path`` whole or not at all. The caller writes the temporary file this yields
    (``.<name>.<random>.part`` in the same folder, created with ``mode`` less the umask; give
    ``PIL`` an explicit format); when the block ends without error it is fsynced, renamed over
    ``path`` (a reader sees the old file or the new one, never half of one), and the folder is
    fsynced so the rename survives a power cut. On an error the temporary file is removed and
    ``path`` is untouched. ``durable=False`` skips both fsyncs: for caches a crash may lose."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode))
    try:
        yield tmp
        if durable:
            fd = os.open(tmp, os.O_RDONLY | os.O_CLOEXEC)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if durable:
        try:
            fsync_dir(path.parent)
        except OSError as exc:
            if exc.errno not in _NOT_SUPPORTED:
                raise


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
