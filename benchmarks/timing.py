"""Timing one call, for the micro-benchmarks that compare ways in one process."""

from __future__ import annotations

import time
from collections.abc import Callable


def per_call_ms(fn: Callable[[], object], repeat: int) -> float:
    """Milliseconds a call of ``fn`` takes, on average over ``repeat`` calls after one
    that is not counted (it fills the caches the others find)."""
    fn()
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat * 1000
