"""``sohoa import PATH...``: take files and folders as the hot folder would, with a progress bar."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from capture.intake import Outcome
from capture.walk import iter_files
from sohoa.app import App

OUTCOME_VI = {
    Outcome.NEW: "mới",
    Outcome.DUPLICATE: "trùng nội dung (đã liên kết)",
    Outcome.QUARANTINED: "cách ly",
    Outcome.ALREADY_TAKEN: "đã nhận trước đó",
    Outcome.VANISHED: "biến mất",
    Outcome.CHANGED: "đang thay đổi, bỏ qua",
}


def run(app: App, paths: list[Path], *, remove: bool) -> int:
    files = list(iter_files(paths))
    counts: Counter[Outcome] = Counter()
    problems: list[str] = []
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()) as bar:
        task = bar.add_task("Đang nhận tệp", total=len(files))
        for f in files:
            result = app.intake.take(f, source="import", remove=remove)
            counts[result.outcome] += 1
            if result.outcome is Outcome.QUARANTINED:
                problems.append(f"  {f}: {result.reason.message if result.reason else ''} ({result.detail})")
            bar.advance(task)
    summary = ", ".join(f"{OUTCOME_VI[o]}: {n}" for o, n in counts.items()) or "không có tệp nào"
    click.echo(f"Đã xem {len(files)} tệp — {summary}")
    if problems:
        click.echo(f"Cách ly trong {app.settings.quarantine_dir}:", err=True)
        for line in problems:
            click.echo(line, err=True)
    return 0
