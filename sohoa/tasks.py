"""What a worker process runs for one page. One Tesseract engine per process, reused."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ocr.pipeline import OcrOptions, process_page
from ocr.tesseract import Tesseract
from ocr.types import PageResult, PageSource

_engine: Tesseract | None = None
_engine_key: tuple[str, str, str] | None = None


@dataclass(frozen=True)
class PageTask:
    source: PageSource
    options: OcrOptions
    pdf_out: Path | None = None


def engine_for(options: OcrOptions) -> Tesseract:
    global _engine, _engine_key
    key = (options.languages, options.engine, str(options.tessdata_dir))
    if _engine is None or _engine_key != key:
        if _engine is not None:
            _engine.close()
        _engine = Tesseract(options.languages, options.engine, options.tessdata_dir)
        _engine_key = key
    return _engine


def run_page_task(task: PageTask) -> PageResult:
    return process_page(task.source, task.options, engine_for(task.options), task.pdf_out)
