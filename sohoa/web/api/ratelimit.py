"""Rate limits per API token: a token bucket in this process (``web.api_requests_per_minute``
refilled evenly, at most ``web.api_burst`` at once).

Guarantees: one token's calls never slow another's; a call over the limit is refused before any work
is done, with how many seconds to wait. Kept in memory: a restart refills every bucket (the limit
protects the office PC from a runaway script, it is not an accounting).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable


class TokenBuckets:
    def __init__(self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self._buckets: dict[int, tuple[float, float]] = {}  # token id → (tokens left, when counted)
        self._lock = threading.Lock()

    def take(self, key: int) -> float:
        """Take one call from ``key``'s bucket: 0 when allowed, else the seconds until one is."""
        now = self.clock()
        with self._lock:
            left, at = self._buckets.get(key, (self.burst, now))
            left = min(self.burst, left + (now - at) * self.rate)
            if left >= 1.0:
                self._buckets[key] = (left - 1.0, now)
                return 0.0
            self._buckets[key] = (left, now)
            return (1.0 - left) / self.rate if self.rate > 0 else math.inf
