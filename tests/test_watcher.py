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
    hf = HotFolder(inbox, lambda p: got.append(p.name), settle_seconds=0.3, stable_seconds=0.3, rescan_seconds=0.5)
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


def _piecewise_write(path: Path, pieces: int, pause: float, piece: bytes = b"k" * 1024) -> None:
    """A writer that reopens the file for every 1 KB piece (some copy tools, network shares)."""
    for _ in range(pieces):
        with path.open("ab") as f:
            f.write(piece)
        time.sleep(pause)


def test_a_file_appended_in_pieces_is_handed_over_once_whole(inbox: Path) -> None:
    hf, c = _start(inbox, stable_seconds=1.0)
    try:
        _piecewise_write(inbox / "pieces.jpg", pieces=20, pause=0.25)
        c.wait_for(1)
        time.sleep(1.5)
        assert c.got == [("pieces.jpg", 20 * 1024)]
    finally:
        hf.stop()


def test_a_temp_file_renamed_after_close_is_not_stolen(inbox: Path) -> None:
    hf, c = _start(inbox)
    try:
        for temp, final in (("x.jpg.part", "x.jpg"), (".y.jpg.Xy12Ab", "y.jpg"), ("z.jpg.crdownload", "z.jpg")):
            with (inbox / temp).open("wb") as f:
                f.write(b"t" * 3000)
            time.sleep(0.5)  # closed, then renamed half a second later
            os.rename(inbox / temp, inbox / final)
        c.wait_for(3)
        time.sleep(1.0)
        assert sorted(c.got) == [("x.jpg", 3000), ("y.jpg", 3000), ("z.jpg", 3000)]
    finally:
        hf.stop()


def test_a_special_file_is_handed_over_at_once_by_name_without_following(inbox: Path, tmp_path: Path) -> None:
    got: list[str] = []
    hf = HotFolder(inbox, lambda p: (got.append(p.name), hf.done(p)), settle_seconds=5, stable_seconds=5)
    (inbox / "link.jpg").symlink_to(tmp_path / "nowhere")  # dangling: must not matter
    os.mkfifo(inbox / "pipe.jpg")
    hf.start()
    try:
        deadline = time.monotonic() + 3
        while len(got) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sorted(got)[:2] == ["link.jpg", "pipe.jpg"]
    finally:
        hf.stop()


def test_a_failing_file_is_retried_with_a_growing_pause_and_listed(inbox: Path) -> None:
    tries: list[float] = []

    def fail(path: Path) -> None:
        tries.append(time.monotonic())
        hf.done(path, failed="PermissionError: Operation not permitted")

    hf = HotFolder(inbox, fail, settle_seconds=0.2, stable_seconds=0.2, rescan_seconds=0.5)
    hf.start()
    try:
        (inbox / "stuck.jpg").write_bytes(b"s" * 10)
        time.sleep(7.5)
        problems = hf.problems()
    finally:
        hf.stop()
    gaps = [b - a for a, b in zip(tries, tries[1:], strict=False)]
    assert 3 <= len(tries) <= 5, gaps
    assert all(later > earlier * 1.5 for earlier, later in zip(gaps, gaps[1:], strict=False)), gaps
    assert [(p.name, p.failures) for p in problems] == [("stuck.jpg", len(tries))]
    assert problems[0].error.startswith("PermissionError")
