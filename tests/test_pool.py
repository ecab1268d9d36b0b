"""The supervised pool survives crashing, hanging and failing tasks."""
from __future__ import annotations

import time

from ocr.types import OcrFailure
from sohoa.pool import WorkerPool
from tests.pool_tasks import task


def _drain(pool: WorkerPool, jobs: list[str]) -> dict[str, object]:
    pending = list(enumerate(jobs))
    out: dict[str, object] = {}
    end = time.monotonic() + 60
    while (pending or pool.busy()) and time.monotonic() < end:
        while pending and pool.idle():
            i, payload = pending.pop(0)
            pool.submit(f"{i}:{payload}", payload)
        for o in pool.poll(0.2):
            out[o.task_id] = o.value if o.ok else o.kind
    return out


def test_crash_hang_and_errors_cost_only_their_own_task() -> None:
    with WorkerPool(2, task, timeout_s=3) as pool:
        out = _drain(pool, ["a", "crash", "b", "hang", "bad", "bug", "c"])
        assert out == {
            "0:a": "A",
            "1:crash": OcrFailure.WORKER_CRASHED,
            "2:b": "B",
            "3:hang": OcrFailure.TIMEOUT,
            "4:bad": OcrFailure.BAD_INPUT,
            "5:bug": OcrFailure.ENGINE_ERROR,
            "6:c": "C",
        }
        assert pool.size == 2 and all(w.process.is_alive() for w in pool.workers)
