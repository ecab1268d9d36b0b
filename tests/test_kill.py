"""kill -9 at any moment: nothing lost, nothing indexed twice.

``sohoa run`` runs as a real subprocess; it is killed with SIGKILL (with its workers) while
files are being taken and while pages are being recognised, then restarted until done.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.pages import name_page, save

ROOT = Path(__file__).resolve().parent.parent
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]


def _start(data: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update(
        {
            "SOHOA_DATA_DIR": str(data),
            "SOHOA_WORKERS": "2",
            "SOHOA_CAPTURE__SETTLE_SECONDS": "0.2",
            "SOHOA_CAPTURE__RESCAN_SECONDS": "2",
            "OMP_THREAD_LIMIT": "1",
            "SOHOA_CONFIG": "",
        }
    )
    return subprocess.Popen(
        [sys.executable, "-m", "sohoa.cli", "run"],
        cwd=data.parent,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _kill(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGKILL)  # the runner and its OCR workers at once
    proc.wait(10)


def _query(db: Path, sql: str) -> list[tuple]:
    if not db.exists():
        return []
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        con.close()


def _wait(pred, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow
def test_kill_9_mid_intake_and_mid_ocr_then_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    inbox = data / "inbox"
    db = data / "sohoa.db"
    names = [f"{SURNAMES[i % len(SURNAMES)]} Văn Số{i}" for i in range(24)]
    staging = tmp_path / "staging"
    files = [save(name_page(n, dpi=120), staging / f"page{i:02d}.png", dpi=120) for i, n in enumerate(names)]

    proc = _start(data)
    _wait(lambda: inbox.exists(), 30, "the inbox")
    # 1. Kill while the first 12 files are being taken.
    for f in files[:12]:
        os.rename(f, inbox / f.name)
    _wait(
        lambda: (
            _query(db, "select count(*) from arrivals")[0][0] >= 3
            if _query(db, "select count(*) from arrivals")
            else False
        ),
        60,
        "some arrivals",
    )
    _kill(proc)

    # 2. Restart, add the rest, kill while pages are being recognised.
    proc = _start(data)
    for f in files[12:]:
        os.rename(f, inbox / f.name)
    _wait(
        lambda: (_query(db, "select count(*) from jobs where state='done'") or [(0,)])[0][0] >= 4,
        120,
        "some pages done",
    )
    _kill(proc)
    assert (_query(db, "select count(*) from jobs where state='done'")[0][0]) < 24, "killed too late to test anything"

    # 3. Restart and let it finish.
    proc = _start(data)
    try:
        _wait(
            lambda: (
                (_query(db, "select count(*) from jobs where state='done'") or [(0,)])[0][0] == 24
                and not any(inbox.iterdir())
            ),
            240,
            "all pages done",
        )
        time.sleep(1.0)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)

    assert _query(db, "select count(*), count(distinct original_id) from documents") == [(24, 24)]
    assert _query(db, "select count(*) from pages where state='indexed'") == [(24,)]
    assert _query(db, "select count(*), count(distinct page_id) from ocr_results") == [(24, 24)]
    assert _query(db, "select state, count(*) from jobs group by state") == [("done", 24)]
    assert _query(db, "select outcome, count(*) from arrivals group by outcome") == [("new", 24)]
    assert _query(db, "select count(*) from quarantine") == [(0,)]
    assert list(inbox.iterdir()) == []
    # Every page really went through OCR: its citizen's name is in its text.
    texts = [t for (t,) in _query(db, "select text from pages order by id")]
    assert sum("Văn" in t for t in texts) == 24
