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
from sqlalchemy import func, select

from capture.fsutil import printable_name
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


# -- the hot folder and intake together, over the ways files are written ------------------------------

STABLE = 0.8  # the stability window of the drills below (settle 0.3 s)
WRITES = [
    "whole",  # written in one go
    "reopen_pieces",  # appended in pieces, the file reopened for each (copy tools, network shares)
    "part_rename",  # written as x.jpg.part, closed, renamed a moment later
    "hidden_rename",  # rsync: .x.jpg.Ab12Cd, then renamed
    "truncate_rewrite",  # written, then truncated and written again with other content
    "pause_grow",  # half written, a pause longer than half the window, then the rest
    "moved_in",  # made elsewhere, moved in whole
    "zero",  # zero bytes: put aside
    "garbage",  # not an image: put aside
    "symlink",  # a link to an image outside: put aside, never followed
    "fifo",  # put aside without being opened
    "temp_only",  # a .crdownload never renamed: ignored, left alone
]
write_plans = st.lists(
    st.tuples(st.sampled_from(WRITES), st.integers(2, 5), st.booleans()),  # how, pieces, odd (non-UTF-8) name
    min_size=2,
    max_size=6,
)


def _noise_jpeg(seed: int) -> bytes:
    """A JPEG of a few tens of KB, different for every seed."""
    import numpy as np

    rng = np.random.default_rng(seed)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (160, 200), dtype=np.uint8)).save(buf, format="JPEG", quality=90)
    return buf.getvalue()


def _write(inbox: Path, outside: Path, name: bytes, how: str, pieces: int, seed: int) -> bytes | None:
    """Write one file ``how``; the bytes intake must store (None: it must be put aside or ignored)."""
    final = os.path.join(os.fsencode(inbox), name)
    data = _noise_jpeg(seed)
    if how == "whole":
        with open(final, "wb") as f:
            f.write(data)
    elif how == "reopen_pieces":
        step = -(-len(data) // pieces)
        for k in range(pieces):
            with open(final, "ab") as f:
                f.write(data[k * step : (k + 1) * step])
            time.sleep(0.12)
    elif how in ("part_rename", "hidden_rename"):
        tmp = final + b".part" if how == "part_rename" else os.path.join(os.fsencode(inbox), b"." + name + b".Ab12Cd")
        with open(tmp, "wb") as f:
            f.write(data)
        time.sleep(0.5)
        os.rename(tmp, final)
    elif how == "truncate_rewrite":
        with open(final, "wb") as f:
            f.write(_noise_jpeg(seed + 100_000))
        time.sleep(0.3)
        with open(final, "wb") as f:  # truncated, then the real content
            f.write(data)
    elif how == "pause_grow":
        half = len(data) // 2
        with open(final, "wb") as f:
            f.write(data[:half])
        time.sleep(STABLE * 0.6)
        with open(final, "ab") as f:
            f.write(data[half:])
    elif how == "moved_in":
        staged = os.path.join(os.fsencode(outside), name)
        with open(staged, "wb") as f:
            f.write(data)
        os.replace(staged, final)
    elif how == "zero":
        open(final, "wb").close()
        return None
    elif how == "garbage":
        with open(final, "wb") as f:
            f.write(b"GARBAGE " * 50)
        return None
    elif how == "symlink":
        os.symlink(outside / "image.jpg", final)
        return None
    elif how == "fifo":
        os.mkfifo(final)
        return None
    elif how == "temp_only":
        with open(final + b".crdownload", "wb") as f:
            f.write(data)
        return None
    return data


@settings(max_examples=8, deadline=None)
@given(plan=write_plans)
def test_every_complete_file_is_stored_once_and_every_bad_one_put_aside(plan) -> None:  # type: ignore[no-untyped-def]
    """The hot folder and intake as ``sohoa run`` joins them, fed by writers of every kind at once:
    each complete good file ends up stored exactly once with its final bytes, each bad one in
    quarantine with a reason, nothing left behind but ignored temporary names, no duplicate."""
    import hashlib

    from indexer.models import Arrival

    top = Path(tempfile.mkdtemp(prefix="sohoa-fuzzwrite-"))
    app = App(Settings(data_dir=top / "data", workers=1))
    app.settings.ensure_dirs()
    inbox = app.settings.inbox_dir
    outside = top / "outside"
    outside.mkdir()
    (outside / "image.jpg").write_bytes(_image("JPEG", 9))
    outcomes: list[tuple[str, Outcome]] = []
    errors: list[BaseException] = []

    def take(p: Path) -> None:
        try:
            r = app.intake.take(p, source="hotfolder", remove=True)
            outcomes.append((os.fsdecode(os.fsencode(p.name)), r.outcome))
            hf.done(p, look_again=r.outcome is Outcome.CHANGED)
        except BaseException as exc:  # a failure must show, not retry quietly
            errors.append(exc)
            hf.done(p, failed=repr(exc))

    hf = HotFolder(inbox, take, settle_seconds=0.3, stable_seconds=STABLE, rescan_seconds=1.0)
    hf.start()
    good: dict[bytes, bytes] = {}  # name -> bytes it must be stored with
    bad: list[bytes] = []
    ignored: list[bytes] = []
    seed0 = int.from_bytes(os.urandom(4), "big")
    try:
        writers = []
        for i, (how, pieces, odd) in enumerate(plan):
            name = f"f{i}-{how}".encode() + (b"-\xe9\xff" if odd else b"") + b".jpg"
            if how == "temp_only":
                ignored.append(name + b".crdownload")
            t_result: dict[str, bytes | None] = {}

            def run(name: bytes = name, how: str = how, pieces: int = pieces, i: int = i, out=t_result) -> None:  # type: ignore[no-untyped-def]
                out["data"] = _write(inbox, outside, name, how, pieces, seed0 + i)

            t = threading.Thread(target=run)
            t.start()
            writers.append((name, how, t, t_result))
        for name, how, t, res in writers:
            t.join(30)
            if res.get("data") is not None:
                good[name] = res["data"]  # type: ignore[assignment]
            elif how != "temp_only":
                bad.append(name)
        left = lambda: sorted(n for n in os.listdir(os.fsencode(inbox)))  # noqa: E731
        deadline = time.monotonic() + 20
        while left() != sorted(ignored) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(STABLE + 0.7)  # a late second hand-over would show now
        assert left() == sorted(ignored), (plan, outcomes)
        assert not errors, errors
        with app.db.read() as s:
            arrivals = s.execute(select(Arrival.source_path, Arrival.outcome, Arrival.original_id)).all()
            originals = {o.id: o for o in s.scalars(select(Original))}
            docs = s.scalar(select(func.count()).select_from(Document))
            quarantine = s.execute(
                select(QuarantineEntry.file_name, QuarantineEntry.reason, QuarantineEntry.quarantine_path)
            ).all()
        shown = {n: printable_name(os.fsdecode(n)) for n in [*good, *bad]}
        # Every good file: one arrival, new, its final bytes in the store; no document twice.
        assert docs == len(good), (plan, arrivals)
        for name, data in good.items():
            mine = [a for a in arrivals if Path(a.source_path).name == shown[name]]
            assert [a.outcome for a in mine] == ["new"], (name, mine)
            o = originals[mine[0].original_id]
            assert o.sha256 == hashlib.sha256(data).hexdigest(), (name, "stored bytes are not the final file")
            assert (app.settings.originals_dir / o.store_key).read_bytes() == data
        # Every bad file: one quarantine entry, with its reason file beside the file.
        for name in bad:
            mine = [q for q in quarantine if q.file_name == shown[name]]
            assert len(mine) == 1, (name, quarantine)
            assert mine[0].reason and mine[0].quarantine_path
            assert Path(mine[0].quarantine_path + ".reason.txt").read_text(encoding="utf-8").startswith("Lý do:")
        assert len(quarantine) == len(bad)
        assert (outside / "image.jpg").read_bytes() == _image("JPEG", 9)  # a link's target untouched
    finally:
        hf.stop()
        app.close()
        shutil.rmtree(top, ignore_errors=True)
