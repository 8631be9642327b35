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
    items = dataset.loc[dataset[param_var].isin(list(codes)), by + [param_var, value_var]]
    assert_unique_keys(items, by + [param_var], fn=fn, what="item records")
    if not len(items):
        return pd.DataFrame(columns=by), np.empty((0, len(codes)))
    # unstack keeps a group whose items are all missing (pivot_table would drop it): it must stay visible
    wide = items.set_index(by + [param_var])[value_var].unstack(param_var).reindex(columns=list(codes))
    keys = wide.index.to_frame(index=False)
    values = wide.to_numpy(dtype="float64", na_value=np.nan)
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
