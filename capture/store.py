"""Content-addressed storage of originals: ``originals/ab/cd/<sha256><ext>``.

Only a plain file is read, never through a symlink (:func:`capture.fsutil.open_regular`). A file
is copied and hashed in one pass into a temporary file, fsynced, then renamed into
place; storing the same content twice keeps one copy. Nothing is ever overwritten.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from capture.fsutil import fsync_dir, open_regular

CHUNK = 1 << 20


@dataclass(frozen=True)
class StoredObject:
    sha256: str
    path: Path
    size: int
    existed: bool


class ContentStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.tmp = root / ".tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)

    def path_for(self, sha256: str, ext: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / f"{sha256}{ext}"

    def relative(self, path: Path) -> str:
        return str(path.relative_to(self.root))

    def put(self, src: Path, ext: str) -> StoredObject:
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp, prefix="in-")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out, os.fdopen(open_regular(src), "rb") as inp:
                while chunk := inp.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            dst = self.path_for(sha, ext)
            if dst.exists() and dst.stat().st_size == size:
                tmp.unlink()
                return StoredObject(sha, dst, size, existed=True)
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(tmp, 0o440)
            os.replace(tmp, dst)
            fsync_dir(dst.parent)
            return StoredObject(sha, dst, size, existed=False)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def clean_tmp(self) -> int:
        """Remove temporary files a killed process left; returns how many."""
        n = 0
        for p in self.tmp.glob("in-*"):
            p.unlink(missing_ok=True)
            n += 1
        return n
