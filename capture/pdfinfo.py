"""Thin wrapper over poppler's ``pdfinfo``: page count, page size, encryption."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path


class PdfInfoError(Exception):
    def __init__(self, message: str, encrypted: bool = False) -> None:
        super().__init__(message)
        self.encrypted = encrypted


@dataclass(frozen=True)
class PdfInfo:
    pages: int
    page_size_pt: tuple[float, float]
    encrypted: bool


_SIZE = re.compile(r"Page size:\s+([\d.]+) x ([\d.]+) pts")


def pdf_info(path: Path, timeout: float = 60, *, fd: int | None = None) -> PdfInfo:
    """Ask pdfinfo about ``path``; with ``fd`` (an open plain file) it reads that instead, through
    its standard input, so the name is not looked up again."""
    try:
        if fd is not None:
            os.lseek(fd, 0, os.SEEK_SET)
            proc = subprocess.run(
                ["pdfinfo", "/dev/stdin"], stdin=fd, capture_output=True, timeout=timeout, check=False
            )
        else:
            proc = subprocess.run(["pdfinfo", str(path)], capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise PdfInfoError(f"pdfinfo took longer than {timeout} s") from None
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace").strip()
    if proc.returncode != 0:
        raise PdfInfoError(err or f"pdfinfo exit {proc.returncode}", encrypted="password" in err.lower())
    fields = {}
    for line in out.splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    try:
        pages = int(fields.get("Pages", "0"))
    except ValueError:
        raise PdfInfoError(f"unreadable page count {fields.get('Pages')!r}") from None
    m = _SIZE.search(out)
    size = (float(m.group(1)), float(m.group(2))) if m else (595.0, 842.0)
    return PdfInfo(pages=pages, page_size_pt=size, encrypted=fields.get("Encrypted", "no").startswith("yes"))
