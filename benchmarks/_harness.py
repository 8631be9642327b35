"""Tiny shared benchmark helper: run a function in a fresh process, time it, report peak RSS.

    >>> from _harness import measure
    >>> seconds, peak_mb, result = measure(build_and_write, 100_000)  # doctest: +SKIP

``fn`` must be importable (module level) because it runs under the "spawn" start method,
so the peak resident memory is that of the work alone, not of the parent.
"""
from __future__ import annotations

import multiprocessing
import resource
import time


def _run(fn, args):
    start = time.perf_counter()
    result = fn(*args)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    return seconds, peak_mb, result


def measure(fn, *args):
    """Return (seconds, peak RSS in MB, fn's result) of ``fn(*args)`` run in a fresh process."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_run, (fn, args))
