"""``sohoa restore SRC DATA_DIR``: a backup into an empty data folder, every file checked."""

from __future__ import annotations

from pathlib import Path

import click

from sohoa.backup import BackupError, restore


def run(src: Path, data_dir: Path, database_url: str | None = None, snapshot: str | None = None) -> int:
    try:
        r = restore(src, data_dir.absolute(), snapshot=snapshot, database_url=database_url)
    except BackupError as exc:
        click.echo(f"Không khôi phục được: {exc}", err=True)
        return 2
    click.echo(f"Đã khôi phục bản {r.snapshot} vào {data_dir}: cơ sở dữ liệu {r.database}, {r.files} tệp.")
    for p in r.problems:
        click.echo(f"  ! {p}", err=True)
    if r.problems:
        return 1
    click.echo(f"Mọi tệp khớp mã băm. Dùng: SOHOA_DATA_DIR={data_dir} sohoa run")
    return 0
