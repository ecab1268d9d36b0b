"""Other load on the machine: the benchmark shares it, so it measures what else ran.

``/proc/stat`` gives the CPU time all processes used; minus the CPU time of the system under
test (its children's rusage) and of the benchmark itself, that is the *foreign* load, in cores,
averaged over the run. Before each system, :func:`wait_quiet` waits a while for that load to
drop, so one system is not timed while another session's test suite is running.
"""

from __future__ import annotations

import os
import resource
import time

HZ = os.sysconf("SC_CLK_TCK")


def busy_s() -> float:
    """CPU seconds used on the machine since boot (user nice system irq softirq steal)."""
    with open("/proc/stat", encoding="ascii") as f:
        fields = f.readline().split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / HZ


def self_cpu_s() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


class Window:
    """``with Window() as w: ...``; then ``w.foreign_cores(children_cpu_s)``."""

    def __enter__(self) -> Window:
        self.t0, self.busy0, self.self0 = time.monotonic(), busy_s(), self_cpu_s()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.monotonic() - self.t0
        self.busy = busy_s() - self.busy0
        self.own = self_cpu_s() - self.self0

    def foreign_cores(self, children_cpu_s: float | None) -> float | None:
        if children_cpu_s is None or self.wall <= 0:
            return None
        return max(0.0, (self.busy - self.own - children_cpu_s) / self.wall)


def current_load(window_s: float = 1.0) -> float:
    """Cores busy over the next ``window_s`` seconds (the benchmark itself is idle meanwhile)."""
    b0, t0 = busy_s(), time.monotonic()
    time.sleep(window_s)
    return (busy_s() - b0) / (time.monotonic() - t0)


def wait_quiet(max_wait_s: float, threshold_cores: float = 0.3) -> tuple[float, float]:
    """Wait until less than ``threshold_cores`` are busy, at most ``max_wait_s``.

    Returns (the last measured load in cores, seconds waited)."""
    start = time.monotonic()
    load = current_load()
    while load > threshold_cores and time.monotonic() - start < max_wait_s:
        load = current_load(2.0)
    return load, time.monotonic() - start
