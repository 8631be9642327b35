"""Dosing compliance in percent: 100 x (planned - missed) / planned administrations.

No CDISC standard defines compliance; ADaMIG 1.3 leaves it to the sponsor (ADSL may carry any
subject-level variable a population flag needs, section 3.2). The usual definition counts the doses
taken against the doses planned over a period; when the CRF collects the number of planned and of
missed administrations per dispensing interval (the IL-2 study's "Number of Injections Planned /
Missed"), the counts are summed over the period first (:func:`derive_var_merged_summary`). The
result is missing when nothing was planned (0 or missing) or the missed count is missing; a missed
count above the planned one is a data error and gives a negative value rather than hiding it. Example::

    >>> import pandas as pd
    >>> adsl = pd.DataFrame({"PLANNED": [42.0, 42.0, 0.0, None], "MISSED": [0.0, 9.0, 0.0, 1.0]})
    >>> derive_var_compliance(adsl, "COMPLPCT", planned_var="PLANNED", missed_var="MISSED")["COMPLPCT"].round(2).tolist()
    [100.0, 78.57, nan, nan]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .assert_data import DerivationError, assert_data_has_vars

__all__ = ["derive_var_compliance", "compute_compliance"]


def compute_compliance(planned: np.ndarray, missed: np.ndarray) -> np.ndarray:
    """``100 * (planned - missed) / planned``; NaN where planned is missing or not positive, or missed is missing.

    >>> compute_compliance(np.array([10.0, 10.0]), np.array([1.0, np.nan])).tolist()
    [90.0, nan]
    """
    planned = np.asarray(planned, dtype="float64")
    missed = np.asarray(missed, dtype="float64")
    ok = np.isfinite(planned) & (planned > 0) & np.isfinite(missed)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = 100.0 * (planned - missed) / planned
    return np.where(ok, pct, np.nan)


compute_compliance.method = "Compliance (%) = 100 x (planned - missed administrations) / planned administrations."


def derive_var_compliance(
    dataset: pd.DataFrame,
    new_var: str = "COMPLPCT",
    *,
    planned_var: str,
    missed_var: str,
) -> pd.DataFrame:
    """Return a copy of ``dataset`` with ``new_var`` = :func:`compute_compliance` of the two count columns."""
    fn = "derive_var_compliance"
    assert_data_has_vars(dataset, [planned_var, missed_var], fn=fn)
    if new_var in dataset.columns:
        raise DerivationError(f"{fn}: input already has {new_var}", hint="drop it before re-deriving")
    for col in (planned_var, missed_var):
        if not pd.api.types.is_numeric_dtype(dataset[col]) and not dataset[col].isna().all():
            raise DerivationError(f"{fn}: {col} is not numeric (dtype {dataset[col].dtype})",
                                  hint="sum the counts with derive_var_merged_summary, which reads numbers stored as text")
    out = dataset.copy(deep=False)
    out[new_var] = compute_compliance(dataset[planned_var].to_numpy(dtype="float64", na_value=np.nan),
                                      dataset[missed_var].to_numpy(dtype="float64", na_value=np.nan))
    return out


derive_var_compliance.method = compute_compliance.method
