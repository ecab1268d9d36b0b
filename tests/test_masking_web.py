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
