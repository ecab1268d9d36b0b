"""Run commands alone or N at a time, with wall clock and the rusage of each child.

``os.wait4`` gives each child's CPU time and ``ru_maxrss`` (the largest RSS of the child or of
any descendant it waited for), which cross-checks the /proc sampling in ``memory``.
"""

from __future__ import annotations

import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path


@dataclass
class ProcResult:
    key: str
    rc: int
    wall_s: float
    cpu_s: float  # user + system of the child and its waited-for descendants
    maxrss_mb: float
    log: Path | None = None


def run(
    key: str,
    cmd: list[str],
    env: dict[str, str],
    stdout: Path | None = None,
    log: Path | None = None,
    cwd: Path | None = None,
) -> ProcResult:
    """Run ``cmd``; stdout to ``stdout`` (else discarded), stderr to ``log`` (else discarded)."""
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL  # noqa: SIM115 -- closed in the finally below
    err = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 -- closed in the finally below
    try:
        start = time.monotonic()
        p = subprocess.Popen(cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - start
        p.returncode = os.waitstatus_to_exitcode(status)
    finally:
        for f in (out, err):
            if f is not subprocess.DEVNULL:
                f.close()
    return ProcResult(key, p.returncode, wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, log)


@dataclass
class Job:
    key: str
    cmd: list[str]
    stdout: Path | None = None
    log: Path | None = None


def run_many(
    jobs: list[Job], parallel: int, env: dict[str, str], cwd: Path | None = None
) -> tuple[list[ProcResult], float]:
    """Run ``jobs`` with at most ``parallel`` at once, in order; returns results and wall clock."""
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
        results = list(pool.map(lambda j: run(j.key, j.cmd, env, j.stdout, j.log, cwd), jobs))
    return results, time.monotonic() - start


def tail(path: Path | None, lines: int = 3) -> str:
    if not path or not path.exists():
        return ""
    text = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return " | ".join(text[-lines:])
