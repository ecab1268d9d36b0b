"""``capture.fsutil.atomic_write``, the one "temporary name, fsync, rename": a reader sees the old
file or the new one, never part of one — after an error in the writer, and after the writer is
killed with SIGKILL in the middle of writing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from capture.fsutil import atomic_write


def test_the_file_appears_whole_and_no_temporary_is_left(tmp_path: Path) -> None:
    out = tmp_path / "a.json"
    with atomic_write(out) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".a.json.") and tmp.name.endswith(".part")
        tmp.write_text('{"x": 1}', encoding="utf-8")
        assert not out.exists()  # not there until the block ends
    assert out.read_text(encoding="utf-8") == '{"x": 1}'
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_an_error_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    out = tmp_path / "state.json"
    out.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_write(out, durable=False) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_mode_is_the_callers_less_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        with atomic_write(tmp_path / "shared.txt") as tmp:
            tmp.write_text("x", encoding="utf-8")
        with atomic_write(tmp_path / "private.txt", mode=0o600) as tmp:
            tmp.write_text("x", encoding="utf-8")
    finally:
        os.umask(old)
    assert (tmp_path / "shared.txt").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "private.txt").stat().st_mode & 0o777 == 0o600


WRITER = """
import sys, time
from pathlib import Path
from capture.fsutil import atomic_write
with atomic_write(Path(sys.argv[1])) as tmp, tmp.open("wb") as f:
    while True:
        f.write(b"n" * 65536)
        f.flush()
        print("writing", flush=True)
        time.sleep(0.01)
"""


def test_a_writer_killed_midway_leaves_the_old_file(tmp_path: Path) -> None:
    out = tmp_path / "manifest.json"
    out.write_bytes(b"old")
    root = Path(__file__).resolve().parent.parent
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(out)],
        cwd=root,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert child.stdout is not None
    for _ in range(5):
        assert child.stdout.readline() == b"writing\n"
    part = next(tmp_path.glob(".manifest.json.*.part"))
    assert part.stat().st_size >= 5 * 65536
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    time.sleep(0.05)
    assert out.read_bytes() == b"old"
