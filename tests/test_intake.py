"""Intake: every file is hashed, stored content-addressed and recorded before it leaves the inbox;
the same content twice is linked, not processed twice; bad input goes to quarantine with its reason."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from reportlab.lib import pdfencrypt
from reportlab.pdfgen import canvas
from sqlalchemy import func, select

from capture.intake import Outcome
from capture.rejections import RejectReason
from indexer.models import Arrival, Document, Job, Original, Page, QuarantineEntry
from sohoa.app import App
from tests.pages import name_page, save


def _count(app: App, model: type) -> int:
    with app.db.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def _jpeg_bytes(name: str = "Nguyễn Văn An") -> bytes:
    buf = io.BytesIO()
    name_page(name).save(buf, format="JPEG", quality=80, dpi=(150, 150))
    return buf.getvalue()


def test_good_file_is_stored_recorded_then_removed(app: App) -> None:
    src = app.settings.inbox_dir / "scan 1.jpg"
    src.write_bytes(_jpeg_bytes())
    result = app.intake.take(src, source="hotfolder", remove=True)
    assert result.outcome is Outcome.NEW
    assert not src.exists()
    with app.db.read() as s:
        original = s.scalars(select(Original)).one()
        doc = s.scalars(select(Document)).one()
        assert (doc.title, doc.page_count, doc.state, doc.source) == ("scan 1.jpg", 1, "captured", "hotfolder")
        assert s.scalar(select(func.count()).select_from(Job).where(Job.state == "queued")) == 1
    stored = app.settings.originals_dir / original.store_key
    assert stored.read_bytes() == _jpeg_bytes()
    assert stored.name == f"{original.sha256}.jpg"


def test_same_content_twice_is_linked_not_processed_twice(app: App) -> None:
    data = _jpeg_bytes()
    first = app.settings.inbox_dir / "a.jpg"
    second = app.settings.inbox_dir / "sub" / "copy of a.jpeg"
    first.write_bytes(data)
    second.parent.mkdir()
    second.write_bytes(data)
    r1 = app.intake.take(first, source="hotfolder", remove=True)
    r2 = app.intake.take(second, source="hotfolder", remove=True)
    assert (r1.outcome, r2.outcome) == (Outcome.NEW, Outcome.DUPLICATE)
    assert r1.document_id == r2.document_id
    assert (_count(app, Document), _count(app, Page), _count(app, Job), _count(app, Original)) == (1, 1, 1, 1)
    with app.db.read() as s:
        outcomes = sorted(a.outcome for a in s.scalars(select(Arrival)))
    assert outcomes == ["duplicate", "new"]
    assert not second.exists()


def test_leftover_of_a_crash_is_recognised_by_its_fingerprint(app: App) -> None:
    src = app.settings.inbox_dir / "a.jpg"
    src.write_bytes(_jpeg_bytes())
    # Recorded, then the process died before removing the inbox copy.
    assert app.intake.take(src, source="hotfolder", remove=False).outcome is Outcome.NEW
    again = app.intake.take(src, source="hotfolder", remove=True)
    assert again.outcome is Outcome.ALREADY_TAKEN
    assert not src.exists()
    assert (_count(app, Arrival), _count(app, Document)) == (1, 1)


def test_multipage_tiff_and_pdf_are_one_document_each(app: App) -> None:
    pages = [name_page(n) for n in ("Lê Văn Một", "Lê Văn Hai", "Lê Văn Ba")]
    tif = app.settings.inbox_dir / "book.tif"
    pages[0].save(tif, save_all=True, append_images=pages[1:], compression="tiff_lzw", dpi=(150, 150))
    pdf = app.settings.inbox_dir / "dossier.pdf"
    pages[0].save(pdf, save_all=True, append_images=pages[1:2], resolution=150)
    assert app.intake.take(tif, source="import", remove=True).outcome is Outcome.NEW
    assert app.intake.take(pdf, source="import", remove=True).outcome is Outcome.NEW
    with app.db.read() as s:
        counts = dict(s.execute(select(Document.title, Document.page_count)).all())
        assert counts == {"book.tif": 3, "dossier.pdf": 2}
        assert s.scalar(select(func.count()).select_from(Page)) == 5
        assert s.scalar(select(func.count()).select_from(Job)) == 5


def _bad_files(tmp: Path) -> dict[str, tuple[bytes, RejectReason]]:
    jpeg = _jpeg_bytes()
    png_buf = io.BytesIO()
    name_page("Trần Thị B").save(png_buf, format="PNG")
    png = png_buf.getvalue()
    enc_path = tmp / "enc.pdf"
    c = canvas.Canvas(str(enc_path), encrypt=pdfencrypt.StandardEncryption("mật-khẩu", ownerPassword="x"))
    c.drawString(100, 100, "secret")
    c.save()
    good_pdf = io.BytesIO()
    name_page("Phạm Văn C").save(good_pdf, format="PDF", resolution=150)
    pdf = good_pdf.getvalue()
    bomb = io.BytesIO()
    Image.new("1", (20000, 20000), 1).save(bomb, format="PNG")
    return {
        "empty.jpg": (b"", RejectReason.EMPTY),
        "truncated.jpg": (jpeg[: len(jpeg) // 2], RejectReason.TRUNCATED),
        "truncated.png": (png[: len(png) // 2], RejectReason.TRUNCATED),
        "really-a-png.jpg": (png, RejectReason.EXTENSION_MISMATCH),
        "really-a-jpeg.pdf": (jpeg, RejectReason.EXTENSION_MISMATCH),
        "notes.txt": ("Họ và tên: Nguyễn Văn An".encode(), RejectReason.UNSUPPORTED_TYPE),
        "text-pretending.jpg": (b"hello, not an image at all", RejectReason.UNSUPPORTED_TYPE),
        "word.docx": (b"PK\x03\x04" + b"\x00" * 200, RejectReason.UNSUPPORTED_TYPE),
        "password.pdf": (enc_path.read_bytes(), RejectReason.PDF_ENCRYPTED),
        "corrupt.pdf": (b"%PDF-1.4\n" + os.urandom(3000) + b"\n%%EOF\n", RejectReason.CORRUPT_PDF),
        "half-written.pdf": (pdf[: len(pdf) // 2], RejectReason.TRUNCATED),
        "garbage.png": (b"\x89PNG\r\n\x1a\n" + os.urandom(500), RejectReason.CORRUPT_IMAGE),
        "bomb.png": (bomb.getvalue(), RejectReason.DECOMPRESSION_BOMB),
    }


def test_every_kind_of_bad_input_goes_to_quarantine_with_its_reason(app: App, tmp_path: Path) -> None:
    bad = _bad_files(tmp_path)
    for name, (data, _) in bad.items():
        (app.settings.inbox_dir / name).write_bytes(data)
    for name, (data, reason) in bad.items():
        result = app.intake.take(app.settings.inbox_dir / name, source="hotfolder", remove=True)
        assert (name, result.outcome, result.reason) == (name, Outcome.QUARANTINED, reason)
        # Nothing lost: the bytes are in quarantine, beside a reason file a clerk can read.
        assert result.quarantine_path is not None and result.quarantine_path.read_bytes() == data
        reason_text = result.quarantine_path.with_name(result.quarantine_path.name + ".reason.txt").read_text("utf-8")
        assert reason.message in reason_text and reason.value in reason_text
    assert list(app.settings.inbox_dir.iterdir()) == []
    assert _count(app, Document) == 0
    with app.db.read() as s:
        recorded = dict(s.execute(select(QuarantineEntry.file_name, QuarantineEntry.reason)).all())
    assert recorded == {name: reason.value for name, (_, reason) in bad.items()}


def test_absurd_size_is_refused_before_reading(app: App) -> None:
    app.intake.limits = type(app.intake.limits)(max_bytes=10_000, max_pixels=10**8, max_pages=10)
    big = app.settings.inbox_dir / "huge.jpg"
    big.write_bytes(_jpeg_bytes() + b"\0" * 20_000)
    result = app.intake.take(big, source="hotfolder", remove=True)
    assert (result.outcome, result.reason) == (Outcome.QUARANTINED, RejectReason.TOO_LARGE)


def test_import_keeps_the_source_and_copies_bad_files(app: App, tmp_path: Path) -> None:
    folder = tmp_path / "to-import"
    save(name_page("Đỗ Văn D"), folder / "ok.png")
    (folder / "bad.pdf").write_bytes(b"not a pdf")
    results = [app.intake.take(p, source="import", remove=False) for p in sorted(folder.iterdir())]
    assert sorted(r.outcome for r in results) == [Outcome.NEW, Outcome.QUARANTINED]
    assert sorted(p.name for p in folder.iterdir()) == ["bad.pdf", "ok.png"]


UNREADABLE_SCRIPT = r"""
import os, sys
from pathlib import Path
# Everything is imported while still root (the interpreter's own files may be private to root).
import sqlite3, logging.config, alembic.command, alembic.runtime.migration, sqlalchemy.dialects.sqlite
import PIL.JpegImagePlugin, PIL.PngImagePlugin, PIL.TiffImagePlugin
from config import Settings
from sohoa.app import App
import indexer.intake, capture.intake
data = Path(sys.argv[1])
os.setgid(65534); os.setuid(65534)
app = App(Settings(data_dir=data, workers=1))
r = app.intake.take(data / "inbox" / "locked.jpg", source="hotfolder", remove=True)
print(r.outcome.value, r.reason.value if r.reason else "", r.quarantine_path)
"""


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to drop to another user; as a user chmod 000 works directly")
def test_unreadable_file_is_quarantined_not_retried_forever() -> None:
    import shutil
    import tempfile

    top = Path(tempfile.mkdtemp(prefix="sohoa-unreadable-", dir="/tmp"))  # pytest's tmp is private to root
    try:
        _unreadable(top)
    finally:
        shutil.rmtree(top, ignore_errors=True)


def _unreadable(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for d in ("inbox", "originals", "archive", "quarantine"):
        (data / d).mkdir(parents=True)
    locked = data / "inbox" / "locked.jpg"
    locked.write_bytes(_jpeg_bytes())
    os.chmod(locked, 0o000)
    for p in [tmp_path, *data.rglob("*")] + [data]:
        if p != locked:
            os.chown(p, 65534, 65534)
    os.chmod(tmp_path, 0o755)
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-c", UNREADABLE_SCRIPT, str(data)], cwd=root, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    outcome, reason, where = out.stdout.split()
    assert (outcome, reason) == ("quarantined", "unreadable")
    assert not locked.exists() and Path(where).exists()
