"""What the desk shows and audits keeps secrets and ID numbers in: the status page never shows a
symlinked file's content, searches are audited with ID numbers masked."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from indexer import accounts
from indexer.models import AuditEntry
from sohoa.app import App
from sohoa.web import create_app
from tests.webdesk import PASSWORD, logged_in


def test_searches_are_audited_with_id_numbers_masked(app: App) -> None:
    accounts.create_user(app.db, "tiepnhan", PASSWORD, "clerk")
    c, _ = logged_in(create_app(app), "tiepnhan")
    assert c.get("/search", params={"q": "CCCD 079203001234 Nguyễn"}).status_code == 200
    with app.db.read() as s:
        q = s.scalars(select(AuditEntry).where(AuditEntry.action == "search")).one().detail["q"]
    assert q == "CCCD 0792******34 Nguyễn"


def test_status_page_never_shows_what_a_symlink_points_at(app: App, tmp_path: Path) -> None:
    secret = tmp_path / "web-secret.key"
    secret.write_text("a3f9c0ffee5ecret" * 4)
    link = app.settings.inbox_dir / "key.jpg"
    link.symlink_to(secret)
    app.intake.take(link, source="hotfolder", remove=True)
    accounts.create_user(app.db, "tiepnhan", PASSWORD, "clerk")
    c, _ = logged_in(create_app(app), "tiepnhan")
    page = c.get("/status").text
    assert "key.jpg" in page
    assert "a3f9c0" not in page


def test_status_page_shows_the_last_fixity_check_and_files_intake_keeps_failing_on(app: App, tmp_path: Path) -> None:
    """The desk shows what ``sohoa status`` shows: the last ``sohoa check`` (with its problems) and
    the hot folder's retried files and pause, ID numbers masked."""
    from sohoa.fixity import check, save_result
    from sohoa.intakestate import write_intake

    accounts.create_user(app.db, "tiepnhan", PASSWORD, "clerk")
    c, _ = logged_in(create_app(app), "tiepnhan")
    assert "chưa kiểm tra lần nào" in c.get("/status").text

    image = tmp_path / "a.png"
    from tests.pages import name_page, save

    save(name_page("NGUYỄN VĂN AN"), image)
    app.intake.take(image, source="hotfolder", remove=True)
    save_result(app, check(app))
    assert "Kiểm tra toàn vẹn" in c.get("/status").text and "không có vấn đề" in c.get("/status").text
    original = next(p for p in app.settings.originals_dir.rglob("*") if p.is_file())
    original.write_bytes(original.read_bytes() + b"x")
    save_result(app, check(app))
    assert "CÓ VẤN ĐỀ" in c.get("/status").text

    write_intake(
        app.settings.data_dir,
        problems=[{"name": "CCCD_079203001234.jpg", "failures": 5, "error": "không xóa được", "retry_in_s": 32}],
        paused="ổ đĩa còn 120 MB trống",
        at="2026-12-03T10:00:00",
    )
    page = c.get("/status").text
    assert "Hộp nhận tạm dừng" in page and "CCCD_0792******34.jpg" in page
    assert "079203001234" not in page
