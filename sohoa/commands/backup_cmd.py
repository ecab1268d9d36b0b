"""``sohoa backup DEST``: the database, originals and archive into DEST, incrementally."""

from __future__ import annotations

import click

from sohoa.app import App
from sohoa.backup import BackupError, backup


def run(app: App, dest) -> int:
    try:
        r = backup(app, dest)
    except BackupError as exc:
        click.echo(f"Không sao lưu được: {exc}", err=True)
        return 2
    click.echo(
        f"Đã sao lưu vào {dest} (bản {r.snapshot}): {r.files} tệp, {r.copied} tệp mới ({r.copied_bytes / 1e6:.1f} MB)."
    )
    for p in r.problems:
        click.echo(f"  ! {p}", err=True)
    if r.problems:
        click.echo(f"Có {len(r.problems)} vấn đề; chạy `sohoa check` để xem chi tiết.", err=True)
        return 1
    return 0
