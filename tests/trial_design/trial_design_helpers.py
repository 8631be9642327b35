"""Helpers of the trial-design tests (a uniquely named module: tests/ folders have no __init__).

``expected_epoch`` places records in the subject's elements WITHOUT the product's code
(cdisc_dm.sdtm.epoch uses merge_asof on instants; this works on calendar days by interval
membership), following the rule documented in docs/study-definition.md "EPOCH and SE conventions":

* an element covers the days SESTDTC..SEENDTC; on a day two elements share (one ends, the next
  begins) ``boundary="later"`` picks the element that begins, ``"earlier"`` the one that ends;
  a day only one element covers (e.g. the first day of the first element) is in that element;
* a partial date (YYYY or YYYY-MM) gets an EPOCH only when its first and last days fall in the
  same element; a date outside every element gets none.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

DATE_RE = r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?"


def day_bounds(dtc: pd.Series) -> tuple[pd.Series, pd.Series]:
    """First and last calendar day an ISO 8601 (possibly partial) date can denote; NaT when missing."""
    parts = dtc.astype("str").str.extract(DATE_RE)
    y = pd.to_numeric(parts[0], errors="coerce")
    m = pd.to_numeric(parts[1], errors="coerce")
    d = pd.to_numeric(parts[2], errors="coerce")
    lo = pd.to_datetime(pd.DataFrame({"year": y, "month": m.fillna(1), "day": d.fillna(1)}), errors="coerce")
    month_end = lo + pd.offsets.MonthEnd(0)  # last day of lo's month (lo itself when it is one)
    year_end = pd.to_datetime(pd.DataFrame({"year": y, "month": 12, "day": 31}), errors="coerce")
    hi = lo.where(d.notna(), month_end.where(m.notna(), year_end))
    return lo, hi


def _element_at(records: pd.DataFrame, day: pd.Series, se: pd.DataFrame, boundary: str) -> pd.Series:
    """SE row label of the element covering ``day`` per record (-1 when none)."""
    left = pd.DataFrame({"USUBJID": records["USUBJID"].to_numpy(), "_day": day.to_numpy(), "_pos": np.arange(len(records))})
    right = pd.DataFrame({"USUBJID": se["USUBJID"].to_numpy(), "_st": pd.to_datetime(se["SESTDTC"].str[:10]).to_numpy(),
                          "_en": pd.to_datetime(se["SEENDTC"].str[:10]).to_numpy(), "_se": se.index.to_numpy()})
    both = left.merge(right, on="USUBJID")
    both = both[(both["_st"] <= both["_day"]) & (both["_day"] <= both["_en"])]
    both = both.sort_values(["_pos", "_st"], kind="mergesort")
    pick = both.drop_duplicates("_pos", keep="last" if boundary == "later" else "first")
    out = pd.Series(-1, index=range(len(records)), dtype="int64")
    out[pick["_pos"].to_numpy()] = pick["_se"].to_numpy()
    return out


def expected_epoch(records: pd.DataFrame, date_col: str, se: pd.DataFrame, boundary: str) -> pd.Series:
    """EPOCH each record should have from SE by the documented rule (missing when it cannot be placed)."""
    lo, hi = day_bounds(records[date_col])
    a = _element_at(records, lo, se, boundary)
    b = _element_at(records, hi, se, boundary)
    found = np.where((a.to_numpy() == b.to_numpy()) & (a.to_numpy() >= 0), a.to_numpy(), -1)
    epochs = np.append(se["EPOCH"].to_numpy(dtype=object), None)
    return pd.Series(epochs[found], index=records.index, dtype="object")
