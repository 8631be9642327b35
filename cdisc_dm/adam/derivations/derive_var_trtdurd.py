"""Treatment duration in days: TRTDURD = TRTEDT - TRTSDT + 1 (admiral ``derive_var_trtdurd``).

ADaMIG 1.3 section 3.2.7 (ADSL "Trial Experience"): TRTDURD is the total treatment duration in days and
TRxxDURD the duration in period xx; both count the first and the last day of treatment, so a subject
dosed on a single day has a duration of 1. The duration is missing when either date is missing. An
end before the start (a data error) gives zero or a negative duration rather than a silent missing,
so that it can be found. Example::

    >>> import pandas as pd
    >>> adsl = pd.DataFrame({"TRTSDT": pd.to_datetime(["2024-01-01", "2024-01-01", None]),
    ...                      "TRTEDT": pd.to_datetime(["2024-01-01", "2024-03-31", "2024-03-31"])})
    >>> derive_var_trtdurd(adsl)["TRTDURD"].tolist()
    [1.0, 91.0, nan]
    >>> p = pd.DataFrame({"TR01SDT": pd.to_datetime(["2024-01-01"]), "TR01EDT": pd.to_datetime(["2024-01-10"])})
    >>> derive_var_trtdurd(p, "TR01DURD", start_date="TR01SDT", end_date="TR01EDT")["TR01DURD"].tolist()
    [10.0]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ._frame import as_datetime
from .assert_data import DerivationError, assert_data_has_vars

__all__ = ["derive_var_trtdurd", "compute_duration_days"]


def compute_duration_days(start: pd.Series, end: pd.Series) -> np.ndarray:
    """``end - start + 1`` in whole calendar days (times of day are ignored); NaN when either is missing.

    >>> compute_duration_days(pd.Series(pd.to_datetime(["2024-02-28T23:00"])), pd.Series(pd.to_datetime(["2024-03-01T01:00"]))).tolist()
    [3.0]
    """
    s = as_datetime(start).dt.normalize()
    e = as_datetime(end).dt.normalize()
    return ((e - s) / pd.Timedelta(days=1)).to_numpy(dtype="float64", na_value=np.nan) + 1.0


compute_duration_days.method = "Duration in days = end date - start date + 1 (missing when either date is missing)."


def derive_var_trtdurd(
    dataset: pd.DataFrame,
    new_var: str = "TRTDURD",
    *,
    start_date: str = "TRTSDT",
    end_date: str = "TRTEDT",
) -> pd.DataFrame:
    """Return a copy of ``dataset`` with ``new_var`` = ``end_date`` - ``start_date`` + 1 days."""
    fn = "derive_var_trtdurd"
    assert_data_has_vars(dataset, [start_date, end_date], fn=fn)
    if new_var in dataset.columns:
        raise DerivationError(f"{fn}: input already has {new_var}", hint="drop it before re-deriving")
    for col in (start_date, end_date):
        series = dataset[col]
        if not (pd.api.types.is_datetime64_any_dtype(series) or series.isna().all()):
            raise DerivationError(f"{fn}: {col} is not a date column (dtype {series.dtype})",
                                  hint="derive it with derive_vars_dt or derive_vars_trtdt_period first")
    out = dataset.copy(deep=False)
    out[new_var] = compute_duration_days(dataset[start_date], dataset[end_date])
    return out


derive_var_trtdurd.method = "Treatment duration (days) = end date - start date + 1 (missing when either date is missing)."
