"""Fuzz intake with hypothesis over file kinds, names and write patterns: nothing blocks, nothing
raises, every file is either taken whole or put aside with a reason, no secret or full ID number
leaks into the database, the reason files or the log.

Real files, FIFOs and symlinks, the real SQLite database, real inotify for the write patterns."""

from __future__ import annotations

import io
import logging
import os
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from sqlalchemy import select

from capture.intake import Outcome
from capture.watcher import HotFolder
from config import Settings
from indexer.models import AuditEntry, Document, Original, QuarantineEntry
from sohoa.app import App
from sohoa.logsetup import MaskIdsFilter, MaskingFormatter

SECRET = b"S3CRET-fuzz-content-0001"
ID = "079203001234"


def _image(fmt: str, shade: int) -> bytes:
    buf = io.BytesIO()
    Image.new("L", (40, 30), shade).save(buf, format=fmt)
    return buf.getvalue()


def _pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(100, 100, "x")
    c.showPage()
    c.save()
    return buf.getvalue()


KINDS = ["jpeg", "png", "pdf", "garbage", "empty", "truncated", "secret", "fifo", "link_secret", "link_image"]
name_parts = st.lists(
    st.sampled_from(["scan", "Hồ sơ", "CCCD_" + ID, " ", "-", "x", "é", "\udce9", "\udcff", "(1)", "đăng ký"]),
    min_size=1,
    max_size=4,
)
items = st.lists(
    st.tuples(st.sampled_from(KINDS), name_parts, st.sampled_from([".jpg", ".png", ".pdf", ".JPG", ""])),
    min_size=1,
    max_size=6,
)


@pytest.fixture(scope="module")
def fuzz_app() -> Iterator[tuple[App, Path, io.StringIO]]:
    top = Path(tempfile.mkdtemp(prefix="sohoa-fuzz-"))
    app = App(Settings(data_dir=top / "data", workers=1))
    app.settings.ensure_dirs()
    buf = io.StringIO()
    handler = logging.StreamHandler(buf)
    handler.setFormatter(MaskingFormatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskIdsFilter())
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.INFO)
    try:
        yield app, top, buf
    finally:
        logging.getLogger().removeHandler(handler)
        app.close()
        shutil.rmtree(top, ignore_errors=True)


def _make(path: Path, kind: str, outside: Path, n: int) -> bytes | None:
    """Create ``path`` as ``kind``; returns the bytes a taken file must have (None: not a file)."""
    data = {
        "jpeg": lambda: _image("JPEG", n % 250),
        "png": lambda: _image("PNG", n % 250),
        "pdf": _pdf,
        "garbage": lambda: os.urandom(64),
        "empty": lambda: b"",
        "truncated": lambda: _image("JPEG", n % 250)[:100],
        "secret": lambda: SECRET,
    }
    if kind in data:
        content = data[kind]()
        with open(os.fsencode(path), "wb") as f:
            f.write(content)
        return content
    if kind == "fifo":
        os.mkfifo(os.fsencode(path))
    elif kind == "link_secret":
        os.symlink(outside / "secret", os.fsencode(path))
    elif kind == "link_image":
        os.symlink(outside / "image.jpg", os.fsencode(path))
    return None


def _take(app: App, path: Path):  # type: ignore[no-untyped-def]
    out: list[object] = []
    t = threading.Thread(target=lambda: out.append(app.intake.take(path, source="hotfolder", remove=True)), daemon=True)
    t.start()
    t.join(20)
    if t.is_alive():
        fd = os.open(os.fsencode(path), os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        pytest.fail(f"intake blocked on {path!r}")
    return out[0]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=items)
def test_intake_takes_or_puts_aside_every_kind_of_file(fuzz_app: tuple[App, Path, io.StringIO], items) -> None:  # type: ignore[no-untyped-def]
    app, top, log = fuzz_app
    outside = top / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret").write_bytes(SECRET)
    (outside / "image.jpg").write_bytes(_image("JPEG", 7))
    box = app.settings.inbox_dir / uuid.uuid4().hex[:8]
    box.mkdir()
    for n, (kind, parts, ext) in enumerate(items):
        path = Path(os.fsdecode(os.fsencode(box)) + "/" + f"{n}-" + "".join(parts) + ext)
        expect = _make(path, kind, outside, n)
        r = _take(app, path)
        assert not os.path.lexists(os.fsencode(path)), (kind, r)  # taken or put aside: never left to retry
        if r.outcome in (Outcome.NEW, Outcome.DUPLICATE):
            assert kind in ("jpeg", "png", "pdf") and expect is not None
            with app.db.read() as s:
                key = s.scalar(
                    select(Original.store_key)
                    .join(Document, Document.original_id == Original.id)
                    .where(Document.id == r.document_id)
                )
            assert (app.settings.originals_dir / key).read_bytes() == expect
        else:
            assert r.outcome is Outcome.QUARANTINED, (kind, r)
            good_ext = {"jpeg": ".jpg", "png": ".png", "pdf": ".pdf"}.get(kind)
            assert good_ext is None or ext.lower() != good_ext, (kind, ext, r)
            assert r.quarantine_path is not None
            reason = Path(f"{r.quarantine_path}.reason.txt").read_text(encoding="utf-8")  # valid UTF-8
            if kind != "secret":  # a plain file's own first bytes may be named; never a link's target
                assert SECRET.decode()[:6] not in reason
    with app.db.read() as s:
        text = " ".join(
            [str(q.detail) + q.file_name for q in s.scalars(select(QuarantineEntry))]
            + [str(e.detail) for e in s.scalars(select(AuditEntry))]
        )
    assert SECRET.decode()[:10] not in text
    assert ID not in log.getvalue()


patterns = st.lists(
    st.tuples(st.sampled_from(["whole", "pieces", "part_rename", "hidden_rename", "temp_only"]), st.integers(1, 6)),
    min_size=1,
    max_size=4,
)


@settings(max_examples=6, deadline=None)
@given(plan=patterns)
def test_the_hot_folder_hands_over_each_final_file_once_whole(plan) -> None:  # type: ignore[no-untyped-def]
    top = Path(tempfile.mkdtemp(prefix="sohoa-fuzzwatch-"))
    inbox = top / "inbox"
    inbox.mkdir()
    got: list[tuple[str, int]] = []

    def take(p: Path) -> None:
        got.append((p.name, p.stat().st_size))
        p.unlink()
        hf.done(p)

    hf = HotFolder(inbox, take, settle_seconds=0.3, stable_seconds=0.8, rescan_seconds=1.0)
    hf.start()
    expected: list[tuple[str, int]] = []
    try:
        for i, (how, pieces) in enumerate(plan):
            final = inbox / f"f{i}.jpg"
            size = pieces * 1024
            if how == "whole":
                final.write_bytes(b"w" * size)
            elif how == "pieces":
                for _ in range(pieces):
                    with final.open("ab") as f:
                        f.write(b"p" * 1024)
                    time.sleep(0.15)
            elif how in ("part_rename", "hidden_rename"):
                tmp = inbox / (f"f{i}.jpg.part" if how == "part_rename" else f".f{i}.jpg.Ab12Cd")
                tmp.write_bytes(b"r" * size)
                time.sleep(0.4)
                os.rename(tmp, final)
            else:
                (inbox / f"f{i}.jpg.crdownload").write_bytes(b"t" * size)
                continue
            expected.append((final.name, size))
        deadline = time.monotonic() + 15
        while len(got) < len(expected) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.2)
    finally:
        hf.stop()
        shutil.rmtree(top, ignore_errors=True)
    assert sorted(got) == sorted(expected)
