"""Multiple of the upper limit of normal (x ULN), e.g. R2ANRHI / R2A1HI in ADaM lab datasets.

Used for the muscle-enzyme core set measure: the "most abnormal" enzyme is the one with the
highest multiple of ULN at baseline (IMACS; Rider et al., Arthritis Care Res 2011), and for the
inclusion criterion "at least one muscle enzyme >= 1.3 x ULN". Example::

    >>> compute_uln_multiple([390.0, 100.0, 5.0], [195.0, 0.0, None]).tolist()
    [2.0, nan, nan]
"""
from __future__ import annotations

import numpy as np

__all__ = ["compute_uln_multiple"]


def compute_uln_multiple(aval, uln) -> np.ndarray:
    """``aval / uln``; NaN when either is missing or the ULN is not positive (no meaningful ratio)."""
    a = np.asarray(aval, dtype="float64")
    u = np.asarray(uln, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(u > 0, a / u, np.nan)


compute_uln_multiple.method = "Multiple of ULN = AVAL / ANRHI (missing when ANRHI is missing or not positive)."
