"""``sohoa run``: watch the inbox, process, index; a live status line; Ctrl+C stops cleanly
(and a kill at any moment loses nothing: the next start resumes).

A database that cannot be used at start (vanished, read-only, unreachable) is said clearly; the
run then waits, trying again with a growing pause, and starts by itself once it is fixed
(``--once`` exits with code 2 instead). While waiting nothing is taken from the inbox, and
``sohoa status`` shows why."""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import click
from sqlalchemy.exc import DBAPIError

from sohoa.app import App
from sohoa.atrest import AlreadyRunning, RunLock
from sohoa.distributed import make_runner
from sohoa.events import EventSender
from sohoa.runner import Snapshot
from sohoa.samples import write_samples

if TYPE_CHECKING:
    from config import Settings
    from sohoa.web.server import DeskServer

SAMPLES_MARK = ".samples-dropped"


def _status_printer() -> Callable[[Snapshot], None]:
    tty = sys.stderr.isatty()
    last_line = ""
    last_at = 0.0

    def show(s: Snapshot) -> None:
        nonlocal last_line, last_at
        line = (
            f"hộp nhận chờ: {s.waiting_files} | hàng đợi: {s.queued} | đang xử lý: {s.running} | "
            f"xong: {s.done} | lỗi: {s.failed} | cách ly: {s.quarantined} | {s.pages_per_min:.1f} trang/phút"
        )
        now = time.monotonic()
        if tty:
            sys.stderr.write("\r\033[K" + line)
            sys.stderr.flush()
        elif line != last_line and now - last_at >= 5:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()
            last_at = now
        last_line = line

    return show


def _start_desk(app: App, *, once: bool) -> tuple[DeskServer | None, str]:
    """The web desk in a thread beside the runner (not for ``--once``); and its banner lines."""
    web = app.settings.web
    if not web.enabled or once:
        return None, ""
    from indexer.accounts import count_users
    from sohoa.web.server import DeskServer

    desk = DeskServer(app)
    if not desk.start():
        return None, (
            f"  Bàn làm việc: KHÔNG mở được {web.host}:{web.port} (cổng đang bị chương trình khác dùng?);"
            " đổi cổng: SOHOA_WEB__PORT\n"
        )
    lines = f"  Bàn làm việc trên trình duyệt:           {desk.url}\n"
    if count_users(app.db) == 0:
        lines += "    chưa có tài khoản; tạo quản trị viên:   .venv/bin/sohoa user add TÊN --role admin\n"
    return desk, lines


def _ocr_where(s: Settings) -> str:
    if s.broker_url:
        from sohoa.distributed.dispatcher import _safe

        return f"OCR trên các máy `sohoa worker` qua {_safe(s.broker_url)}, hàng đợi {s.broker_queue!r}"
    return f"{s.workers} tiến trình OCR"


def run(app: App, *, samples: bool, once: bool) -> int:
    s = app.settings
    s.ensure_dirs()
    lock = RunLock(s.data_dir)
    try:
        lock.acquire()
    except AlreadyRunning as exc:
        click.echo(str(exc), err=True)
        return 3
    try:
        return _run(app, samples=samples, once=once)
    finally:
        lock.release()


def _database_at_start(app: App, *, once: bool) -> bool:
    """Open, migrate and write-check the database before announcing anything; if it cannot be
    written, say why and wait for it (1 s, 2 s ... 30 s between tries). False: stopped meanwhile."""
    from sohoa.atrest import DatabaseUnusable
    from sohoa.dbhealth import DbHealth, unwritable_message
    from sohoa.intakestate import write_intake

    stop = threading.Event()
    old = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    said, pause = "", 1.0
    try:
        while True:
            try:
                problem = DbHealth(app.db, app.settings.db_url).full()
            except DatabaseUnusable as exc:
                problem = str(exc)
            except DBAPIError as exc:  # unreachable, or read-only while migrating
                problem = unwritable_message(str(exc.orig or exc).strip().splitlines()[0][:300])
            if problem is None:
                if said:
                    click.echo("Cơ sở dữ liệu đã ghi được: sohoa bắt đầu chạy.", err=True)
                    write_intake(app.settings.data_dir, problems=[], paused=None, at=_now())
                return True
            if once:
                raise DatabaseUnusable(problem)
            if problem != said:
                click.echo(f"{problem}\nsohoa chờ và tự thử lại (Ctrl+C để dừng).", err=True)
                said = problem
                write_intake(app.settings.data_dir, problems=[], paused=problem, at=_now())
            if stop.wait(pause):
                return False
            pause = min(30.0, pause * 2)
    except KeyboardInterrupt:
        return False
    finally:
        signal.signal(signal.SIGTERM, old)


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")


def _run(app: App, *, samples: bool, once: bool) -> int:
    s = app.settings
    if not _database_at_start(app, once=once):
        click.echo("Đã dừng.")
        return 0
    if samples and not (s.data_dir / SAMPLES_MARK).exists():
        dropped = write_samples(s.inbox_dir)
        (s.data_dir / SAMPLES_MARK).write_text("\n".join(p.name for p in dropped), encoding="utf-8")
        click.echo(f"Đã đặt {len(dropped)} ảnh quét mẫu vào hộp nhận để thử.")
    desk, desk_lines = _start_desk(app, once=once)
    click.echo(
        "sohoa đang chạy.\n"
        f"{desk_lines}"
        f"  Thả ảnh quét (JPEG, PNG, TIFF, PDF) vào:  {s.inbox_dir}\n"
        f'  Tra cứu theo tên (không cần dấu):        .venv/bin/sohoa search "nguyen van an"\n'
        f"  Tình trạng, tệp lỗi:                      .venv/bin/sohoa status   (cách ly: {s.quarantine_dir})\n"
        f"  PDF tìm kiếm được của từng trang:         {s.archive_dir}\n"
        f"  Dừng: Ctrl+C ({_ocr_where(s)})"
    )
    runner = make_runner(app, on_status=_status_printer())
    signal.signal(signal.SIGTERM, lambda *_: runner.stop())
    events = EventSender(app.db, s).start()  # events out (webhook / Redis stream), from the outbox
    try:
        runner.run(once=once)
    except KeyboardInterrupt:
        runner.stop()
    finally:
        events.stop()
        if desk is not None:
            desk.stop()
    sys.stderr.write("\n")
    click.echo("Đã dừng. Công việc dở dang sẽ tiếp tục ở lần chạy sau.")
    return 0
