"""Percent change from baseline PCHG = (AVAL - BASE) / |BASE| * 100 (ADaMIG 1.3 section 3.3.4).

PCHG is missing when BASE is 0 (undefined) or either value is missing. Example::

    >>> import pandas as pd
    >>> derive_var_pchg(pd.DataFrame({"AVAL": [150.0, 2.0], "BASE": [300.0, 0.0]}))["PCHG"].tolist()
    [-50.0, nan]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .assert_data import assert_data_has_vars

__all__ = ["derive_var_pchg", "compute_pchg"]


def compute_pchg(aval, base) -> np.ndarray:
    """(aval - base) / |base| * 100; NaN where base is 0 or anything is missing.

    The absolute value keeps the sign meaning "went up" for negative baselines (e.g. a change score).
    """
    a = np.asarray(aval, dtype="float64")
    b = np.asarray(base, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b != 0, (a - b) / np.abs(b) * 100.0, np.nan)


def derive_var_pchg(dataset: pd.DataFrame, new_var: str = "PCHG", *, source_var: str = "AVAL", base_var: str = "BASE") -> pd.DataFrame:
    """Return a copy with ``new_var`` = percent change of ``source_var`` from ``base_var``."""
    assert_data_has_vars(dataset, [source_var, base_var], fn="derive_var_pchg")
    out = dataset.copy(deep=False)  # columns get replaced, never written in place
    out[new_var] = compute_pchg(
        dataset[source_var].to_numpy(dtype="float64", na_value=np.nan),
        dataset[base_var].to_numpy(dtype="float64", na_value=np.nan),
    )
    return out


derive_var_pchg.method = "PCHG = (AVAL - BASE) / |BASE| x 100; missing when BASE is 0 or missing."
compute_pchg.method = derive_var_pchg.method
