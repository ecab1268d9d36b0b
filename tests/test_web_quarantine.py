"""Quarantined files from the desk: an admin downloads one, puts it back into the inbox, or deletes
it — audited; nobody else can; a symlink or a path outside the quarantine folder is never served."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from indexer import accounts
from indexer.audit import AuditFilter, audit_page
from indexer.models import QuarantineEntry
from sohoa.app import App
from sohoa.web import create_app
from tests.webdesk import PASSWORD, logged_in


def _quarantined(app: App, name: str, data: bytes) -> int:
    f = app.settings.inbox_dir / name
    f.write_bytes(data)
    app.intake.take(f, source="hotfolder", remove=True)
    with app.db.read() as s:
        q = s.scalars(select(QuarantineEntry).where(QuarantineEntry.file_name == name)).one()
        return q.id


def test_admin_downloads_readmits_and_deletes_quarantined_files(app: App, tmp_path: Path) -> None:
    accounts.create_user(app.db, "quantri", PASSWORD, "admin")
    accounts.create_user(app.db, "tiepnhan", PASSWORD, "clerk")
    desk = create_app(app)
    broken = b"\xff\xd8\xff\xe0 not a picture"
    q1 = _quarantined(app, "Scan_hong.jpg", broken)
    q2 = _quarantined(app, "Scan_hong_2.jpg", broken + b"2")
    c, ctoken = logged_in(desk, "tiepnhan")
    page = c.get("/status").text
    assert "Scan_hong.jpg" in page and "Nhận lại" not in page and str(app.settings.quarantine_dir) not in page
    assert c.get(f"/status/quarantine/{q1}/file").status_code == 403
    assert c.post(f"/status/quarantine/{q1}/delete", data={"csrf_token": ctoken}).status_code == 403
    a, token = logged_in(desk, "quantri")
    page = a.get("/status").text
    assert f'href="/status/quarantine/{q1}/file"' in page and "Nhận lại" in page and "Xóa hẳn tệp này" in page
    r = a.get(f"/status/quarantine/{q1}/file")
    assert r.status_code == 200 and r.content == broken
    r = a.post(f"/status/quarantine/{q1}/readmit", data={"csrf_token": token})
    assert r.status_code == 303
    assert (app.settings.inbox_dir / "Scan_hong.jpg").read_bytes() == broken  # back in the inbox, taken again
    r = a.post(f"/status/quarantine/{q2}/delete", data={"csrf_token": token})
    assert r.status_code == 303 and a.get(f"/status/quarantine/{q2}/file").status_code == 404
    acts = [(x.action, x.detail["file"]) for x in audit_page(app.db, AuditFilter(action="quarantine."))[0]]
    assert acts == [
        ("quarantine.delete", "Scan_hong_2.jpg"),
        ("quarantine.readmit", "Scan_hong.jpg"),
        ("quarantine.download", "Scan_hong.jpg"),
    ]
    # A row pointing outside the folder (or at a symlink) serves nothing.
    secret = tmp_path / "secret.txt"
    secret.write_text("khong-duoc-doc")
    with app.db.write() as s:
        s.add(QuarantineEntry(file_name="x.jpg", quarantine_path=str(secret), reason="bad", message="m"))
        link = app.settings.quarantine_dir / "link.jpg"
        link.symlink_to(secret)
        s.add(QuarantineEntry(file_name="link.jpg", quarantine_path=str(link), reason="bad", message="m"))
    with app.db.read() as s:
        ids = s.scalars(select(QuarantineEntry.id).where(QuarantineEntry.file_name.in_(["x.jpg", "link.jpg"]))).all()
    for qid in ids:
        assert a.get(f"/status/quarantine/{qid}/file").status_code == 404
        assert a.post(f"/status/quarantine/{qid}/readmit", data={"csrf_token": token}).status_code == 404
    assert secret.read_text() == "khong-duoc-doc"
