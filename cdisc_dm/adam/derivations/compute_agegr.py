"""Age groups from a breaks table (AGEGR1/AGEGR1N in ADSL, ADaMIG 1.3 section 3.2.2).

A breaks table is data: one row per group with an inclusive lower bound and an exclusive upper bound
(NaN = open)::

    AGEGR1   AGEGR1N  lower  upper
    <65      1        NaN    65
    65-80    2        65     81
    >80      3        81     NaN

An age in no group (or a missing age) gets a missing group; overlapping groups are an error.
Example::

    >>> import pandas as pd
    >>> breaks = pd.DataFrame({"AGEGR1": ["<65", "65-80", ">80"], "AGEGR1N": [1, 2, 3], "lower": [None, 65, 81], "upper": [65, 81, None]})
    >>> compute_agegr([64.9, 65, 80, 81, None], breaks)["AGEGR1"].tolist()
    ['<65', '65-80', '65-80', '>80', nan]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ._frame import STR_DTYPE
from .assert_data import DerivationError, assert_data_has_vars

__all__ = ["compute_agegr"]


def compute_agegr(age, breaks: pd.DataFrame, *, lower: str = "lower", upper: str = "upper") -> pd.DataFrame:
    """A frame with the breaks table's label columns (every column but ``lower``/``upper``), one row per age."""
    fn = "compute_agegr"
    assert_data_has_vars(breaks, [lower, upper], fn=fn, what="breaks table")
    lo = breaks[lower].to_numpy(dtype="float64", na_value=-np.inf)
    hi = breaks[upper].to_numpy(dtype="float64", na_value=np.inf)
    if np.any(lo >= hi):
        raise DerivationError(f"{fn}: every group needs lower < upper; check rows {np.flatnonzero(lo >= hi).tolist()}")
    order = np.argsort(lo, kind="stable")
    if np.any(lo[order][1:] < hi[order][:-1]):
        raise DerivationError(f"{fn}: age groups overlap", hint="upper bounds are exclusive: use 65 then 65, not 64 then 65")
    a = np.asarray(pd.to_numeric(pd.Series(age), errors="coerce"), dtype="float64")
    pos = np.searchsorted(lo[order], a, side="right") - 1
    hit = ~np.isnan(a) & (pos >= 0)
    hit[hit] &= a[hit] < hi[order][pos[hit]]
    row = order[np.where(hit, pos, 0)]
    labels = breaks.drop(columns=[lower, upper]).reset_index(drop=True)
    out = labels.iloc[row].reset_index(drop=True).where(pd.Series(hit), None)
    for col in out.columns:
        if labels[col].dtype.kind in "if":
            out[col] = out[col].astype("float64")
        else:
            out[col] = out[col].astype(STR_DTYPE)
    return out


compute_agegr.method = "Age group from the breaks table: lower bound inclusive, upper bound exclusive."
