"""Analysis visits from analysis windows: AVISIT, AVISITN, AWTARGET, AWLO, AWHI, AWTDIFF, AWU.

ADaMIG 1.3 section 3.3.3 (timing variables for BDS: AWRANGE/AWTARGET/AWTDIFF/AWLO/AWHI/AWU).
The windows are data (a table), not code::

    AVISIT     AVISITN  AWTARGET  AWLO  AWHI
    Baseline   0        1         -28   1
    Week 4     4        29        2     43
    Week 8     8        57        44    71

Bounds are inclusive study days (no day 0, SDTMIG 3.4 section 4.4.4). Windows must not overlap (an
error names the pair); a record whose day falls in no window keeps missing AVISIT (kept, never dropped).
AWTDIFF = |ADY - AWTARGET| counted in calendar days, so day -1 is 1 day from day 1, not 2.
Example::

    >>> import pandas as pd
    >>> w = pd.DataFrame({"AVISIT": ["Baseline", "Week 4"], "AVISITN": [0, 4], "AWTARGET": [1, 29], "AWLO": [-28, 2], "AWHI": [1, 43]})
    >>> derive_vars_avisit(pd.DataFrame({"ADY": [-1, 30, 60]}), w)["AVISIT"].tolist()
    ['Baseline', 'Week 4', nan]
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._frame import take_str
from .assert_data import DerivationError, as_list, assert_data_has_vars

__all__ = ["derive_vars_avisit", "assert_windows"]

_WINDOW_COLS = ["AVISIT", "AVISITN", "AWTARGET", "AWLO", "AWHI"]


def _no_day0(day: np.ndarray) -> np.ndarray:
    """Map study days onto a continuous axis (day 1 -> 0, day -1 -> -1) so differences are calendar days."""
    return np.where(day > 0, day - 1, day)


def assert_windows(windows: pd.DataFrame, by_vars: Sequence[str] = ()) -> None:
    """Check a windows table: required columns, AWLO <= AWTARGET <= AWHI, no overlap within a window set."""
    fn = "derive_vars_avisit"
    by = as_list(by_vars)
    assert_data_has_vars(windows, by + _WINDOW_COLS, fn=fn, what="windows table")
    w = windows.reset_index(drop=True)
    bad = ~((w["AWLO"] <= w["AWTARGET"]) & (w["AWTARGET"] <= w["AWHI"]))
    if bad.any():
        row = w.loc[bad].iloc[0]
        raise DerivationError(f"{fn}: window {row['AVISIT']!r} needs AWLO <= AWTARGET <= AWHI, got "
                              f"{row['AWLO']} / {row['AWTARGET']} / {row['AWHI']}")
    s = w.sort_values(by + ["AWLO"], kind="mergesort")
    same_set = np.ones(len(s) - 1, dtype=bool) if len(s) else np.array([], dtype=bool)
    for col in by:
        v = s[col].to_numpy()
        same_set &= v[1:] == v[:-1]
    lo = s["AWLO"].to_numpy()
    hi = s["AWHI"].to_numpy()
    overlap = same_set & (lo[1:] <= hi[:-1]) if len(s) > 1 else np.array([], dtype=bool)
    if overlap.any():
        i = int(np.flatnonzero(overlap)[0])
        a, b = s.iloc[i], s.iloc[i + 1]
        raise DerivationError(f"{fn}: windows {a['AVISIT']!r} [{a['AWLO']}, {a['AWHI']}] and {b['AVISIT']!r} "
                              f"[{b['AWLO']}, {b['AWHI']}] overlap", hint="make each study day belong to one window")


def derive_vars_avisit(
    dataset: pd.DataFrame,
    windows: pd.DataFrame,
    by_vars: str | Sequence[str] | None = None,
    *,
    day_var: str = "ADY",
    unit: str = "DAYS",
) -> pd.DataFrame:
    """Assign each record to the window containing its ``day_var``.

    ``by_vars`` (e.g. ``["PARAMCD"]``) lets the windows table hold one window set per parameter;
    those columns must then exist in both frames. Records of a parameter without windows stay unassigned.
    """
    fn = "derive_vars_avisit"
    by = as_list(by_vars)
    assert_data_has_vars(dataset, by + [day_var], fn=fn)
    assert_windows(windows, by)
    day = dataset[day_var].to_numpy(dtype="float64", na_value=np.nan)
    win_idx = np.full(len(dataset), -1, dtype=np.int64)
    w = windows.reset_index(drop=True)
    # one searchsorted per window set (a handful of parameter groups), never per record
    sets = [((), w.index.to_numpy())] if not by else list(w.groupby(by, sort=True, dropna=False).indices.items())
    for key, rows in sets:
        sub = w.iloc[rows].sort_values("AWLO", kind="mergesort")
        lo = sub["AWLO"].to_numpy(dtype="float64")
        hi = sub["AWHI"].to_numpy(dtype="float64")
        if by:
            key = key if isinstance(key, tuple) else (key,)
            in_set = np.ones(len(dataset), dtype=bool)
            for col, val in zip(by, key):
                in_set &= dataset[col].eq(val).to_numpy(dtype=bool, na_value=False)
        else:
            in_set = np.ones(len(dataset), dtype=bool)
        pos = np.searchsorted(lo, day, side="right") - 1
        ok = in_set & ~np.isnan(day) & (pos >= 0)
        ok[ok] &= day[ok] <= hi[pos[ok]]
        win_idx[ok] = sub.index.to_numpy()[pos[ok]]
    hit = win_idx >= 0
    out = dataset.copy(deep=False)  # columns get replaced, never written in place
    take = np.where(hit, win_idx, 0)
    out["AVISIT"] = take_str([str(v) for v in w["AVISIT"]], win_idx, dataset.index)
    for col in _WINDOW_COLS[1:]:
        out[col] = np.where(hit, w[col].to_numpy(dtype="float64")[take], np.nan)
    target = out["AWTARGET"].to_numpy(dtype="float64", na_value=np.nan)
    out["AWTDIFF"] = np.abs(_no_day0(day) - _no_day0(target))
    out["AWU"] = take_str([unit], np.where(hit, 0, -1), dataset.index)
    return out


derive_vars_avisit.method = (
    "AVISIT/AVISITN from the analysis window [AWLO, AWHI] (study days, inclusive) containing ADY; "
    "AWTDIFF = |ADY - AWTARGET| in calendar days."
)
