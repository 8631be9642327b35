"""Analysis date-times from partial ISO 8601 date-times with --DTF/--TMF flags (admiral ``derive_vars_dtm``).

The date part is handled exactly as :func:`derive_vars_dt.compute_dt` (same imputation rules and
min/max reference dates). The time part: "Thh:mm:ss", "Thh:mm" or "Thh"; missing components are
imputed to the start ("first": 00:00:00) or end ("last": 23:59:59) when ``time_imputation`` allows it;
--TMF = "H" when the hour was imputed, "M" minutes, "S" seconds only. A min/max reference date-time
(e.g. TRTSDTM) replaces the imputed value when the partial date-time covers it: "2024-03-15" or
"2024-03-15T09" covers a first dose at 09:00, "2024-03-15T08" does not. Example::

    >>> import pandas as pd
    >>> lb = pd.DataFrame({"LBDTC": ["2024-03-20T08:30", "2024-03-20", "2024-03-20T08:30:15"]})
    >>> out = derive_vars_dtm(lb, "A", "LBDTC", highest_imputation="h")
    >>> out["ADTM"].dt.strftime("%H:%M:%S").tolist(), out["ATMF"].tolist()
    (['08:30:00', '00:00:00', '08:30:15'], ['S', 'H', nan])
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._frame import STR_DTYPE, distinct_rows
from .assert_data import DerivationError, as_list, assert_data_has_vars
from .derive_vars_dt import compute_dt

__all__ = ["derive_vars_dtm"]

_TIME_RE = r"T(\d{2})(?::(\d{2})(?::(\d{2}))?)?"
_LEVELS = {"n": 0, "s": 1, "m": 2, "h": 3, "D": 4, "M": 5, "Y": 6}


def derive_vars_dtm(
    dataset: pd.DataFrame,
    new_vars_prefix: str,
    dtc: str,
    *,
    highest_imputation: str = "h",
    date_imputation: str = "first",
    time_imputation: str = "first",
    flag_imputation: bool = True,
    min_dates: str | Sequence[str] | None = None,
    max_dates: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Add ``<prefix>DTM``, ``<prefix>DTF`` and ``<prefix>TMF``.

    ``highest_imputation``: "n" none, "s" seconds, "m" minutes, "h" hours (date must be complete),
    "D"/"M"/"Y" also impute the date (then the time is always imputed).
    """
    fn = "derive_vars_dtm"
    if highest_imputation not in _LEVELS:
        raise DerivationError(f"{fn}: highest_imputation must be one of {', '.join(_LEVELS)}; got {highest_imputation!r}")
    if time_imputation not in ("first", "last"):
        raise DerivationError(f"{fn}: time_imputation must be 'first' or 'last'; got {time_imputation!r}")
    mins, maxs = as_list(min_dates), as_list(max_dates)
    assert_data_has_vars(dataset, [dtc] + mins + maxs, fn=fn)
    level = _LEVELS[highest_imputation]
    # the result depends only on the row's date-time text and reference dates: compute once per
    # distinct combination and spread back
    first, ids = distinct_rows(dataset, list(dict.fromkeys([dtc] + mins + maxs)))
    work = dataset.iloc[first].reset_index(drop=True)
    raw = work[dtc]
    date_level = {4: "D", 5: "M", 6: "Y"}.get(level, "n")
    date, dtf = compute_dt(raw, highest_imputation=date_level, date_imputation=date_imputation,
                           min_dates=[work[c] for c in mins], max_dates=[work[c] for c in maxs])
    t = pd.Series(raw, dtype=STR_DTYPE).str.extract(_TIME_RE).apply(pd.to_numeric, errors="coerce").to_numpy(dtype="float64")
    hh, mi, ss = t[:, 0], t[:, 1], t[:, 2]
    fill = (0.0, 0.0, 0.0) if time_imputation == "first" else (23.0, 59.0, 59.0)
    miss_h, miss_m, miss_s = np.isnan(hh), np.isnan(mi), np.isnan(ss)
    needed = np.select([miss_h, miss_m, miss_s], [3, 2, 1], default=0)
    ok = date.notna().to_numpy() & (needed <= level)
    secs = (np.where(miss_h, fill[0], hh) * 3600 + np.where(miss_m, fill[1], mi) * 60 + np.where(miss_s, fill[2], ss))
    dtm = (date + pd.to_timedelta(np.where(ok, secs, 0), unit="s")).where(ok)
    # the moments the partial time could stand for, to apply min/max reference date-times only when
    # they are covered ("T08" covers 08:00:00-08:59:59, a missing time the whole day)
    lo = date + pd.to_timedelta(np.where(ok, np.where(miss_h, 0, hh) * 3600 + np.where(miss_m, 0, mi) * 60
                                         + np.where(miss_s, 0, ss), 0), unit="s")
    hi = date + pd.to_timedelta(np.where(ok, np.where(miss_h, 23, hh) * 3600 + np.where(miss_m, 59, mi) * 60
                                         + np.where(miss_s, 59, ss), 0), unit="s")
    for ref_col in mins + maxs:
        ref = work[ref_col]
        if pd.api.types.is_datetime64_any_dtype(ref):
            covers = ok & (needed > 0) & (ref >= lo).to_numpy(dtype=bool, na_value=False) \
                & (ref <= hi).to_numpy(dtype=bool, na_value=False)
            pick = covers & ((ref > dtm) if ref_col in mins else (ref < dtm)).to_numpy(dtype=bool, na_value=False)
            dtm = dtm.where(~pick, ref)
    tmf = np.select([ok & miss_h, ok & miss_m, ok & miss_s], ["H", "M", "S"], default="").astype(object)
    tmf[tmf == ""] = None
    out = dataset.copy(deep=False)  # columns get replaced, never written in place
    out[f"{new_vars_prefix}DTM"] = dtm.take(ids).set_axis(dataset.index)
    if flag_imputation:
        out[f"{new_vars_prefix}DTF"] = dtf.take(ids).set_axis(dataset.index)
        out[f"{new_vars_prefix}TMF"] = pd.Series(tmf[ids], index=dataset.index, dtype=STR_DTYPE)
    return out


derive_vars_dtm.method = (
    "--DTM from --DTC (ISO 8601); missing time components imputed to 00:00:00 (start) or 23:59:59 (end), "
    "date imputed as for --DT; --DTF/--TMF record the imputation level."
)
