"""Database faults drilled on a real ``sohoa run`` subprocess: a SQLite database made read-only
(``chattr +i``) or moved away while running and at start, and a PostgreSQL database switched to
``default_transaction_read_only`` with its sessions cut. Each time: a clear Vietnamese error,
the inbox left alone (no file taken, none quarantined because of the fault), the fault shown by
``sohoa status``, and the same process resumes on its own once the database is writable again."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import exc as sa_exc

from tests.test_safekeeping import _cli, _env, _jpeg, _stop, _wait

ROOT = Path(__file__).resolve().parent.parent


def _start(data: Path, **extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "sohoa.cli", "run"],
        cwd=data.parent,
        env=_env(data, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _finish(proc: subprocess.Popen[bytes]) -> str:
    _stop(proc)
    assert proc.stderr is not None
    return proc.stderr.read().decode("utf-8", "replace")


def _count(db: Path, sql: str) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error:
        return -1
    try:
        return int(con.execute(sql).fetchone()[0])
    except sqlite3.Error:
        return -1
    finally:
        con.close()


def _paused(data: Path) -> str:
    try:
        st = json.loads((data / "state" / "intake.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    return st.get("paused") or ""


_SHADES = itertools.count(20, 23)


def _drop(inbox: Path, tmp: Path, names: list[str]) -> None:
    """Good JPEGs (each different) and files that are not images (``bad*.jpg``), moved in whole."""
    for name in names:
        staged = tmp / name
        staged.write_bytes(b"this is not an image" if name.startswith("bad") else _jpeg(next(_SHADES) % 250))
        os.replace(staged, inbox / name)


def _quarantined_files(data: Path) -> list[str]:
    return sorted(p.name for p in (data / "quarantine").iterdir()) if (data / "quarantine").exists() else []


def _chattr(flag: str, *paths: Path) -> None:
    subprocess.run(["chattr", flag, *[str(p) for p in paths if p.exists()]], check=True)


def _chattr_works(tmp: Path) -> bool:
    if os.geteuid() != 0 or shutil.which("chattr") is None:
        return False
    probe = tmp / "chattr-probe"
    probe.write_bytes(b"x")
    ok = subprocess.run(["chattr", "+i", str(probe)], capture_output=True, check=False).returncode == 0
    if ok:
        subprocess.run(["chattr", "-i", str(probe)], check=True)
    return ok


def _docs_done(db: Path, n: int) -> bool:
    return (
        _count(db, "select count(*) from documents") == n
        and _count(db, "select count(*) from jobs where state = 'done'") == n
    )


def test_sqlite_made_read_only_while_running_pauses_and_resumes_without_restart(tmp_path: Path) -> None:
    if not _chattr_works(tmp_path):
        pytest.skip("chattr +i needs root on a filesystem that supports it")
    data = tmp_path / "data"
    db, wal = data / "sohoa.db", data / "sohoa.db-wal"
    staging = tmp_path / "staging"
    staging.mkdir()
    proc = _start(data)
    try:
        _wait(lambda: (data / "state" / "run.lock").exists() and (data / "inbox").exists(), 60, "the run")
        _drop(data / "inbox", staging, ["first.jpg"])
        _wait(lambda: _docs_done(db, 1), 60, "the first file processed")
        _chattr("+i", db, wal)
        try:
            _drop(data / "inbox", staging, ["a.jpg", "b.jpg", "bad.jpg"])
            _wait(lambda: "Không ghi được vào cơ sở dữ liệu" in _paused(data), 30, "the fault noticed")
            time.sleep(4.0)  # several checks and retries later, still nothing touched
            assert sorted(p.name for p in (data / "inbox").iterdir()) == ["a.jpg", "b.jpg", "bad.jpg"]
            assert _quarantined_files(data) == []
            code, out = _cli(data, "status")
            assert code == 2 and "Không ghi được vào cơ sở dữ liệu" in out
            assert f"sohoa run (tiến trình {proc.pid}) đang chạy, tạm dừng nhận tệp" in out
            assert proc.poll() is None
        finally:
            _chattr("-i", db, wal)
        # Fixed: the same process takes the three files and processes the two pages, nothing twice.
        _wait(lambda: _docs_done(db, 3) and not any((data / "inbox").iterdir()), 90, "intake and OCR resumed")
        _wait(lambda: _paused(data) == "", 10, "the pause lifted on sohoa status")
        assert proc.poll() is None
        assert _count(db, "select count(*) from quarantine where reason = 'unsupported_type'") == 1
        assert len([n for n in _quarantined_files(data) if not n.endswith(".reason.txt")]) == 1
        assert _count(db, "select count(*) from arrivals") == 4
        code, out = _cli(data, "status")
        assert code == 0 and "tạm dừng" not in out
    finally:
        err = _finish(proc)
    assert "database cannot be written; pausing: Không ghi được vào cơ sở dữ liệu" in err
    assert "database writable again: resuming" in err


def test_sqlite_moved_away_while_running_and_at_start_waits_and_resumes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    db = data / "sohoa.db"
    aside = tmp_path / "aside.db"
    staging = tmp_path / "staging"
    staging.mkdir()
    proc = _start(data)
    try:
        _wait(lambda: (data / "state" / "run.lock").exists() and (data / "inbox").exists(), 60, "the run")
        _drop(data / "inbox", staging, ["first.jpg"])
        _wait(lambda: _docs_done(db, 1), 60, "the first file processed")
        os.replace(db, aside)  # a clerk moves the database file away (the WAL stays)
        _drop(data / "inbox", staging, ["a.jpg", "bad.jpg"])
        _wait(lambda: "Không thấy cơ sở dữ liệu" in _paused(data), 30, "the vanished database noticed")
        time.sleep(3.0)
        assert sorted(p.name for p in (data / "inbox").iterdir()) == ["a.jpg", "bad.jpg"]
        assert _quarantined_files(data) == []
        assert not db.exists()  # never replaced by a new empty database
        code, out = _cli(data, "status")
        assert code == 2 and "Không thấy cơ sở dữ liệu" in out and "tạm dừng nhận tệp" in out
        os.replace(aside, db)  # put back
        _wait(lambda: _docs_done(db, 2) and not any((data / "inbox").iterdir()), 90, "intake resumed")
        assert proc.poll() is None
        assert _count(db, "select count(*) from quarantine") == 1
    finally:
        err = _finish(proc)
    assert "Không thấy cơ sở dữ liệu" in err and "database writable again: resuming" in err

    # At start: the database is missing; the run says so and waits, then starts when it is back.
    os.replace(db, aside)
    _drop(data / "inbox", staging, ["c.jpg"])
    proc = _start(data)
    try:
        _wait(lambda: "Không thấy cơ sở dữ liệu" in _paused(data), 60, "the start-up check")
        time.sleep(2.0)
        assert proc.poll() is None and not db.exists()
        assert [p.name for p in (data / "inbox").iterdir()] == ["c.jpg"]
        os.replace(aside, db)
        _wait(lambda: _docs_done(db, 3) and not any((data / "inbox").iterdir()), 90, "the run started")
    finally:
        err = _finish(proc)
    assert "Không thấy cơ sở dữ liệu" in err and "sohoa chờ và tự thử lại" in err
    assert "Cơ sở dữ liệu đã ghi được: sohoa bắt đầu chạy." in err


def test_postgresql_read_only_at_start_and_while_running(tmp_path: Path) -> None:
    import sqlalchemy as sa

    from tests.conftest import PG_URL

    base = PG_URL.rsplit("/", 1)[0]
    name = f"sohoa_ro_{uuid.uuid4().hex[:8]}"
    url = f"{base}/{name}"
    admin = sa.create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")

    def read_only(on: bool) -> None:
        with admin.connect() as c:
            c.exec_driver_sql(f"ALTER DATABASE {name} SET default_transaction_read_only = {'on' if on else 'off'}")
            c.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )

    def count(sql: str) -> int:
        eng = sa.create_engine(url)
        try:
            with eng.connect() as c:
                return int(c.exec_driver_sql(sql).scalar() or 0)
        except sa.exc.DBAPIError:
            return -1
        finally:
            eng.dispose()

    with admin.connect() as c:
        c.exec_driver_sql(f"CREATE DATABASE {name}")
    data = tmp_path / "data"
    staging = tmp_path / "staging"
    staging.mkdir()
    proc: subprocess.Popen[bytes] | None = None
    try:
        # First start makes the schema; then the database is made read-only and a run started.
        code, out = _cli_pg(data, url, "status")
        assert code == 0, out
        read_only(True)
        (data / "inbox").mkdir(parents=True, exist_ok=True)
        _drop(data / "inbox", staging, ["a.jpg", "bad.jpg"])
        proc = _start(data, SOHOA_DATABASE_URL=url)
        _wait(lambda: "Không ghi được vào cơ sở dữ liệu" in _paused(data), 60, "the start-up check")
        time.sleep(2.0)
        assert proc.poll() is None
        assert sorted(p.name for p in (data / "inbox").iterdir()) == ["a.jpg", "bad.jpg"]
        assert _quarantined_files(data) == []
        code, out = _cli_pg(data, url, "status")  # reading still works: the pause is shown
        assert code == 0 and "Hộp nhận tạm dừng" in out and "read-only" in out
        read_only(False)
        _wait(
            lambda: (
                count("select count(*) from jobs where state = 'done'") == 1 and not any((data / "inbox").iterdir())
            ),
            90,
            "the run started",
        )
        # While running.
        read_only(True)
        _drop(data / "inbox", staging, ["b.jpg", "bad2.jpg"])
        _wait(lambda: "Không ghi được vào cơ sở dữ liệu" in _paused(data), 30, "the fault noticed")
        time.sleep(3.0)
        assert sorted(p.name for p in (data / "inbox").iterdir()) == ["b.jpg", "bad2.jpg"]
        assert len([n for n in _quarantined_files(data) if not n.endswith(".reason.txt")]) == 1
        assert proc.poll() is None
        read_only(False)
        _wait(
            lambda: (
                count("select count(*) from jobs where state = 'done'") == 2 and not any((data / "inbox").iterdir())
            ),
            90,
            "the run resumed",
        )
        assert proc.poll() is None
        assert count("select count(*) from documents") == 2
        assert count("select count(*) from quarantine") == 2
        err = _finish(proc)
        proc = None
        assert "sohoa chờ và tự thử lại" in err and "database writable again: resuming" in err
    finally:
        if proc is not None:
            _finish(proc)
        with admin.connect() as c:
            c.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def _cli_pg(data: Path, url: str, *args: str) -> tuple[int, str]:
    from click.testing import CliRunner

    from sohoa.cli import cli

    env = {"SOHOA_DATA_DIR": str(data), "SOHOA_CONFIG": "", "SOHOA_DATABASE_URL": url}
    r = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return r.exit_code, r.output


def test_a_bad_file_whose_quarantine_cannot_be_recorded_goes_back_to_the_inbox(tmp_path: Path) -> None:
    """The database refuses the record (its file made read-only on a fresh connection): the
    refused file is put back where it was, with no reason file left behind, and is quarantined
    for good once the database takes writes again."""
    from config import Settings
    from sohoa.app import App

    if not _chattr_works(tmp_path):
        pytest.skip("chattr +i needs root on a filesystem that supports it")
    app = App(Settings(data_dir=tmp_path / "data", workers=1))
    app.settings.ensure_dirs()
    db = app.settings.data_dir / "sohoa.db"
    bad = app.settings.inbox_dir / "bad.jpg"
    bad.write_bytes(b"this is not an image")
    _ = app.db
    app.db.engine.dispose()
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    _chattr("+i", db, db.with_name("sohoa.db-wal"))
    try:
        with pytest.raises(sa_exc.DBAPIError):
            app.intake.take(bad, source="hotfolder", remove=True)
        assert bad.read_bytes() == b"this is not an image"
        assert _quarantined_files(app.settings.data_dir) == []
    finally:
        _chattr("-i", db, db.with_name("sohoa.db-wal"))
    app.db.engine.dispose()
    r = app.intake.take(bad, source="hotfolder", remove=True)
    assert r.outcome.value == "quarantined" and not bad.exists()
    assert len(_quarantined_files(app.settings.data_dir)) == 2  # the file and its reason
    app.close()
