"""Beyond one PC: the OCR stage run by Celery workers on other machines, Redis as the broker,
one shared PostgreSQL database and one shared data folder.

Without ``broker_url`` nothing here is used: ``sohoa run`` OCRs in its own process pool. With it,
``sohoa run`` (the desk: hot folder, intake, web desk) hands queued pages to the broker
(:mod:`.dispatcher`), and ``sohoa worker`` on any machine runs them (:mod:`.worker`,
:mod:`.tasks`) — with the same stage functions as the embedded runner (:mod:`sohoa.stage`). The
database decides who processes a page (:mod:`indexer.dispatch`); a message is only a hint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from config import Settings

if TYPE_CHECKING:
    from sohoa.app import App
    from sohoa.runner import Runner, Snapshot

TASK_NAME = "sohoa.ocr_page"


def enabled(settings: Settings) -> bool:
    return bool(settings.broker_url)


def soft_limit_s(settings: Settings) -> float:
    """A page still running after this is stopped inside the task and recorded as a timeout."""
    return float(settings.ocr.page_timeout_s)


def hard_limit_s(settings: Settings) -> float:
    """The worker process is killed after this (a page stuck in Tesseract's C code)."""
    t = settings.ocr.page_timeout_s
    return float(t + max(10, t // 4))


def run_lease_s(settings: Settings) -> float:
    """How long a started page is a worker's before another host may take it (its host died)."""
    return 2 * hard_limit_s(settings)


def dispatch_lease_s(settings: Settings) -> float:
    """How long a dispatched page may wait for a worker before it is dispatched again."""
    return 2 * hard_limit_s(settings) + 60


def make_runner(app: App, *, watch: bool = True, on_status: Callable[[Snapshot], None] | None = None) -> Runner:
    """``sohoa run``'s runner: Celery workers do the pages when a broker is set, else the pool here."""
    if enabled(app.settings):
        from sohoa.distributed.dispatcher import CeleryRunner

        return CeleryRunner(app, watch=watch, on_status=on_status)
    from sohoa.runner import Runner

    return Runner(app, watch=watch, on_status=on_status)
