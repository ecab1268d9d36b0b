"""Safekeeping drills: files at rest, one run per data folder, fixity, the audit chain, backup
and restore of a live system. Real subprocesses, real SQLite and PostgreSQL, real OCR."""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from config import Settings
from indexer import auditchain
from indexer.audit import audit
from indexer.db import make_engine, migrate, open_database
from sohoa.app import App
from sohoa.cli import cli
from tests.pages import name_page, render_page, save
from tests.test_fields_e2e import FORM

ROOT = Path(__file__).resolve().parent.parent


def _mode(p: Path) -> int:
    return stat.S_IMODE(os.lstat(p).st_mode)


def _jpeg(shade: int) -> bytes:
    buf = io.BytesIO()
    Image.new("L", (64, 48), shade).save(buf, format="JPEG")
    return buf.getvalue()


def _cli(data: Path, *args: str) -> tuple[int, str]:
    env = {"SOHOA_DATA_DIR": str(data), "SOHOA_CONFIG": ""}
    r = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return r.exit_code, r.output


# -- files at rest -----------------------------------------------------------------------------------


def test_data_dir_database_wal_and_key_are_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        data = tmp_path / "data"
        app = App(Settings(data_dir=data, workers=1))
        with app.db.write() as s:
            audit(s, "tester", "view", "document", 1, {})
        from sohoa.web.security import load_or_create_secret

        load_or_create_secret(app.settings.web_secret_path)
        assert _mode(data) == 0o700
        db = data / "sohoa.db"
        assert _mode(db) == 0o600
        for side in ("sohoa.db-wal", "sohoa.db-shm"):
            assert (data / side).exists() and _mode(data / side) == 0o600, side
        assert _mode(app.settings.web_secret_path) == 0o600
        app.close()
        # An existing folder and database left readable by an older version are tightened.
        os.chmod(data, 0o755)
        os.chmod(db, 0o644)
        App(Settings(data_dir=data, workers=1)).db.close()
        assert (_mode(data), _mode(db)) == (0o700, 0o600)
    finally:
        os.umask(old)


def test_the_sohoa_command_makes_private_files_whatever_the_umask(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {**os.environ, "SOHOA_DATA_DIR": str(data), "SOHOA_CONFIG": ""}
    proc = subprocess.run(
        [sys.executable, "-c", "import os, sys; os.umask(0o022); from sohoa.cli import cli; cli(['status'])"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert _mode(data) == 0o700 and _mode(data / "sohoa.db") == 0o600
    for d in ("inbox", "originals", "archive", "quarantine"):
        assert _mode(data / d) & 0o077 == 0, d


# -- one run per data folder -------------------------------------------------------------------------


def _env(data: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "SOHOA_DATA_DIR": str(data),
            "SOHOA_WORKERS": "1",
            "SOHOA_CAPTURE__SETTLE_SECONDS": "0.2",
            "SOHOA_CAPTURE__STABLE_SECONDS": "0.5",
            "SOHOA_CAPTURE__RESCAN_SECONDS": "2",
            "SOHOA_WEB__ENABLED": "false",
            "OMP_THREAD_LIMIT": "1",
            "SOHOA_CONFIG": "",
        }
    )
    env.update(extra)
    return env


def _start_run(data: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "sohoa.cli", "run"],
        cwd=data.parent,
        env=_env(data),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def _wait(pred, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_second_run_on_the_same_data_dir_is_refused_clearly(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = _start_run(data)
    try:
        _wait(lambda: (data / "state" / "run.lock").exists() and (data / "inbox").exists(), 60, "the first run")
        time.sleep(1.0)
        second = subprocess.run(
            [sys.executable, "-m", "sohoa.cli", "run", "--once"],
            cwd=tmp_path,
            env=_env(data),
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert second.returncode == 3
        err = second.stderr.decode()
        assert "Một `sohoa run` khác đang chạy" in err and str(first.pid) in err
        assert first.poll() is None
    finally:
        _stop(first)
    # Released on exit (and by the kernel on a kill): a new run starts.
    again = subprocess.run(
        [sys.executable, "-m", "sohoa.cli", "run", "--once"],
        cwd=tmp_path,
        env=_env(data),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert again.returncode == 0, again.stderr.decode()


# -- fixity --------------------------------------------------------------------------------------------


def test_fixity_finds_altered_missing_and_stray_files(app: App) -> None:
    data = app.settings.data_dir
    for i in range(3):
        p = app.settings.inbox_dir / f"f{i}.jpg"
        p.write_bytes(_jpeg(40 + 60 * i))
        app.intake.take(p, source="hotfolder", remove=True)
    code, out = _cli(data, "check")
    assert code == 0, out
    assert "3 bản gốc" in out and "không có vấn đề" in out
    stored = sorted(p for p in app.settings.originals_dir.rglob("*.jpg"))
    assert len(stored) == 3
    # 4 bytes overwritten in one original, another deleted, a stray file added (old enough).
    os.chmod(stored[0], 0o640)
    with stored[0].open("r+b") as f:
        f.seek(200)
        f.write(b"\x00\x01\x02\x03")
    stored[1].unlink()
    stray = app.settings.originals_dir / "zz" / "stray.jpg"
    stray.parent.mkdir()
    stray.write_bytes(b"stray")
    old = time.time() - 3600
    os.utime(stray, (old, old))
    code, out = _cli(data, "check")
    assert code == 1
    assert "Tệp BỊ THAY ĐỔI" in out and stored[0].name in out
    assert "Tệp MẤT" in out and stored[1].name in out
    assert "Tệp LẠ" in out and "zz/stray.jpg" in out
    code, status = _cli(data, "status")
    status = " ".join(status.split())  # rich wraps long lines
    assert "CÓ VẤN ĐỀ" in status and "1 tệp mất" in status and "1 tệp bị thay đổi" in status


# -- the audit chain -------------------------------------------------------------------------------------


def _audits(app: App, n: int) -> None:
    for i in range(n):
        with app.db.write() as s:
            audit(s, "clerk", "document.view", "document", i, {"q": f"tìm {i}", "n": i * 1.5})


def test_audit_chain_detects_rows_deleted_changed_or_cut_off_on_sqlite(app: App) -> None:
    _audits(app, 6)
    code, out = _cli(app.settings.data_dir, "check")
    assert code == 0, out
    db = app.settings.data_dir / "sohoa.db"
    # Someone with the file drops the triggers and edits the table directly.
    con = sqlite3.connect(db)
    con.execute("DROP TRIGGER audit_log_no_delete")
    con.execute("DROP TRIGGER audit_log_no_update")
    con.execute("DELETE FROM audit_log WHERE id = 3")
    con.execute("UPDATE audit_log SET actor = 'admin' WHERE id = 5")
    con.commit()
    rep = auditchain.verify(app.db)
    assert any("dòng 4" in p for p in rep.problems) and any("dòng 5" in p and "sửa" in p for p in rep.problems)
    code, out = _cli(app.settings.data_dir, "check")
    assert code == 1 and "Nhật ký kiểm toán BỊ CAN THIỆP" in out
    # Cutting off the newest rows leaves a clean chain: caught against the last good head.
    con.execute("DELETE FROM audit_log WHERE id >= 3")
    con.commit()
    con.close()
    code, out = _cli(app.settings.data_dir, "check")
    assert code == 1 and "nhật ký đã bị xóa bớt" in out


@pytest.mark.postgres
def test_audit_log_cannot_be_truncated_and_tampering_is_detected_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    app = App(Settings(data_dir=tmp_path / "data", database_url=pg_url, workers=1))
    try:
        _audits(app, 4)
        assert auditchain.verify(app.db).ok
        for sql in ("TRUNCATE audit_log", "DELETE FROM audit_log", "UPDATE audit_log SET actor = 'x'"):
            with pytest.raises(DBAPIError, match="append-only"), app.db.write() as s:
                s.execute(text(sql))
        with app.db.write() as s:  # the table's owner can switch the guards off...
            s.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
            s.execute(text("DELETE FROM audit_log WHERE id = (SELECT min(id) + 1 FROM audit_log)"))
        rep = auditchain.verify(app.db)  # ... but not without a trace
        assert not rep.ok and rep.rows == 3
    finally:
        app.close()


def test_the_migration_links_rows_written_before_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    migrate(engine, "0006")
    with engine.begin() as c:
        for i in range(3):
            c.execute(
                text(
                    "INSERT INTO audit_log (at, actor, action, object_type, object_id, detail) "
                    "VALUES (:at, 'system', 'capture.new', 'document', :i, :d)"
                ),
                {"at": f"2025-01-0{i + 1} 08:00:00.000000", "i": str(i), "d": '{"file": "a.jpg"}'},
            )
    engine.dispose()
    db = open_database(url)
    try:
        rep = auditchain.verify(db)
        assert rep.ok and rep.rows == 3
        with db.write() as s:
            audit(s, "tester", "view", "document", 9, {})
        assert auditchain.verify(db).rows == 4 and auditchain.verify(db).ok
    finally:
        db.close()


# -- backup and restore of a live system ------------------------------------------------------------------


def _counts(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        tables = [
            t
            for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
            if "_fts" not in t
        ]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


def _q(db: Path, sql: str) -> list[tuple]:
    if not db.exists():
        return []
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        con.close()


@pytest.mark.slow
def test_backup_of_a_live_system_restores_elsewhere_whole(tmp_path: Path) -> None:
    data = tmp_path / "data"
    usb = tmp_path / "usb"
    staging = tmp_path / "staging"
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Vũ Thị Gấm"]
    files = [save(name_page(n, dpi=120), staging / f"p{i}.png", dpi=120) for i, n in enumerate(names[1:], 1)]
    files.insert(0, save(render_page(FORM, dpi=200), staging / "p0.png", dpi=200))  # a form with fields
    proc = _start_run(data)
    try:
        _wait(lambda: (data / "inbox").exists() and (data / "state" / "run.lock").exists(), 60, "the run")
        for f in files[:3]:
            os.rename(f, data / "inbox" / f.name)
        db = data / "sohoa.db"
        _wait(lambda: (_q(db, "select count(*) from jobs where state='done'") or [(0,)])[0][0] >= 1, 180, "a page")
        for f in files[3:]:
            os.rename(f, data / "inbox" / f.name)
        # Mid-intake and mid-OCR: the first backup.
        code, out = _cli(data, "backup", str(usb))
        assert code == 0, out
        _wait(
            lambda: (
                (_q(db, "select count(*) from jobs where state='done'") or [(0,)])[0][0] == 6
                and not any((data / "inbox").iterdir())
            ),
            300,
            "all pages",
        )
    finally:
        _stop(proc)
    first = (usb / "LATEST").read_text().strip()
    time.sleep(1.1)
    code, out = _cli(data, "backup", str(usb))
    assert code == 0, out
    assert "tệp mới" in out
    second = (usb / "LATEST").read_text().strip()
    assert first != second
    # The mid-intake snapshot restores to a consistent system: every file it names is there.
    snap1 = tmp_path / "restored1"
    code, out = _cli(tmp_path / "unused", "restore", "--snapshot", first, str(usb), str(snap1))
    assert code == 0, out
    assert _q(snap1 / "sohoa.db", "select count(*) from documents")[0][0] >= 3
    code, out = _cli(snap1, "check")
    assert code == 0, out
    # The final snapshot has every document, field, entry and audit row of the live system.
    snap2 = tmp_path / "restored2"
    code, out = _cli(tmp_path / "unused", "restore", str(usb), str(snap2))
    assert code == 0, out
    live, restored = _counts(data / "sohoa.db"), _counts(snap2 / "sohoa.db")
    assert restored == live
    assert live["documents"] == 6 and live["fields"] > 0 and live["audit_log"] >= 6
    assert _q(snap2 / "sohoa.db", "select text from pages order by id") == _q(
        data / "sohoa.db", "select text from pages order by id"
    )
    code, out = _cli(snap2, "check")
    assert code == 0, out
    code, out = _cli(snap2, "search", "tran thi binh")
    assert code == 0 and "Trần Thị Bình" in out
    code, out = _cli(snap2, "search", "nguyen van an")
    assert code == 0 and "NGUYỄN VĂN AN" in out.upper()
    # Restoring over a data folder that is not empty is refused.
    code, out = _cli(tmp_path / "unused", "restore", str(usb), str(data))
    assert code == 2 and "không trống" in out


def test_backup_is_incremental_and_a_damaged_backup_is_caught_at_restore(app: App, tmp_path: Path) -> None:
    for i in range(3):
        p = app.settings.inbox_dir / f"f{i}.jpg"
        p.write_bytes(_jpeg(30 + 70 * i))
        app.intake.take(p, source="hotfolder", remove=True)
    from sohoa.backup import backup, restore

    usb = tmp_path / "usb"
    r1 = backup(app, usb)
    assert (r1.files, r1.copied) == (3, 3)
    p = app.settings.inbox_dir / "f9.jpg"
    p.write_bytes(_jpeg(250))
    app.intake.take(p, source="hotfolder", remove=True)
    time.sleep(1.1)
    r2 = backup(app, usb)
    assert (r2.files, r2.copied) == (4, 1)
    victim = sorted((usb / "originals").rglob("*.jpg"))[0]
    victim.write_bytes(b"rotten")
    res = restore(usb, tmp_path / "restored")
    assert len(res.problems) == 1 and "mã băm không khớp" in res.problems[0]


# -- faults at start -----------------------------------------------------------------------------------


def test_a_vanished_database_is_not_silently_replaced_by_an_empty_one(app: App) -> None:
    p = app.settings.inbox_dir / "a.jpg"
    p.write_bytes(_jpeg(90))
    app.intake.take(p, source="hotfolder", remove=True)
    app.close()
    data = app.settings.data_dir
    for f in data.glob("sohoa.db*"):
        f.unlink()
    code, out = _cli(data, "status")
    assert code == 2 and "Không thấy cơ sở dữ liệu" in out and "sohoa restore" in out
    assert not (data / "sohoa.db").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="chattr +i needs root")
def test_a_read_only_database_is_a_clear_error_at_start(app: App) -> None:
    with app.db.write() as s:
        audit(s, "tester", "view", "document", 1, {})
    app.close()
    data = app.settings.data_dir
    db = data / "sohoa.db"
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    subprocess.run(["chattr", "+i", str(db)], check=True)
    try:
        code, out = _cli(data, "status")
        assert code == 2 and "Không ghi được vào cơ sở dữ liệu" in out
    finally:
        subprocess.run(["chattr", "-i", str(db)], check=True)
    code, out = _cli(data, "status")  # fixed: starts again
    assert code == 0, out


def test_sohoa_run_checks_fixity_when_the_last_check_is_old(app: App) -> None:
    import threading

    from sohoa.fixity import last_result
    from sohoa.runner import Runner

    p = app.settings.inbox_dir / "a.jpg"
    p.write_bytes(_jpeg(70))
    app.intake.take(p, source="hotfolder", remove=True)
    assert last_result(app.settings.data_dir) is None
    runner = Runner(app)
    t = threading.Thread(target=runner._fixity_loop, kwargs={"first_after_s": 0.0}, daemon=True)
    t.start()
    try:
        _wait(lambda: last_result(app.settings.data_dir) is not None, 30, "a fixity result")
    finally:
        runner.stop_event.set()
        t.join(10)
    r = last_result(app.settings.data_dir)
    assert r is not None and r["ok"] and r["originals"] == 1


@pytest.mark.postgres
def test_backup_and_restore_with_postgresql(tmp_path: Path) -> None:
    import uuid

    import sqlalchemy as sa

    from sohoa.backup import backup, restore
    from tests.conftest import PG_URL

    base = PG_URL.rsplit("/", 1)[0]
    names = [f"sohoa_bk_{uuid.uuid4().hex[:8]}", f"sohoa_rs_{uuid.uuid4().hex[:8]}"]
    admin = sa.create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        for n in names:
            c.exec_driver_sql(f"CREATE DATABASE {n}")
    try:
        app = App(Settings(data_dir=tmp_path / "data", database_url=f"{base}/{names[0]}", workers=1))
        app.settings.ensure_dirs()
        for i in range(3):
            p = app.settings.inbox_dir / f"f{i}.jpg"
            p.write_bytes(_jpeg(20 + 80 * i))
            app.intake.take(p, source="hotfolder", remove=True)
        with app.db.write() as s:
            audit(s, "tester", "search", "query", None, {"q": "nguyen"})
        r = backup(app, tmp_path / "usb")
        assert r.problems == [] and r.files == 3
        app.close()
        res = restore(tmp_path / "usb", tmp_path / "restored", database_url=f"{base}/{names[1]}")
        assert res.problems == [] and res.files == 3
        restored = App(Settings(data_dir=tmp_path / "restored", database_url=f"{base}/{names[1]}", workers=1))
        try:
            with restored.db.read() as s:
                docs = s.execute(text("select count(*) from documents")).scalar()
                audits = s.execute(text("select count(*) from audit_log")).scalar()
            assert (docs, audits) == (3, 4)
            assert auditchain.verify(restored.db).ok
            with pytest.raises(DBAPIError, match="append-only"), restored.db.write() as s:
                s.execute(text("TRUNCATE audit_log"))
        finally:
            restored.close()
    finally:
        with admin.connect() as c:
            for n in names:
                c.exec_driver_sql(f"DROP DATABASE IF EXISTS {n} WITH (FORCE)")
        admin.dispose()


def test_the_chain_stays_whole_across_savepoints_and_many_rows_per_transaction(app: App) -> None:
    with app.db.write() as s:
        audit(s, "a", "x", "t", 1, {})
        audit(s, "a", "x", "t", 2, {})
        try:
            with s.begin_nested():
                audit(s, "a", "x", "t", 3, {})
                raise RuntimeError("a savepoint rolled back")
        except RuntimeError:
            pass
        with s.begin_nested():
            audit(s, "a", "x", "t", 4, {})
        audit(s, "a", "x", "t", 5, {})
    rep = auditchain.verify(app.db)
    assert rep.ok and rep.rows == 4, rep.problems
