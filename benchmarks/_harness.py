"""Tiny shared benchmark helper: run a function in a fresh process, time it, report peak RSS.

    >>> from _harness import measure
    >>> seconds, peak_mb, result = measure(build_and_write, 100_000)  # doctest: +SKIP

``fn`` must be importable (module level) because it runs under the "spawn" start method,
so the peak resident memory is that of the work alone, not of the parent. The child applies the
malloc settings the ``cdisc-dm`` command applies at start (``cdisc_dm._malloc.tune_malloc``), so
the figures are those of the command.
"""
from __future__ import annotations

import multiprocessing
import resource
import time


def _reset_peak() -> bool:
    # On Linux a spawned child inherits the parent's RSS high-water mark across fork+exec, so
    # getrusage would report the parent's peak; writing "5" to clear_refs resets VmHWM.
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _peak_mb(reset: bool) -> float:
    if reset:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _run(fn, args):
    from cdisc_dm._malloc import tune_malloc

    tune_malloc()  # as cdisc_dm.cli.main does
    reset = _reset_peak()
    start = time.perf_counter()
    result = fn(*args)
    seconds = time.perf_counter() - start
    return seconds, _peak_mb(reset), result


def measure(fn, *args):
    """Return (seconds, peak RSS in MB, fn's result) of ``fn(*args)`` run in a fresh process."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_run, (fn, args))
