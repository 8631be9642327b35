"""Summarise a variable of another dataset per key and merge the result (admiral ``derive_var_merged_summary``).

E.g. the number of planned and missed injections per subject, summed over the exposure records of the
blinded period, for a dosing compliance (ADaMIG 1.3 section 3.2: ADSL may carry any subject-level
summary a population flag needs). The analysis variable may be text holding numbers (SUPPQUAL QVAL):
it is read as numbers, and a text that is not a number raises an error naming the record, because
dropping it would silently change the sum. Keys with no record in ``dataset_add`` get
``missing_value`` (missing by default; 0 is the natural choice for a count). Example::

    >>> import pandas as pd
    >>> adsl = pd.DataFrame({"USUBJID": ["1", "2", "3"]})
    >>> ex = pd.DataFrame({"USUBJID": ["1", "1", "2"], "EPOCH": ["BLINDED", "OPEN", "BLINDED"], "NPLAN": ["6", "9", "16"]})
    >>> out = derive_var_merged_summary(adsl, ex, "USUBJID", "PLANNED", lambda d: d["EPOCH"] == "BLINDED",
    ...                                 analysis_var="NPLAN", summary_fun="sum")
    >>> out["PLANNED"].tolist()
    [6.0, 16.0, nan]
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from .assert_data import DerivationError, as_list, assert_data_has_vars, resolve_filter

__all__ = ["derive_var_merged_summary"]

#: the summaries a spec may ask for; "count" counts the non-missing values
SUMMARY_FUNCTIONS = ("sum", "mean", "min", "max", "count")


def derive_var_merged_summary(
    dataset: pd.DataFrame,
    dataset_add: pd.DataFrame,
    by_vars: str | Sequence[str],
    new_var: str,
    filter_add: Callable | pd.Series | np.ndarray | None = None,
    *,
    analysis_var: str,
    summary_fun: str = "sum",
    missing_value: float | None = None,
) -> pd.DataFrame:
    """``new_var`` = ``summary_fun`` of ``analysis_var`` over the ``dataset_add`` records of each key."""
    fn = "derive_var_merged_summary"
    by = as_list(by_vars)
    if summary_fun not in SUMMARY_FUNCTIONS:
        raise DerivationError(f"{fn}: summary_fun {summary_fun!r} is not one of {', '.join(SUMMARY_FUNCTIONS)}")
    assert_data_has_vars(dataset, by, fn=fn)
    assert_data_has_vars(dataset_add, by + [analysis_var], fn=fn, what="dataset_add")
    if new_var in dataset.columns:
        raise DerivationError(f"{fn}: input already has {new_var}", hint="drop it before re-deriving")
    add = dataset_add.loc[resolve_filter(dataset_add, filter_add, fn=fn), by + [analysis_var]]
    raw = add[analysis_var]
    values = pd.to_numeric(raw, errors="coerce")
    bad = values.isna() & raw.notna() & raw.astype("str").str.strip().ne("")
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        raise DerivationError(
            f"{fn}: {analysis_var} is not a number on {int(bad.sum())} record(s), e.g. {raw.iloc[first]!r} for "
            + ", ".join(f"{k}={add[k].iloc[first]}" for k in by),
            hint="correct the source value or filter the record out with filter_add")
    add = add[by].assign(__v=values.astype("float64").to_numpy())
    grouped = add.groupby(by, dropna=False, sort=False)["__v"]
    # a sum over values that are all missing is missing, not 0 (pandas' default min_count=0 would say 0)
    summary = grouped.sum(min_count=1) if summary_fun == "sum" else grouped.agg(summary_fun)
    table = summary.astype("float64").rename("__s").reset_index()
    merged = dataset[by].merge(table, on=by, how="left", validate="many_to_one")["__s"]
    result = merged.to_numpy(dtype="float64", na_value=np.nan)
    if missing_value is not None:
        no_record = ~dataset[by].merge(table[by].assign(__hit=True), on=by, how="left")["__hit"].eq(True).to_numpy()
        result = np.where(no_record, float(missing_value), result)
    out = dataset.copy(deep=False)
    out[new_var] = result
    return out


derive_var_merged_summary.method = "Summary (sum, mean, min, max or count) of a variable over the subject's records in the source dataset."
