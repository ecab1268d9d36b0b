"""``sohoa process``: the batch contract the benchmark uses."""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from config import Settings
from sohoa.batch import run_batch
from sohoa.options import limits, ocr_options


def process(settings: Settings, paths: list[Path], out_dir: Path, *, pdf: bool, workers: int | None) -> int:
    start = time.monotonic()
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True
    ) as bar:
        task = bar.add_task("Đang nhận dạng", total=None)
        summary = run_batch(
            paths,
            out_dir,
            ocr_options(settings),
            limits(settings),
            workers or settings.workers,
            pdf=pdf,
            timeout_s=settings.ocr.page_timeout_s,
            on_page=lambda stem, result: bar.advance(task),
        )
    elapsed = time.monotonic() - start
    rate = summary.pages / elapsed * 60 if elapsed > 0 else 0.0
    click.echo(
        f"{summary.pages} trang từ {summary.files} tệp trong {elapsed:.1f} s ({rate:.1f} trang/phút) → {out_dir}"
    )
    for name, reason in summary.refused:
        click.echo(f"  từ chối {name}: {reason}", err=True)
    for name, reason in summary.failed:
        click.echo(f"  lỗi {name}: {reason}", err=True)
    return 1 if summary.failed else 0
