"""Append a copy of the first or last record of each group as a new record (admiral ``derive_extreme_records``).

Used for derived analysis visits such as "End of Treatment" (ADaMIG 1.3 section 3.3.3: an analysis
visit may be a derived timepoint whose record is a copy of a collected one, e.g. the last on-treatment
value). The copies go after the input rows, with the ``set_values_to`` variables overwritten, so the
source record stays as it was and the copy is told apart by those variables (AVISIT/AVISITN). Example::

    >>> import pandas as pd
    >>> vs = pd.DataFrame({"USUBJID": ["1", "1", "2"], "PARAMCD": ["PULSE"] * 3, "AVISITN": [4.0, 8.0, 4.0],
    ...                    "AVISIT": ["Week 4", "Week 8", "Week 4"], "AVAL": [70.0, 72.0, 65.0]})
    >>> out = derive_extreme_records(vs, ["USUBJID", "PARAMCD"], ["AVISITN"],
    ...                              set_values_to={"AVISIT": "End of Treatment", "AVISITN": 99})
    >>> out[["USUBJID", "AVISIT", "AVISITN", "AVAL"]].values.tolist()[3:]
    [['1', 'End of Treatment', 99.0, 72.0], ['2', 'End of Treatment', 99.0, 65.0]]
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from ._frame import STR_DTYPE, pick_extreme, split_order
from .assert_data import DerivationError, as_list, assert_data_has_vars, resolve_filter

__all__ = ["derive_extreme_records"]

_SCALARS = (str, int, float, bool, type(None))


def derive_extreme_records(
    dataset: pd.DataFrame,
    by_vars: str | Sequence[str],
    order: Sequence[str],
    filter_add: Callable | pd.Series | np.ndarray | None = None,
    *,
    set_values_to: Mapping[str, object],
    dataset_add: pd.DataFrame | None = None,
    mode: str = "last",
) -> pd.DataFrame:
    """Return ``dataset`` with one new record per ``by_vars`` group of ``dataset_add`` appended.

    The new record is a copy of the group's first/last record (``mode``) by ``order`` (a leading "-"
    sorts descending) among the records where ``filter_add`` holds; ``dataset_add`` defaults to
    ``dataset`` itself. ``set_values_to`` maps variable -> constant written on every new record (at
    least one, so that the copy differs from its source). Missing order values are never preferred;
    remaining ties go to the later input row (``last``) or the earlier one (``first``). A group with
    no candidate gets no record. The new records follow the input rows in the order of their source
    rows; columns of only one of the two frames are missing on the other's records.
    """
    fn = "derive_extreme_records"
    if mode not in ("first", "last"):
        raise DerivationError(f"{fn}: mode must be 'first' or 'last', got {mode!r}")
    if not isinstance(set_values_to, Mapping) or not set_values_to:
        raise DerivationError(f"{fn}: set_values_to must map at least one variable to a constant "
                              f"(e.g. {{'AVISIT': 'End of Treatment', 'AVISITN': 99}}), got {set_values_to!r}")
    bad = {k: v for k, v in set_values_to.items() if not isinstance(v, _SCALARS)}
    if bad:
        raise DerivationError(f"{fn}: set_values_to values must be constants (text, number or null); "
                              f"not for {', '.join(map(str, bad))}")
    source = dataset if dataset_add is None else dataset_add
    by = as_list(by_vars)
    cols, _ = split_order(as_list(order))
    assert_data_has_vars(source, by + cols, fn=fn, what="dataset" if dataset_add is None else "dataset_add")
    cand = resolve_filter(source, filter_add, fn=fn)
    picked = np.sort(pick_extreme(source, by, as_list(order), mode, cand))
    if len(picked) == 0:
        return dataset.copy(deep=False)
    new = source.iloc[picked].reset_index(drop=True)
    for var, value in set_values_to.items():
        if var in dataset.columns:
            dtype = dataset[var].dtype
            numeric = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
            if numeric and not (value is None or isinstance(value, (int, float)) and not isinstance(value, bool)):
                raise DerivationError(f"{fn}: set_values_to {var} = {value!r} is not a number, but {var} is numeric")
            if numeric:
                new[var] = np.full(len(new), np.nan if value is None else float(value))
                continue
            new[var] = pd.Series([value] * len(new), dtype=dtype if pd.api.types.is_string_dtype(dtype) else object)
        else:
            new[var] = pd.Series([value] * len(new), dtype="float64" if isinstance(value, (int, float))
                                 and not isinstance(value, bool) else STR_DTYPE)
    return pd.concat([dataset, new], ignore_index=True)


derive_extreme_records.method = (
    "A new record per by-group: a copy of the first/last record (by the order variables) among the records "
    "meeting the condition, with the listed variables set to constants (e.g. AVISIT = 'End of Treatment')."
)
