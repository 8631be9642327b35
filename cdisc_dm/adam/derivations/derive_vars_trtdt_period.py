"""Treatment start/end per period from exposure records: TRxxSDT/TRxxEDT, and TRTSDT/TRTEDT overall.

ADaMIG 1.3 section 3.2.7 (ADSL treatment timing): TRxxSDT is the date of first exposure in period xx,
TRxxEDT the date of last exposure; TRTSDT/TRTEDT span all periods. Which period an exposure record
belongs to comes from a column (``period_var``, typically EPOCH) mapped to period numbers, e.g.
``{"BLINDED TREATMENT": 1, "OPEN LABEL TREATMENT": 2}``. Only valid doses count (``filter_ex``,
e.g. EXDOSE > 0, or EXTRT not "PLACEBO" is NOT what you want: a placebo injection is a dose of the
blinded treatment). Dates come from EXSTDTC/EXENDTC; a partial date is not imputed here (a dosing
date should be complete; impute upstream with :func:`derive_vars_dt` if the sponsor decides otherwise).
A missing EXENDTC falls back to EXSTDTC (a single-day administration such as an injection). Example::

    >>> import pandas as pd
    >>> adsl = pd.DataFrame({"USUBJID": ["1"]})
    >>> ex = pd.DataFrame({"USUBJID": ["1"] * 3, "EPOCH": ["BLINDED TREATMENT", "BLINDED TREATMENT", "OPEN LABEL TREATMENT"],
    ...                    "EXSTDTC": ["2024-01-01", "2024-03-25", "2024-04-02"], "EXENDTC": [None, None, "2024-06-30"]})
    >>> out = derive_vars_trtdt_period(adsl, ex, period_map={"BLINDED TREATMENT": 1, "OPEN LABEL TREATMENT": 2})
    >>> [out[c].dt.strftime("%Y-%m-%d")[0] for c in ["TR01SDT", "TR01EDT", "TR02SDT", "TR02EDT", "TRTSDT", "TRTEDT"]]
    ['2024-01-01', '2024-03-25', '2024-04-02', '2024-06-30', '2024-01-01', '2024-06-30']
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from .assert_data import DerivationError, as_list, assert_data_has_vars, resolve_filter
from .derive_vars_dt import compute_dt

__all__ = ["derive_vars_trtdt_period"]


def derive_vars_trtdt_period(
    dataset: pd.DataFrame,
    dataset_ex: pd.DataFrame,
    by_vars: str | Sequence[str] = ("USUBJID",),
    filter_ex: Callable | pd.Series | np.ndarray | None = None,
    *,
    period_var: str | None = "EPOCH",
    period_map: Mapping[str, int] | None = None,
    start_dtc: str = "EXSTDTC",
    end_dtc: str = "EXENDTC",
) -> pd.DataFrame:
    """Add TRxxSDT/TRxxEDT for each period in ``period_map`` and TRTSDT/TRTEDT (skipped when
    ``period_map`` is None: then only TRTSDT/TRTEDT)."""
    fn = "derive_vars_trtdt_period"
    by = as_list(by_vars)
    assert_data_has_vars(dataset, by, fn=fn)
    need = by + [start_dtc] + ([end_dtc] if end_dtc else []) + ([period_var] if period_map else [])
    assert_data_has_vars(dataset_ex, need, fn=fn, what="dataset_ex")
    new = ["TRTSDT", "TRTEDT"] + [f"TR{p:02d}{s}" for p in (period_map or {}).values() for s in ("SDT", "EDT")]
    clash = [c for c in new if c in dataset.columns]
    if clash:
        raise DerivationError(f"{fn}: {', '.join(clash)} already in dataset", hint="drop them before re-deriving")
    ex = dataset_ex.loc[resolve_filter(dataset_ex, filter_ex, fn=fn), need].reset_index(drop=True)
    st, _ = compute_dt(ex[start_dtc])
    en = compute_dt(ex[end_dtc])[0] if end_dtc else st
    ex["__st"] = st
    ex["__en"] = en.fillna(st)
    frames = [ex.groupby(by, dropna=False).agg(TRTSDT=("__st", "min"), TRTEDT=("__en", "max"))]
    if period_map:
        ex["__p"] = ex[period_var].map(dict(period_map))
        per = ex.dropna(subset=["__p"]).groupby(by + ["__p"], dropna=False).agg(SDT=("__st", "min"), EDT=("__en", "max"))
        wide = per.unstack("__p")
        wide.columns = [f"TR{int(p):02d}{s}" for s, p in wide.columns]
        frames.append(wide)
    table = pd.concat(frames, axis=1).reset_index()
    merged = dataset[by].merge(table, on=by, how="left", validate="many_to_one")
    out = dataset.copy(deep=False)  # columns get replaced, never written in place
    for col in new:
        out[col] = (merged[col] if col in merged else pd.Series(pd.NaT, index=merged.index)).astype("datetime64[s]").set_axis(dataset.index)
    return out


derive_vars_trtdt_period.method = (
    "TRxxSDT/TRxxEDT = first EXSTDTC / last EXENDTC (EXSTDTC when missing) of valid doses in period xx; "
    "TRTSDT/TRTEDT over all periods."
)
