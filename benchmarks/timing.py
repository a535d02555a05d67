"""Timing for the Python benchmarks: the median wall time of repeated calls, and a time as the
tables of docs/performance.md write it."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def timed(f: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall time of ``repeat`` calls and the last result."""
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def human(seconds: float) -> str:
    """A time for the table: "1.35 s", "84.1 ms", "312 µs"."""
    if seconds >= 1:
        return f"{seconds:.3g} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds * 1e6:.3g} µs"
