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


def test_each_worker_process_gets_its_share_of_the_cores_replacements_too() -> None:
    from functools import partial

    from sohoa.tasks import core_share, share_cores
    from tests.pool_tasks import opencv_threads

    # Two OCR processes on a 4-core machine: 2 OpenCV threads each; 4 processes: 1 each.
    assert core_share(2, cores=4) == 2 and core_share(4, cores=4) == 1 and core_share(8, cores=2) == 1
    assert core_share(1, cores=4) == 4
    with WorkerPool(2, opencv_threads, timeout_s=30, initializer=partial(share_cores, 2, 6)) as pool:
        out = _drain(pool, ["a", "crash", "b", "c"])
    assert out["1:crash"] == OcrFailure.WORKER_CRASHED
    assert [out[k] for k in ("0:a", "2:b", "3:c")] == [3, 3, 3]  # the process started after the crash too
