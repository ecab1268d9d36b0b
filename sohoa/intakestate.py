"""What the running ``sohoa run`` knows about its inbox that the database does not: files it keeps
failing on (retried with a growing pause), whether intake is paused (low disk), and the last fixity
check. Kept as small JSON files in ``data_dir/state/`` (written atomically, 0600), so that
``sohoa status`` and the desk, in other processes, can show them.

ID numbers in file names are masked before they are written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from capture.fsutil import atomic_write
from sohoa.logsetup import mask_ids

INTAKE_FILE = "intake.json"
FIXITY_FILE = "fixity.json"


def state_dir(data_dir: Path) -> Path:
    return data_dir / "state"


def write_json(data_dir: Path, name: str, payload: dict[str, Any]) -> None:
    folder = state_dir(data_dir)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with atomic_write(folder / name, durable=False, mode=0o600) as tmp, tmp.open("w", encoding="utf-8") as f:
        json.dump(payload, f, ensure_ascii=False, indent=1, default=str)


def read_json(data_dir: Path, name: str) -> dict[str, Any] | None:
    try:
        return json.loads((state_dir(data_dir) / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_intake(data_dir: Path, *, problems: list[dict[str, Any]], paused: str | None, at: str) -> None:
    safe = [{**p, "name": mask_ids(p["name"]), "error": mask_ids(p["error"])} for p in problems]
    write_json(data_dir, INTAKE_FILE, {"at": at, "pid": os.getpid(), "problems": safe, "paused": paused})


def read_intake(data_dir: Path) -> dict[str, Any] | None:
    return read_json(data_dir, INTAKE_FILE)
