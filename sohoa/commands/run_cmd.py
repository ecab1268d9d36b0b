"""``sohoa run``: watch the inbox, process, index; a live status line; Ctrl+C stops cleanly
(and a kill at any moment loses nothing: the next start resumes)."""
from __future__ import annotations

import signal
import sys
import time

import click

from sohoa.app import App
from sohoa.runner import Runner, Snapshot
from sohoa.samples import write_samples

SAMPLES_MARK = ".samples-dropped"


def _status_printer() -> "callable":
    tty = sys.stderr.isatty()
    last = {"line": "", "at": 0.0}

    def show(s: Snapshot) -> None:
        line = (
            f"hộp nhận chờ: {s.waiting_files} | hàng đợi: {s.queued} | đang xử lý: {s.running} | "
            f"xong: {s.done} | lỗi: {s.failed} | cách ly: {s.quarantined} | {s.pages_per_min:.1f} trang/phút"
        )
        now = time.monotonic()
        if tty:
            sys.stderr.write("\r\033[K" + line)
            sys.stderr.flush()
        elif line != last["line"] and now - last["at"] >= 5:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()
            last["at"] = now
        last["line"] = line

    return show


def run(app: App, *, samples: bool, once: bool) -> int:
    s = app.settings
    s.ensure_dirs()
    app.db  # open and migrate before announcing anything
    if samples and not (s.data_dir / SAMPLES_MARK).exists():
        dropped = write_samples(s.inbox_dir)
        (s.data_dir / SAMPLES_MARK).write_text("\n".join(p.name for p in dropped), encoding="utf-8")
        click.echo(f"Đã đặt {len(dropped)} ảnh quét mẫu vào hộp nhận để thử.")
    click.echo(
        "sohoa đang chạy.\n"
        f"  Thả ảnh quét (JPEG, PNG, TIFF, PDF) vào:  {s.inbox_dir}\n"
        f"  Tra cứu theo tên (không cần dấu):        .venv/bin/sohoa search \"nguyen van an\"\n"
        f"  Tình trạng, tệp lỗi:                      .venv/bin/sohoa status   (cách ly: {s.quarantine_dir})\n"
        f"  PDF tìm kiếm được của từng trang:         {s.archive_dir}\n"
        f"  Dừng: Ctrl+C ({s.workers} tiến trình OCR)"
    )
    runner = Runner(app, on_status=_status_printer())
    signal.signal(signal.SIGTERM, lambda *_: runner.stop())
    try:
        runner.run(once=once)
    except KeyboardInterrupt:
        runner.stop()
    sys.stderr.write("\n")
    click.echo("Đã dừng. Công việc dở dang sẽ tiếp tục ở lần chạy sau.")
    return 0
