"""Merge variables from another dataset by keys (admiral ``derive_vars_merged``).

Typical uses: TRTSDT/TRTEDT from ADSL onto a BDS dataset; the last non-missing weight before first
dose onto ADSL (``order=["VSDTC"], mode="last", filter_add=...``). Without ``order`` the added dataset
must have one record per key, otherwise the first/last per key after ordering is taken. Records of
``dataset`` without a match keep missing values (or ``missing_values``); none is dropped. Example::

    >>> import pandas as pd
    >>> adsl = pd.DataFrame({"USUBJID": ["1", "2"], "TRTSDT": pd.to_datetime(["2024-01-01", "2024-02-01"])})
    >>> lb = pd.DataFrame({"USUBJID": ["1", "1", "3"], "AVAL": [1.0, 2.0, 3.0]})
    >>> derive_vars_merged(lb, adsl, "USUBJID", new_vars=["TRTSDT"])["TRTSDT"].dt.strftime("%Y-%m-%d").tolist()
    ['2024-01-01', '2024-01-01', nan]
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from ._frame import match_rows, pick_extreme, split_order, take_rows
from .assert_data import DerivationError, as_list, assert_data_has_vars, assert_unique_keys, resolve_filter

__all__ = ["derive_vars_merged"]


def derive_vars_merged(
    dataset: pd.DataFrame,
    dataset_add: pd.DataFrame,
    by_vars: str | Sequence[str] | Mapping[str, str],
    order: Sequence[str] | None = None,
    new_vars: Sequence[str] | Mapping[str, str] | None = None,
    filter_add: Callable | pd.Series | np.ndarray | None = None,
    *,
    mode: str = "last",
    missing_values: Mapping[str, object] | None = None,
) -> pd.DataFrame:
    """Left-join ``new_vars`` of ``dataset_add`` (one record per key) onto ``dataset``.

    ``by_vars`` may map names (``{"USUBJID": "SUBJECT"}``: dataset name -> dataset_add name);
    ``new_vars`` may rename (``{"BASEWT": "AVAL"}``: new name -> source name). Clashing names are an
    error rather than a silent ``_x``/``_y`` suffix.
    """
    fn = "derive_vars_merged"
    key_map = dict(by_vars) if isinstance(by_vars, Mapping) else {k: k for k in as_list(by_vars)}
    left_keys, right_keys = list(key_map), list(key_map.values())
    order = as_list(order)
    if new_vars is None:
        var_map = {c: c for c in dataset_add.columns if c not in right_keys}
    elif isinstance(new_vars, Mapping):
        var_map = dict(new_vars)
    else:
        var_map = {c: c for c in new_vars}
    assert_data_has_vars(dataset, left_keys, fn=fn)
    assert_data_has_vars(dataset_add, right_keys + list(var_map.values()) + split_order(order)[0], fn=fn, what="dataset_add")
    if mode not in ("first", "last"):
        raise DerivationError(f"{fn}: mode must be 'first' or 'last', got {mode!r}")
    clash = [v for v in var_map if v in dataset.columns]
    if clash:
        raise DerivationError(f"{fn}: {', '.join(clash)} already in dataset", hint="drop or rename them (new_vars={'NEW': 'OLD'})")
    add = dataset_add.loc[resolve_filter(dataset_add, filter_add, fn=fn)]
    if order:
        add = add.iloc[np.sort(pick_extreme(add, right_keys, order, mode))]
    else:
        assert_unique_keys(add, right_keys, fn=fn, what="dataset_add")
    pos = match_rows(dataset, left_keys, add, right_keys)
    out = dataset.copy(deep=False)  # columns get replaced, never written in place
    if pos is not None:
        # positions instead of a merge: no copy of the key columns of a large dataset, same values/dtypes
        matched = pos >= 0
        for new, src in var_map.items():
            col = take_rows(add[src], pos, dataset.index)
            if missing_values and new in missing_values:
                # only keys without a match get the default; a matched record's own missing value stays missing
                col = col.where(matched, missing_values[new])
            out[new] = col
        return out
    add = add[right_keys + list(var_map.values())]
    add.columns = left_keys + list(var_map)
    merged = dataset[left_keys].merge(add, on=left_keys, how="left", validate="many_to_one", indicator="__match")
    matched = (merged["__match"] == "both").to_numpy()
    for new in var_map:
        col = merged[new].set_axis(dataset.index)
        if missing_values and new in missing_values:
            col = col.where(matched, missing_values[new])
        out[new] = col
    return out


derive_vars_merged.method = "Variables merged from another dataset by the key variables (first/last record per key after ordering)."
