"""Internal helpers shared by the ``derive_param_*`` family: pivot item records wide, append new rows."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .assert_data import assert_unique_keys


def pivot_items(dataset: pd.DataFrame, by: list[str], codes: Sequence[str], *, fn: str,
                param_var: str = "PARAMCD", value_var: str = "AVAL") -> tuple[pd.DataFrame, np.ndarray]:
    """(keys frame, values matrix [groups x codes]) for the records whose ``param_var`` is in ``codes``.

    One record per by-group and item is required: a duplicate means the by_vars are incomplete
    (e.g. an unscheduled repeat of the same visit) and is reported, not averaged away.
    """
    codes = list(codes)
    items = dataset.loc[dataset[param_var].isin(codes), by + [param_var, value_var]]
    if not len(items):
        return pd.DataFrame(columns=by), np.empty((0, len(codes)))
    fast = _pivot_sorted(items, by, codes, fn=fn, param_var=param_var, value_var=value_var)
    if fast is not None:
        return fast
    assert_unique_keys(items, by + [param_var], fn=fn, what="item records")
    # unstack keeps a group whose items are all missing (pivot_table would drop it): it must stay visible
    wide = items.set_index(by + [param_var])[value_var].unstack(param_var).reindex(columns=codes)
    keys = wide.index.to_frame(index=False)
    values = wide.to_numpy(dtype="float64", na_value=np.nan)
    return keys, values


def _pivot_sorted(items: pd.DataFrame, by: list[str], codes: list[str], *, fn: str, param_var: str,
                  value_var: str) -> tuple[pd.DataFrame, np.ndarray] | None:
    """The result of the unstack above with integer codes and one scatter (no MultiIndex); None when
    a by value is missing or ``codes`` repeats a code (the unstack path decides those cases).

    Groups come out sorted by the by values, as unstack sorts its index; every group with an item
    record is kept, also when all its values are missing.
    """
    if not by or len(set(codes)) != len(codes):
        return None
    key_codes, uniques = [], []
    for col in by:
        c, u = pd.factorize(items[col], sort=True)
        if (c < 0).any():
            return None
        key_codes.append(c)
        uniques.append(u)
    n = len(items)
    order = np.lexsort(key_codes[::-1])
    change = np.zeros(n, dtype=bool)
    change[:1] = True
    for c in key_codes:
        cs = c[order]
        change[1:] |= cs[1:] != cs[:-1]
    gid = np.empty(n, dtype=np.int64)
    gid[order] = np.cumsum(change) - 1
    n_groups = int(change.sum())
    item = pd.Index(codes).get_indexer(items[param_var])
    cell = gid * len(codes) + item
    if len(np.unique(cell)) != n:
        assert_unique_keys(items, by + [param_var], fn=fn, what="item records")  # raises, naming the key
    values = np.full((n_groups, len(codes)), np.nan)
    values[gid, item] = items[value_var].to_numpy(dtype="float64", na_value=np.nan)
    firsts = order[change]
    keys = pd.DataFrame({col: pd.Series(u.take(c[firsts])) for col, c, u in zip(by, key_codes, uniques)})
    return keys, values


def append_param_rows(dataset: pd.DataFrame, keys: pd.DataFrame, columns: Mapping[str, object],
                      set_values_to: Mapping[str, object]) -> pd.DataFrame:
    """Concatenate new parameter rows (keys + computed columns + constants) after ``dataset``'s rows."""
    if len(keys) == 0:
        # nothing to add: concatenating an empty frame would turn typed columns (VISITNUM) into object
        return dataset.copy(deep=False)
    new = keys.copy()
    for name, values in columns.items():
        new[name] = values
    for name, value in set_values_to.items():
        new[name] = value
    for col in new.columns:
        if col in dataset.columns and dataset[col].dtype != new[col].dtype:
            if pd.api.types.is_string_dtype(dataset[col].dtype) or dataset[col].dtype == object:
                new[col] = new[col].astype(dataset[col].dtype)
    return pd.concat([dataset, new], ignore_index=True)
