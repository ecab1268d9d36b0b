"""Archive files are hashed as they are written: real OCR writes a page's searchable PDF and
thumbnail, the worker's hashes of those bytes are stored with the page, and ``sohoa check``
compares the files with them — so a file damaged before any check ever ran is still caught (a
hash first taken by a check would have taken the damage as the truth)."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from indexer.models import Page
from sohoa.app import App
from sohoa.cli import cli
from sohoa.runner import Runner
from tests.pages import name_page, save


def _check(data: Path) -> tuple[int, str]:
    env = {"SOHOA_DATA_DIR": str(data), "SOHOA_CONFIG": ""}
    r = CliRunner().invoke(cli, ["check"], env=env, catch_exceptions=False)
    return r.exit_code, r.output


def _age(path: Path, seconds: float = 3600) -> None:
    old = time.time() - seconds
    os.utime(path, (old, old))


def test_an_archive_file_damaged_before_any_check_is_reported_altered(app: App) -> None:
    for i, name in enumerate(["Nguyễn Văn An", "Trần Thị Bình"]):
        save(name_page(name, dpi=120), app.settings.inbox_dir / f"p{i}.png", dpi=120)
    Runner(app).run(once=True)
    with app.db.read() as s:
        pages = s.execute(select(Page.pdf_key, Page.archive_sha256).order_by(Page.id)).all()
    assert len(pages) == 2
    files: list[Path] = []
    for pdf_key, written in pages:
        thumb_key = pdf_key.removesuffix(".pdf") + ".thumb.jpg"
        assert written is not None and set(written) == {pdf_key, thumb_key}
        for key, sha in written.items():
            p = app.archive_path(key)
            assert hashlib.sha256(p.read_bytes()).hexdigest() == sha  # the recorded hash is the file's
            _age(p)  # as if written long ago: nothing young is spared below
            files.append(p)
    # Damaged right after it was written, before any `sohoa check` saw it: one PDF, one thumbnail.
    pdf, thumb = files[0], files[3]
    with pdf.open("r+b") as f:
        f.seek(pdf.stat().st_size // 2)
        f.write(b"\x00\xff\x00\xff")
    thumb.write_bytes(thumb.read_bytes()[:-10])
    _age(pdf)
    _age(thumb)
    code, out = _check(app.settings.data_dir)
    assert code == 1, out
    flat = " ".join(out.split())
    assert "Tệp BỊ THAY ĐỔI" in out
    for p in (pdf, thumb):
        assert str(p.relative_to(app.settings.archive_dir)) in flat, p
    for p in (files[1], files[2]):  # the other two files are fine
        assert str(p.relative_to(app.settings.archive_dir)) not in flat
    assert "Tệp LẠ" not in out  # thumbnails are referenced, not strays
    # Damage stays reported at the next check (the recorded hash does not move).
    code, out = _check(app.settings.data_dir)
    assert code == 1 and "Tệp BỊ THAY ĐỔI" in out
    # A deleted searchable PDF is missing; a deleted thumbnail is not (drawn again from its PDF).
    files[2].unlink()
    files[1].unlink()
    code, out = _check(app.settings.data_dir)
    flat = " ".join(out.split())
    assert code == 1 and "Tệp MẤT" in out
    assert str(files[2].relative_to(app.settings.archive_dir)) in flat
    assert str(files[1].relative_to(app.settings.archive_dir)) not in flat


def test_a_clean_archive_checks_clean_thumbnails_included(app: App) -> None:
    save(name_page("Lê Văn Cường", dpi=120), app.settings.inbox_dir / "p.png", dpi=120)
    Runner(app).run(once=True)
    for p in app.settings.archive_dir.rglob("*"):
        if p.is_file():
            _age(p)
    code, out = _check(app.settings.data_dir)
    assert code == 0, out
    assert "1 bản gốc, 2 tệp lưu trữ" in out and "không có vấn đề" in out
