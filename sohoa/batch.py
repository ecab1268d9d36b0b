"""``sohoa process PATH... --out DIR``: OCR files straight to one JSON per page, no database.

Each JSON has the benchmark's keys (text, rotation, skew_deg, blank, doc_type, fields,
register_entries) plus ``fields_review`` (the ids of fields marked for review) and
``fields_detail`` (raw OCR value, confidence, reasons per field).

The benchmark's contract (../shared/bench/README.md): ``<stem>.json`` per single-page file,
``<stem>-p0002.json`` for the pages of a multi-page file. Refused files get ``<stem>.error.json``.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from capture.fsutil import atomic_write
from capture.probe import Limits, probe_file
from capture.rejections import Rejected
from capture.walk import iter_files
from ocr.pipeline import OcrOptions
from ocr.types import PageResult, PageSource
from sohoa.pool import WorkerPool
from sohoa.tasks import PageOutcome, PageTask, run_page_task, share_cores


@dataclass
class BatchSummary:
    files: int = 0
    pages: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def _write_json(path: Path, data: dict[str, object]) -> None:
    with atomic_write(path, durable=False) as tmp:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def run_batch(
    paths: Iterable[Path],
    out_dir: Path,
    options: OcrOptions,
    limits: Limits,
    workers: int,
    *,
    pdf: bool = True,
    timeout_s: float = 300,
    on_page: Callable[[str, PageResult | None], None] | None = None,
) -> BatchSummary:
    out_dir.mkdir(parents=True, exist_ok=True)
    options = dataclasses.replace(options, thumbnail=False)  # the batch contract: a JSON and a PDF per page
    summary = BatchSummary()
    tasks: list[tuple[str, PageTask]] = []
    for path in iter_files(paths, accepted_only=True):
        summary.files += 1
        try:
            probe = probe_file(path, limits)
        except Rejected as rej:
            summary.refused.append((path.name, rej.reason.value))
            _write_json(
                out_dir / f"{path.stem}.error.json",
                {"error": rej.reason.value, "message": rej.reason.message, "detail": rej.detail},
            )
            continue
        for i in range(probe.page_count):
            stem = path.stem if probe.page_count == 1 else f"{path.stem}-p{i + 1:04d}"
            pdf_out = out_dir / f"{stem}.pdf" if pdf else None
            tasks.append((stem, PageTask(PageSource(path, probe.media_type, i), options, pdf_out)))
    pending = list(reversed(tasks))
    size = max(1, min(workers, len(tasks) or 1))
    with WorkerPool(size, run_page_task, timeout_s, partial(share_cores, size)) as pool:
        while pending or pool.busy():
            while pending and pool.idle():
                stem, task = pending.pop()
                pool.submit(stem, task)
            for outcome in pool.poll(0.5):
                if outcome.ok:
                    page: PageOutcome = outcome.value
                    result = page.result
                    data = result.prediction()
                    if page.reading is not None:
                        data.update(page.reading.prediction())
                    data["timings"] = result.timings
                    _write_json(out_dir / f"{outcome.task_id}.json", data)
                    summary.pages += 1
                    if on_page:
                        on_page(outcome.task_id, result)
                else:
                    summary.failed.append((outcome.task_id, f"{outcome.kind}: {outcome.detail}"))
                    _write_json(
                        out_dir / f"{outcome.task_id}.error.json",
                        {"error": str(outcome.kind), "detail": outcome.detail},
                    )
                    if on_page:
                        on_page(outcome.task_id, None)
    return summary
