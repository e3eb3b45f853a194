"""Small timing helpers shared by the benchmark scripts."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(fn: Callable[[], object], repeat: int, warmup: int = 2) -> float:
    """Median wall time of `fn()` over `repeat` calls, after `warmup` calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def repeats_for(seconds_per_call: float, budget: float = 1.5, low: int = 5,
                high: int = 500) -> int:
    """How many repeats fit in `budget` seconds."""
    return max(low, min(high, int(budget / max(seconds_per_call, 1e-6))))
