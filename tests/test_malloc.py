"""tune_malloc: glibc accepts the settings on Linux, and a process using them computes the same."""
from __future__ import annotations

import subprocess
import sys

import pytest

from cdisc_dm._malloc import tune_malloc


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc malloc settings are Linux-only")
def test_glibc_accepts_the_settings():
    import ctypes.util

    if "musl" in (ctypes.util.find_library("c") or ""):
        pytest.skip("musl libc has no mallopt")
    assert tune_malloc() is True


def test_results_do_not_depend_on_the_settings():
    code = ("import sys, numpy as np; from cdisc_dm._malloc import tune_malloc;"
            "tune_malloc() if sys.argv[1] == 'on' else None;"
            "a = [np.arange(5_000_000, dtype=float) * k for k in range(4)];"
            "print(float(sum(x.sum() for x in a)))")
    on = subprocess.run([sys.executable, "-c", code, "on"], capture_output=True, text=True, check=True).stdout
    off = subprocess.run([sys.executable, "-c", code, "off"], capture_output=True, text=True, check=True).stdout
    assert on == off and float(on) > 0
