"""Baseline record flag ABLFL (ADaMIG 1.3 section 3.3.4, "ABLFL").

Baseline is the last record with a non-missing analysis value on or before the first dose: the
comparison is made on date-times when both the record (``ADTM``) and the reference (``TRTSDTM``)
carry a time, and on dates otherwise (a Day 1 sample without time counts as pre-dose, the usual
convention because the protocol asks for pre-dose sampling). Ties on the ordering variables go to the
later input row unless a tie-break column (e.g. ``LBSEQ``) is given in ``order``. Example::

    >>> import pandas as pd
    >>> bds = pd.DataFrame({"USUBJID": ["1"] * 3, "PARAMCD": ["CK"] * 3, "AVAL": [300.0, 280.0, 150.0],
    ...                     "ADT": pd.to_datetime(["2024-01-01", "2024-01-08", "2024-02-01"]),
    ...                     "TRTSDT": pd.to_datetime(["2024-01-08"] * 3)})
    >>> derive_var_ablfl(bds)["ABLFL"].tolist()
    [nan, 'Y', nan]
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from ._frame import as_datetime, flag_series, pick_extreme
from .assert_data import as_list, assert_data_has_vars, resolve_filter

__all__ = ["derive_var_ablfl"]


def derive_var_ablfl(
    dataset: pd.DataFrame,
    by_vars: str | Sequence[str] = ("USUBJID", "PARAMCD"),
    order: Sequence[str] | None = None,
    new_var: str = "ABLFL",
    filter: Callable | pd.Series | np.ndarray | None = None,
    *,
    source_var: str = "AVAL",
    date_var: str = "ADT",
    ref_date: str = "TRTSDT",
    datetime_var: str = "ADTM",
    ref_datetime: str = "TRTSDTM",
) -> pd.DataFrame:
    """Flag the last non-missing ``source_var`` on or before the reference date per ``by_vars``.

    ``order`` defaults to ``[date_var, datetime_var]`` when the date-time column exists (latest day first,
    then latest time that day; a record without a time is not pushed behind earlier days), else
    ``[date_var]``. Extra
    conditions (e.g. scheduled visits only) go in ``filter``. Subjects without a reference date
    (never dosed) get no baseline.
    """
    fn = "derive_var_ablfl"
    by = as_list(by_vars)
    assert_data_has_vars(dataset, by + [source_var, date_var, ref_date], fn=fn)
    time_aware = datetime_var in dataset.columns and ref_datetime in dataset.columns
    if order is None:
        order = [date_var, datetime_var] if datetime_var in dataset.columns else [date_var]
    assert_data_has_vars(dataset, [o.lstrip("-") for o in order], fn=fn)

    adt = as_datetime(dataset[date_var]).dt.normalize()
    ref = as_datetime(dataset[ref_date]).dt.normalize()
    on_or_before = (adt <= ref).to_numpy(dtype=bool, na_value=False)
    if time_aware:
        adtm = as_datetime(dataset[datetime_var])
        refdtm = as_datetime(dataset[ref_datetime])
        both = (adtm.notna() & refdtm.notna()).to_numpy()
        by_time = (adtm <= refdtm).to_numpy(dtype=bool, na_value=False)
        on_or_before = np.where(both, by_time, on_or_before)
    cand = on_or_before & dataset[source_var].notna().to_numpy() & resolve_filter(dataset, filter, fn=fn)
    mask = np.zeros(len(dataset), dtype=bool)
    mask[pick_extreme(dataset, by, list(order), "last", cand)] = True
    out = dataset.copy(deep=False)  # columns get replaced, never written in place
    out[new_var] = flag_series(mask, dataset.index)
    return out


derive_var_ablfl.method = (
    "ABLFL = 'Y' on the last record (by analysis date-time when both it and TRTSDTM have a time, "
    "else by date) with non-missing AVAL on or before the first dose date TRTSDT, per subject and parameter."
)
