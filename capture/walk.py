"""List the files under the paths a person named (``sohoa import``, ``sohoa process``)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from capture.probe import ACCEPTED_EXTENSIONS, is_candidate


def iter_files(paths: Iterable[Path], *, accepted_only: bool = False) -> Iterator[Path]:
    """Files in the order given, folders walked in name order; hidden and partial files skipped."""
    for p in paths:
        if p.is_dir():
            for dirpath, dirnames, filenames in os.walk(p):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    f = Path(dirpath) / name
                    if is_candidate(f) and (not accepted_only or f.suffix.lower() in ACCEPTED_EXTENSIONS):
                        yield f
        else:
            yield p
