"""Treatment-emergent flag TRTEMFL for OCCDS (ADaM OCCDS v1.1 section 3.3.6; ICH E9 "treatment emergent").

TRTEMFL = "Y" when the event starts on or after the first dose (ASTDT >= TRTSDT) and no later than the
last dose plus a lag window (ASTDT <= TRTEDT + ``end_window`` days; a missing TRTEDT, e.g. still on
treatment at data cut, leaves it open). Events of never-dosed subjects (TRTSDT missing) are not
emergent. A missing start date (after imputation) is treated as emergent when the end date is missing
or on/after TRTSDT, because the event cannot be shown to predate dosing (the conservative rule admiral
also applies). Example::

    >>> import pandas as pd
    >>> ae = pd.DataFrame({"ASTDT": pd.to_datetime(["2024-03-14", "2024-03-15", "2024-05-10", None]), "AENDT": pd.to_datetime([None] * 4),
    ...                    "TRTSDT": pd.to_datetime(["2024-03-15"] * 4), "TRTEDT": pd.to_datetime(["2024-05-01"] * 4)})
    >>> derive_var_trtemfl(ae, end_window=7)["TRTEMFL"].tolist()
    [nan, 'Y', nan, 'Y']
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ._frame import as_datetime, flag_series
from .assert_data import assert_data_has_vars

__all__ = ["derive_var_trtemfl"]


def derive_var_trtemfl(
    dataset: pd.DataFrame,
    new_var: str = "TRTEMFL",
    *,
    start_date: str = "ASTDT",
    end_date: str = "AENDT",
    trt_start_date: str = "TRTSDT",
    trt_end_date: str = "TRTEDT",
    end_window: int | None = 0,
) -> pd.DataFrame:
    """Return a copy with ``new_var`` = "Y" for treatment-emergent events, missing otherwise.

    ``end_window=None`` drops the upper bound (every event on or after the first dose is emergent, the
    CDISC pilot's rule).
    """
    fn = "derive_var_trtemfl"
    need = [start_date, trt_start_date, trt_end_date] + ([end_date] if end_date else [])
    assert_data_has_vars(dataset, need, fn=fn)
    st = as_datetime(dataset[start_date]).dt.normalize()
    trs = as_datetime(dataset[trt_start_date]).dt.normalize()
    tre = as_datetime(dataset[trt_end_date]).dt.normalize() + pd.Timedelta(days=end_window or 0)
    if end_window is None:
        tre = pd.Series(pd.NaT, index=dataset.index, dtype=tre.dtype)
    dosed = trs.notna().to_numpy()
    after_start = (st >= trs).to_numpy(dtype=bool, na_value=False)
    before_end = (tre.isna() | (st <= tre)).to_numpy(dtype=bool, na_value=False)
    emergent = dosed & after_start & before_end
    if end_date:
        en = as_datetime(dataset[end_date]).dt.normalize()
        unknown_start = st.isna().to_numpy() & dosed & (en.isna() | (en >= trs)).to_numpy(dtype=bool, na_value=False)
        emergent |= unknown_start
    out = dataset.copy(deep=False)  # columns get replaced, never written in place
    out[new_var] = flag_series(np.asarray(emergent), dataset.index)
    return out


derive_var_trtemfl.method = (
    "TRTEMFL = 'Y' if TRTSDT <= ASTDT <= TRTEDT + lag days (TRTEDT missing: no upper bound), or if ASTDT is "
    "missing and AENDT is missing or on/after TRTSDT."
)
