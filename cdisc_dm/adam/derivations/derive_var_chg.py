"""Change from baseline CHG = AVAL - BASE (ADaMIG 1.3 section 3.3.4).

Example::

    >>> import pandas as pd
    >>> derive_var_chg(pd.DataFrame({"AVAL": [150.0, None], "BASE": [280.0, 280.0]}))["CHG"].tolist()
    [-130.0, nan]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .assert_data import assert_data_has_vars

__all__ = ["derive_var_chg", "compute_chg"]


def compute_chg(aval, base) -> np.ndarray:
    """AVAL - BASE, missing when either is missing."""
    return np.asarray(aval, dtype="float64") - np.asarray(base, dtype="float64")


def derive_var_chg(dataset: pd.DataFrame, new_var: str = "CHG", *, source_var: str = "AVAL", base_var: str = "BASE") -> pd.DataFrame:
    """Return a copy with ``new_var`` = ``source_var`` - ``base_var``.

    Like admiral, CHG is computed on every record, baseline included (0 there); a sponsor who wants
    CHG missing on baseline and pre-baseline records blanks it with a filter afterwards.
    """
    assert_data_has_vars(dataset, [source_var, base_var], fn="derive_var_chg")
    out = dataset.copy(deep=False)  # columns get replaced, never written in place
    out[new_var] = compute_chg(
        dataset[source_var].to_numpy(dtype="float64", na_value=np.nan),
        dataset[base_var].to_numpy(dtype="float64", na_value=np.nan),
    )
    return out


derive_var_chg.method = "CHG = AVAL - BASE (missing when either is missing)."
compute_chg.method = derive_var_chg.method
