"""Analysis dates from partial ISO 8601 dates with imputation flags (admiral ``derive_vars_dt``).

Parsing: "YYYY", "YYYY-MM", "YYYY-MM-DD", optionally followed by a time part (ignored here; see
:mod:`derive_vars_dtm`). Other text (including the "YYYY---DD" form with an unknown month) gives a
missing date; nothing is guessed.

Imputation (``highest_imputation``: "n" none, "D" day only, "M" month and day, "Y" = "M" here because a
missing year is never imputed):

* ``date_imputation="first"``: missing month -> January, missing day -> the 1st;
* ``date_imputation="last"``: missing month -> December, missing day -> the last day of the month;
* ``min_dates`` (start dates, e.g. ``["TRTSDT"]``): when the partial date *covers* the reference date
  (same year, and same month if the month is known), the imputed date is the reference date rather than
  the 1st, so an event recorded as "2024-03" in a subject first dosed on 2024-03-15 is not placed before
  dosing (admiral's rule, and the FDA reviewers' conservative reading for treatment emergence);
* ``max_dates`` (end dates, e.g. death or data cut-off): the imputed date is capped by the reference date
  when the partial date covers it.

Flag --DTF (ADaMIG 1.3 section 3.1.3 / 3.3.3): "D" when only the day was imputed, "M" when month (and
day) were, "Y" when the year was; missing when nothing was imputed. Example::

    >>> import pandas as pd
    >>> ae = pd.DataFrame({"AESTDTC": ["2024-03-20", "2024-03", "2024", None], "TRTSDT": pd.to_datetime(["2024-03-15"] * 4)})
    >>> out = derive_vars_dt(ae, "AST", "AESTDTC", highest_imputation="M", min_dates=["TRTSDT"])
    >>> out["ASTDT"].dt.strftime("%Y-%m-%d").tolist(), out["ASTDTF"].tolist()
    (['2024-03-20', '2024-03-15', '2024-03-15', nan], [nan, 'D', 'M', nan])
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._frame import STR_DTYPE, as_datetime, distinct_rows
from .assert_data import DerivationError, as_list, assert_data_has_vars

__all__ = ["derive_vars_dt", "compute_dt", "parse_partial_dtc"]

_DTC_RE = r"^\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T.*)?\s*$"
_LEVELS = {"n": 0, "D": 1, "M": 2, "Y": 3}


def parse_partial_dtc(dtc: pd.Series) -> pd.DataFrame:
    """Year, month, day (float, NaN when absent) of each ISO 8601 (partial) date; non-dates give NaN year."""
    # a date string repeats on many records (every item of a visit): parse each distinct one once
    codes, uniques = pd.factorize(pd.Series(dtc, dtype=STR_DTYPE), use_na_sentinel=True)
    parts = pd.Series(uniques, dtype=STR_DTYPE).str.extract(_DTC_RE)
    parsed = parts.apply(pd.to_numeric, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    parsed = np.vstack([parsed.reshape(-1, 3), np.full((1, 3), np.nan)])  # row -1: a missing value
    out = pd.DataFrame(parsed[codes], columns=["year", "month", "day"])
    # an impossible month/day (2024-13-01, 2024-02-30) is not a date: make the whole value missing
    bad_month = out["month"].notna() & ~out["month"].between(1, 12)
    out.loc[bad_month, ["year", "month", "day"]] = np.nan
    return out


def _days_in_month(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    first = pd.to_datetime({"year": year, "month": month, "day": np.ones_like(year)}, errors="coerce")
    return (first + pd.offsets.MonthEnd(0)).dt.day.to_numpy(dtype="float64", na_value=np.nan)


def compute_dt(
    dtc,
    *,
    highest_imputation: str = "n",
    date_imputation: str = "first",
    min_dates: Sequence[pd.Series] = (),
    max_dates: Sequence[pd.Series] = (),
) -> tuple[pd.Series, pd.Series]:
    """(dates as datetime64, --DTF flags) from a vector of ISO 8601 (partial) dates."""
    fn = "derive_vars_dt"
    if highest_imputation not in _LEVELS:
        raise DerivationError(f"{fn}: highest_imputation must be one of n, D, M, Y; got {highest_imputation!r}")
    if date_imputation not in ("first", "last"):
        raise DerivationError(f"{fn}: date_imputation must be 'first' or 'last'; got {date_imputation!r}")
    parts = parse_partial_dtc(pd.Series(dtc))
    y, m, d = (parts[c].to_numpy() for c in ("year", "month", "day"))
    level = _LEVELS[highest_imputation]
    has_y = ~np.isnan(y)
    miss_m = has_y & np.isnan(m)
    miss_d = has_y & np.isnan(d)
    # which records may be completed: day-only gaps need level >= D, month gaps need >= M
    allowed = has_y & np.where(miss_m, level >= 2, np.where(miss_d, level >= 1, True))
    if date_imputation == "first":
        mm = np.where(miss_m, 1.0, m)
        dd = np.where(miss_d, 1.0, d)
    else:
        mm = np.where(miss_m, 12.0, m)
        dd = np.where(miss_d, _days_in_month(np.where(has_y, y, 2000), np.where(np.isnan(mm), 1, mm)), d)
    ok = allowed & ~np.isnan(mm) & ~np.isnan(dd)
    date = pd.to_datetime(
        {"year": np.where(ok, y, 2000), "month": np.where(ok, mm, 1), "day": np.where(ok, dd, 1)}, errors="coerce"
    ).where(ok)
    # the range the partial date covers, for the min/max rule
    lo = pd.to_datetime({"year": np.where(has_y, y, 2000), "month": np.where(miss_m | ~has_y, 1, m),
                         "day": np.where(miss_d | ~has_y, 1, np.where(np.isnan(d), 1, d))}, errors="coerce")
    hi_m = np.where(miss_m | ~has_y, 12, m)
    hi = pd.to_datetime({"year": np.where(has_y, y, 2000), "month": hi_m,
                         "day": np.where(miss_d | ~has_y, _days_in_month(np.where(has_y, y, 2000), hi_m),
                                         np.where(np.isnan(d), 1, d))}, errors="coerce")
    partial = ok & (miss_m | miss_d)
    for ref in min_dates:
        r = as_datetime(pd.Series(ref).reset_index(drop=True)).dt.normalize()
        covers = partial & (r >= lo).to_numpy(dtype=bool, na_value=False) & (r <= hi).to_numpy(dtype=bool, na_value=False)
        later = covers & (r > date).to_numpy(dtype=bool, na_value=False)
        date = date.where(~later, r)
    for ref in max_dates:
        r = as_datetime(pd.Series(ref).reset_index(drop=True)).dt.normalize()
        covers = partial & (r >= lo).to_numpy(dtype=bool, na_value=False) & (r <= hi).to_numpy(dtype=bool, na_value=False)
        earlier = covers & (r < date).to_numpy(dtype=bool, na_value=False)
        date = date.where(~earlier, r)
    flag = np.select([ok & miss_m, ok & miss_d], ["M", "D"], default="").astype(object)
    flag[flag == ""] = None
    return date.astype("datetime64[s]"), pd.Series(flag, dtype=STR_DTYPE)


def derive_vars_dt(
    dataset: pd.DataFrame,
    new_vars_prefix: str,
    dtc: str,
    *,
    highest_imputation: str = "n",
    date_imputation: str = "first",
    flag_imputation: bool = True,
    min_dates: str | Sequence[str] | None = None,
    max_dates: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Add ``<prefix>DT`` (and ``<prefix>DTF`` when ``flag_imputation``) from the ``dtc`` column."""
    fn = "derive_vars_dt"
    mins, maxs = as_list(min_dates), as_list(max_dates)
    assert_data_has_vars(dataset, [dtc] + mins + maxs, fn=fn)
    # the result depends only on the row's date text and reference dates: compute once per distinct
    # combination (a visit date repeats on every record of the visit) and spread back
    first, ids = distinct_rows(dataset, list(dict.fromkeys([dtc] + mins + maxs)))
    rows = dataset.iloc[first]
    date, flag = compute_dt(
        rows[dtc].reset_index(drop=True),
        highest_imputation=highest_imputation,
        date_imputation=date_imputation,
        min_dates=[rows[c] for c in mins],
        max_dates=[rows[c] for c in maxs],
    )
    out = dataset.copy(deep=False)  # columns get replaced, never written in place
    out[f"{new_vars_prefix}DT"] = date.take(ids).set_axis(dataset.index)
    if flag_imputation:
        out[f"{new_vars_prefix}DTF"] = flag.take(ids).set_axis(dataset.index)
    return out


derive_vars_dt.method = (
    "--DT from --DTC (ISO 8601); a partial date is imputed to the first (start dates) or last (end dates) "
    "day/month, but not before the treatment start date (start) or after the cap date (end) when the partial "
    "date covers it; --DTF = 'D'/'M' records the imputation level."
)
compute_dt.method = derive_vars_dt.method
