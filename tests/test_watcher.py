"""The hot folder hands over each file once, and only when it is completely written."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from capture.watcher import HotFolder


class Collector:
    """Stands in for intake: records what it got and the size at that moment, then removes it."""

    def __init__(self, remove: bool = True) -> None:
        self.got: list[tuple[str, int]] = []
        self.lock = threading.Lock()
        self.remove = remove
        self.folder: HotFolder | None = None

    def __call__(self, path: Path) -> None:
        size = path.stat().st_size
        with self.lock:
            self.got.append((path.name, size))
        if self.remove:
            path.unlink()
        assert self.folder is not None
        self.folder.done(path)

    def names(self) -> Counter[str]:
        with self.lock:
            return Counter(n for n, _ in self.got)

    def wait_for(self, n: int, timeout: float = 30) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if len(self.got) >= n:
                return
            time.sleep(0.05)
        raise AssertionError(f"got {len(self.got)} of {n}: {self.got[:5]}")


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    p = tmp_path / "inbox"
    p.mkdir()
    return p


def _start(inbox: Path, **kw: object) -> tuple[HotFolder, Collector]:
    c = Collector(remove=bool(kw.pop("remove", True)))
    kw.setdefault("settle_seconds", 0.5)
    kw.setdefault("stable_seconds", 1.0)
    hf = HotFolder(inbox, c, **kw)  # type: ignore[arg-type]
    c.folder = hf
    hf.start()
    return hf, c


def _slow_write(path: Path, chunks: int, pause: float, chunk: bytes = b"x" * 10_000) -> None:
    with path.open("wb") as f:
        for _ in range(chunks):
            f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
            time.sleep(pause)


def test_slowly_written_file_is_taken_once_complete(inbox: Path) -> None:
    hf, c = _start(inbox)
    try:
        # Pauses longer than the settle time: only the close event may release it.
        _slow_write(inbox / "slow.jpg", chunks=4, pause=0.8)
        c.wait_for(1)
        time.sleep(1.0)
        assert c.got == [("slow.jpg", 40_000)]
    finally:
        hf.stop()


def test_file_moved_in_from_elsewhere_is_taken_after_settling(inbox: Path, tmp_path: Path) -> None:
    hf, c = _start(inbox)
    try:
        outside = tmp_path / "staging.jpg"
        outside.write_bytes(b"y" * 5000)
        os.rename(outside, inbox / "moved.jpg")
        c.wait_for(1)
        assert c.got == [("moved.jpg", 5000)]
    finally:
        hf.stop()


def test_rename_inside_the_inbox_hands_over_only_the_final_name(inbox: Path) -> None:
    hf, c = _start(inbox)
    try:
        part = inbox / "scan.jpg.part"
        _slow_write(part, chunks=2, pause=0.2)
        os.rename(part, inbox / "scan.jpg")
        c.wait_for(1)
        time.sleep(1.0)
        assert c.got == [("scan.jpg", 20_000)]
    finally:
        hf.stop()


def test_burst_of_500_files_each_handed_over_exactly_once(inbox: Path) -> None:
    hf, c = _start(inbox)
    try:
        for i in range(500):
            (inbox / f"p{i:04d}.png").write_bytes(b"z" * 100)
        c.wait_for(500, timeout=60)
        time.sleep(1.5)
        names = c.names()
        assert len(names) == 500 and set(names.values()) == {1}
    finally:
        hf.stop()


def test_polling_mode_waits_for_size_and_mtime_to_stand_still(inbox: Path) -> None:
    hf, c = _start(inbox, mode="polling", stable_seconds=1.5)
    try:
        _slow_write(inbox / "share.pdf", chunks=5, pause=0.5)
        c.wait_for(1, timeout=30)
        time.sleep(2.0)
        assert c.got == [("share.pdf", 50_000)]
    finally:
        hf.stop()


def test_files_present_before_start_are_found_by_the_first_rescan(inbox: Path) -> None:
    for i in range(3):
        (inbox / f"old{i}.jpg").write_bytes(b"o" * 10)
    (inbox / ".hidden.jpg").write_bytes(b"h")
    (inbox / "download.jpg.crdownload").write_bytes(b"d")
    hf, c = _start(inbox)
    try:
        c.wait_for(3)
        time.sleep(1.0)
        assert sorted(c.names()) == ["old0.jpg", "old1.jpg", "old2.jpg"]
    finally:
        hf.stop()


def test_a_file_in_flight_is_not_handed_over_again(inbox: Path) -> None:
    got: list[str] = []
    hf = HotFolder(inbox, lambda p: got.append(p.name), settle_seconds=0.3, rescan_seconds=0.5)
    hf.start()
    try:
        (inbox / "a.jpg").write_bytes(b"1")
        time.sleep(1.0)
        (inbox / "a.jpg").write_bytes(b"22")  # rewritten while the consumer still holds it
        time.sleep(1.5)  # several rescans
        assert got == ["a.jpg"]
        hf.done(inbox / "a.jpg", look_again=True)  # consumer: it changed, not taken
        deadline = time.monotonic() + 5
        while len(got) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert got == ["a.jpg", "a.jpg"]
    finally:
        hf.stop()
