"""Timing shared by the bench scripts (imported as `_common`: each script's folder is on sys.path)."""

from __future__ import annotations

import statistics
import time


def median_seconds(fn, runs: int) -> float:
    """Median wall time of `runs` calls: the median shrugs off one run slowed by the machine."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
