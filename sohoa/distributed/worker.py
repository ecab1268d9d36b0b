"""``sohoa worker``: a Celery worker on this machine, one OCR process per core by default."""

from __future__ import annotations

import os
import socket

import click

from config import Settings
from indexer.db import open_database


def node_name() -> str:
    """Unique per worker (several may run on one host): sohoa-<pid>@<host>."""
    return f"sohoa-{os.getpid()}@{socket.gethostname()}"


def run_worker(settings: Settings, *, concurrency: int | None = None, loglevel: str | None = None) -> int:
    if not settings.broker_url:
        click.echo(
            'Chưa cấu hình broker: đặt broker_url = "redis://máy-chủ:6379/0" trong sohoa.toml '
            "hoặc SOHOA_BROKER_URL (no broker configured).",
            err=True,
        )
        return 2
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    settings.ensure_dirs()
    # Check the database (and bring its schema up to date) once, before the processes are forked.
    db = open_database(settings.db_url)
    db.close()
    from sohoa.distributed import tasks
    from sohoa.distributed.celery_app import make_celery
    from sohoa.distributed.dispatcher import _safe

    n = concurrency or settings.workers
    behind = tasks.store_behind_pays(n) if settings.store_behind == "auto" else settings.store_behind == "on"
    tasks.configure(settings, behind=behind, processes=n)
    app = make_celery(settings, with_tasks=True)
    click.echo(
        f"sohoa worker: {n} tiến trình OCR, hàng đợi {settings.broker_queue!r} trên {_safe(settings.broker_url)}, "
        f"dữ liệu {settings.data_dir}  (Ctrl+C để dừng sau trang đang làm)",
        err=True,
    )
    app.worker_main(
        [
            "worker",
            "--pool=prefork",
            f"--concurrency={n}",
            f"--loglevel={loglevel or settings.log_level}",
            f"--hostname={node_name()}",
            f"--queues={settings.broker_queue}",
            "--prefetch-multiplier=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
    )
    return 0
