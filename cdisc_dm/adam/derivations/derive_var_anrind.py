"""Analysis reference range indicator ANRIND (ADaMIG 1.3 BDS "ANRIND"; BNRIND = ANRIND at baseline).

LOW when AVAL < ANRLO, HIGH when AVAL > ANRHI, NORMAL otherwise; a limit equal to the value is
normal (ranges are inclusive, as lab ranges are published). With only one limit present the other
side is open. Missing when AVAL is missing or both limits are missing. Example::

    >>> import pandas as pd
    >>> lb = pd.DataFrame({"AVAL": [20.0, 40.0, 200.0, 5.0], "ANRLO": [30.0, 30.0, 30.0, None], "ANRHI": [190.0, 190.0, 190.0, None]})
    >>> derive_var_anrind(lb)["ANRIND"].tolist()
    ['LOW', 'NORMAL', 'HIGH', nan]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ._frame import take_str
from .assert_data import assert_data_has_vars

__all__ = ["derive_var_anrind", "compute_anrind"]


def compute_anrind(aval, lo, hi, values: tuple[str, str, str] = ("LOW", "NORMAL", "HIGH")) -> np.ndarray:
    """Codes into ``values`` (0 low, 1 normal, 2 high; -1 undetermined), per record."""
    a = np.asarray(aval, dtype="float64")
    lo = np.asarray(lo, dtype="float64")
    hi = np.asarray(hi, dtype="float64")
    known = ~np.isnan(a) & (~np.isnan(lo) | ~np.isnan(hi))
    low = known & ~np.isnan(lo) & (a < lo)
    high = known & ~np.isnan(hi) & (a > hi)
    return np.select([low, high, known], [0, 2, 1], default=-1)


def derive_var_anrind(
    dataset: pd.DataFrame,
    new_var: str = "ANRIND",
    *,
    source_var: str = "AVAL",
    lo_var: str = "ANRLO",
    hi_var: str = "ANRHI",
    values: tuple[str, str, str] = ("LOW", "NORMAL", "HIGH"),
) -> pd.DataFrame:
    """Return a copy with ``new_var`` from ``source_var`` against [``lo_var``, ``hi_var``]."""
    assert_data_has_vars(dataset, [source_var, lo_var, hi_var], fn="derive_var_anrind")
    out = dataset.copy(deep=False)  # columns get replaced, never written in place
    res = compute_anrind(
        dataset[source_var].to_numpy(dtype="float64", na_value=np.nan),
        dataset[lo_var].to_numpy(dtype="float64", na_value=np.nan),
        dataset[hi_var].to_numpy(dtype="float64", na_value=np.nan),
        values,
    )
    out[new_var] = take_str(list(values), res, dataset.index)
    return out


derive_var_anrind.method = "ANRIND = LOW if AVAL < ANRLO, HIGH if AVAL > ANRHI, else NORMAL (limits inclusive)."
compute_anrind.method = derive_var_anrind.method
