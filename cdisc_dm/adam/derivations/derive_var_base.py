"""Baseline value BASE (or BNRIND, BASETYPE-specific baselines): copy a variable from the baseline record.

ADaMIG 1.3 section 3.3.4: BASE is the AVAL of the record flagged ABLFL = "Y" within the by-group.
Example::

    >>> import pandas as pd
    >>> bds = pd.DataFrame({"USUBJID": ["1", "1"], "PARAMCD": ["CK", "CK"], "AVAL": [280.0, 150.0], "ABLFL": ["Y", None]})
    >>> derive_var_base(bds)["BASE"].tolist()
    [280.0, 280.0]
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from ._frame import group_ids, take_str
from .assert_data import as_list, assert_data_has_vars, assert_unique_keys, resolve_filter

__all__ = ["derive_var_base"]


def derive_var_base(
    dataset: pd.DataFrame,
    by_vars: str | Sequence[str] = ("USUBJID", "PARAMCD"),
    new_var: str = "BASE",
    filter: Callable | pd.Series | np.ndarray | None = None,
    *,
    source_var: str = "AVAL",
) -> pd.DataFrame:
    """Copy ``source_var`` of the baseline record to every record of its by-group as ``new_var``.

    The baseline record is the one where ``filter`` holds (default: ``ABLFL == "Y"``). More than one
    baseline record per by-group is an error (it means ABLFL or by_vars is wrong).
    """
    fn = "derive_var_base"
    by = as_list(by_vars)
    need = by + [source_var] + ([] if filter is not None else ["ABLFL"])
    assert_data_has_vars(dataset, need, fn=fn)
    if filter is None:
        mask = dataset["ABLFL"].eq("Y").to_numpy(dtype=bool, na_value=False)
    else:
        mask = resolve_filter(dataset, filter, fn=fn)
    base = dataset.loc[mask, by + [source_var]]
    assert_unique_keys(base, by, fn=fn, what="baseline records")
    # group ids + array indexing instead of a merge on string keys (4M records: 0.1 s instead of 1 s)
    gid = group_ids(dataset, by)
    src = dataset[source_var]
    n_groups = int(gid.max()) + 1 if len(gid) else 0
    out = dataset.copy(deep=False)  # columns get replaced, never written in place
    if pd.api.types.is_string_dtype(src.dtype) or src.dtype == object:
        codes, uniques = pd.factorize(src)
        per_group = np.full(n_groups, -1, dtype=np.int64)
        per_group[gid[mask]] = codes[mask]
        out[new_var] = take_str([str(u) for u in uniques], per_group[gid], dataset.index)
        return out
    # numbers, dates, booleans: take the baseline row's value, keeping the column's dtype
    base_row = np.full(n_groups, -1, dtype=np.int64)
    base_row[gid[mask]] = np.flatnonzero(mask)
    rows = base_row[gid]
    values = pd.Series(src.to_numpy()[np.where(rows >= 0, rows, 0)], index=dataset.index) if len(src) else src.copy()
    out[new_var] = values.where(rows >= 0)
    return out


derive_var_base.method = "BASE = AVAL of the baseline record (ABLFL = 'Y') of the same subject and parameter."
