"""Intake takes plain files only, and nothing in the inbox can jam it or trick it.

Real files, FIFOs, symlinks and inotify; the real SQLite database. Drills from the safekeeping
review: a FIFO named like a scan, symlinks to secrets and to outside images, names that are not
UTF-8, a file that cannot be removed (backs off, shown by ``sohoa status``, ID masked in the log).
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from capture.intake import Outcome
from capture.rejections import RejectReason
from capture.watcher import HotFolder
from indexer.models import Arrival, AuditEntry, Document, QuarantineEntry
from sohoa.app import App

SECRET = "TOPSECRET-do-not-show-0123"


def _jpeg(text: str = "a") -> bytes:
    buf = io.BytesIO()
    Image.new("L", (120, 80), 200 if text == "a" else 90).save(buf, format="JPEG", quality=80)
    return buf.getvalue()


def _db_text(app: App) -> str:
    """Everything intake wrote to the database, as text."""
    with app.db.read() as s:
        rows = [
            *(f"{q.file_name} {q.message} {q.detail} {q.quarantine_path}" for q in s.scalars(select(QuarantineEntry))),
            *(f"{a.source_path} {a.meta}" for a in s.scalars(select(Arrival))),
            *(f"{e.action} {e.detail}" for e in s.scalars(select(AuditEntry))),
        ]
    return "\n".join(rows)


def _take_with_timeout(app: App, path: Path, timeout: float = 10.0):
    out: list[object] = []
    t = threading.Thread(target=lambda: out.append(app.intake.take(path, source="hotfolder", remove=True)))
    t.daemon = True
    t.start()
    t.join(timeout)
    if t.is_alive():  # blocked on opening the FIFO: unblock it so the test process can end
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK) if path.exists() else None
        if fd is not None:
            os.close(fd)
        pytest.fail(f"intake blocked on {path.name}")
    return out[0]


def test_a_fifo_named_like_a_scan_is_put_aside_without_being_opened(app: App) -> None:
    fifo = app.settings.inbox_dir / "pipe.jpg"
    os.mkfifo(fifo)
    r = _take_with_timeout(app, fifo)
    assert r.outcome is Outcome.QUARANTINED and r.reason is RejectReason.NOT_REGULAR
    assert not os.path.lexists(fifo)  # moved out of the inbox (as a name: rename)
    assert r.quarantine_path is not None and os.path.lexists(r.quarantine_path)
    reason = Path(f"{r.quarantine_path}.reason.txt").read_text(encoding="utf-8")
    assert "FIFO" in reason and "fifo" in reason


def test_a_fifo_does_not_stop_intake_of_the_files_after_it(app: App) -> None:
    """The drill: a FIFO in the inbox, then a good scan; the hot folder hands both to intake."""
    inbox = app.settings.inbox_dir
    os.mkfifo(inbox / "pipe.jpg")
    results: list[object] = []

    def take(path: Path) -> None:
        results.append(app.intake.take(path, source="hotfolder", remove=True))
        hf.done(path)

    hf = HotFolder(inbox, take, settle_seconds=0.3, stable_seconds=0.5)
    hf.start()
    try:
        (inbox / "good.jpg").write_bytes(_jpeg())
        deadline = time.monotonic() + 15
        while len(results) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        outcomes = sorted((r.path.name, r.outcome.value) for r in results)  # type: ignore[attr-defined]
        assert outcomes == [("good.jpg", "new"), ("pipe.jpg", "quarantined")]
    finally:
        if os.path.lexists(inbox / "pipe.jpg"):
            fd = os.open(inbox / "pipe.jpg", os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)
        hf.stop()


def test_symlinks_are_never_followed(app: App, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    inbox = app.settings.inbox_dir
    secret = tmp_path / "web-secret.key"
    secret.write_text(SECRET + "\n")
    outside = tmp_path / "outside.jpg"
    outside.write_bytes(_jpeg())
    (inbox / "passwd.jpg").symlink_to(secret)
    (inbox / "key.txt").symlink_to(secret)
    (inbox / "photo.jpg").symlink_to(outside)
    with caplog.at_level(logging.INFO):
        results = {p.name: _take_with_timeout(app, p) for p in sorted(inbox.iterdir())}
    for name, r in results.items():
        assert (r.outcome, r.reason) == (Outcome.QUARANTINED, RejectReason.SYMLINK), name
        reason_file = Path(f"{r.quarantine_path}.reason.txt")
        assert SECRET[:6] not in reason_file.read_text(encoding="utf-8")
        assert os.path.islink(r.quarantine_path)  # the link itself was moved, not its target
    assert secret.read_text() == SECRET + "\n" and outside.read_bytes() == _jpeg()  # targets untouched
    with app.db.read() as s:
        assert s.scalar(select(Document.id)) is None  # the outside image was not ingested
    assert SECRET[:6] not in _db_text(app)
    assert SECRET[:6] not in caplog.text


def test_import_of_a_symlink_copies_nothing_through_it(app: App, tmp_path: Path) -> None:
    secret = tmp_path / "secret.jpg"
    secret.write_text(SECRET)
    link = tmp_path / "in" / "a.jpg"
    link.parent.mkdir()
    link.symlink_to(secret)
    r = app.intake.take(link, source="import", remove=False)
    assert (r.outcome, r.reason, r.quarantine_path) == (Outcome.QUARANTINED, RejectReason.SYMLINK, None)
    assert link.is_symlink()
    for p in app.settings.quarantine_dir.iterdir():
        assert SECRET[:6] not in p.read_text(encoding="utf-8")


def test_a_name_that_is_not_utf8_is_taken_and_recorded_printably(app: App) -> None:
    inbox_b = os.fsencode(app.settings.inbox_dir)
    raw = inbox_b + b"/H\xe0 N\xf4i scan.jpg"  # Latin-1 bytes from an old scanner
    with open(raw, "wb") as f:
        f.write(_jpeg())
    path = Path(os.fsdecode(raw))
    r = app.intake.take(path, source="hotfolder", remove=True)
    assert r.outcome is Outcome.NEW
    assert not os.path.lexists(raw)
    with app.db.read() as s:
        title = s.scalar(select(Document.title))
    assert title == "H\\xe0 N\\xf4i scan.jpg"
    # Bad as well as oddly named: quarantined, with a reason file that is valid UTF-8.
    bad = inbox_b + b"/b\xe1d.jpg"
    with open(bad, "wb") as f:
        f.write(b"not an image")
    r2 = app.intake.take(Path(os.fsdecode(bad)), source="hotfolder", remove=True)
    assert r2.outcome is Outcome.QUARANTINED and r2.quarantine_path is not None
    assert r2.quarantine_path.name.endswith("b\\xe1d.jpg")
    assert "b\\xe1d.jpg" in Path(f"{r2.quarantine_path}.reason.txt").read_text(encoding="utf-8")


def test_a_file_appended_after_it_was_read_is_not_removed_half_taken(app: App, tmp_path: Path) -> None:
    """A writer that appends between intake's copy and its removal: the file is left to be
    taken again whole, never removed with its tail unread."""
    data = _jpeg()
    src = app.settings.inbox_dir / "growing.jpg"
    src.write_bytes(data)
    store_put = app.store.put

    def put_then_append(path: Path, ext: str):
        stored = store_put(path, ext)
        with path.open("ab") as f:
            f.write(b"tail")
        return stored

    app.store.put = put_then_append  # type: ignore[method-assign]  # the writer's timing, on the real store
    r = app.intake.take(src, source="hotfolder", remove=True)
    assert r.outcome is Outcome.CHANGED
    assert src.read_bytes() == data + b"tail"


@pytest.fixture
def immutable_cccd(app: App):
    path = app.settings.inbox_dir / "CCCD_079203001234.jpg"
    path.write_bytes(_jpeg())
    subprocess.run(["chattr", "+i", str(path)], check=True)
    yield path
    subprocess.run(["chattr", "-i", str(path)], check=False)


@pytest.mark.skipif(os.geteuid() != 0, reason="chattr +i needs root")
def test_a_file_that_cannot_be_removed_backs_off_masked_and_shows_on_status(
    app: App, immutable_cccd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sohoa.commands.status_cmd import show
    from sohoa.logsetup import MaskIdsFilter, MaskingFormatter
    from sohoa.runner import Runner

    buf = io.StringIO()
    handler = logging.StreamHandler(buf)
    handler.setFormatter(MaskingFormatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskIdsFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    runner = Runner(app)
    runner.hot = HotFolder(app.settings.inbox_dir, runner.intake_q.put, settle_seconds=0.2, stable_seconds=0.3)
    loop = threading.Thread(target=runner._intake_loop, daemon=True)
    try:
        runner.hot.start()
        loop.start()
        time.sleep(8.0)
    finally:
        runner.stop_event.set()
        runner.hot.stop()
        loop.join(5)
        root.removeHandler(handler)
    log_text = buf.getvalue()
    assert "079203001234" not in log_text
    assert "0792******34" in log_text
    tries = log_text.count("could not take")
    assert 2 <= tries <= 5, log_text  # 1, 2, 4 s apart: not every second, not forever at full speed
    assert log_text.count("Traceback") == 1  # the traceback once, then one line per retry
    show(app)
    out = capsys.readouterr().out
    assert "0792******34" in out and "079203001234" not in out
    assert "thử lại" in out


def test_intake_pauses_on_low_disk_with_a_warning_and_resumes(app: App, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil as sh

    from sohoa.commands.status_cmd import show
    from sohoa.runner import Runner

    free_mb = sh.disk_usage(app.settings.data_dir).free / 1e6
    app.settings.capture.min_free_mb = free_mb + 10_000  # the real free space is "too low"
    runner = Runner(app)
    runner.hot = HotFolder(app.settings.inbox_dir, runner.intake_q.put, settle_seconds=0.2, stable_seconds=0.3)
    loop = threading.Thread(target=runner._intake_loop, daemon=True)
    src = app.settings.inbox_dir / "a.jpg"
    try:
        runner.hot.start()
        loop.start()
        src.write_bytes(_jpeg())
        time.sleep(3.0)
        assert src.exists() and runner.taken == 0  # not taken, not quarantined
        assert runner.quarantined == 0 and not any(app.settings.quarantine_dir.iterdir())
        show(app)
        out = " ".join(capsys.readouterr().out.split())
        assert "Hộp nhận tạm dừng" in out and "MB" in out
        app.settings.capture.min_free_mb = 0  # space freed
        deadline = time.monotonic() + 10
        while runner.taken == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert runner.taken == 1 and not src.exists()
    finally:
        runner.stop_event.set()
        runner.hot.stop()
        loop.join(5)
    show(app)
    assert "tạm dừng" not in capsys.readouterr().out
