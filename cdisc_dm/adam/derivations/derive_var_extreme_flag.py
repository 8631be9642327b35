"""Flag the first or last record of each group (admiral ``derive_var_extreme_flag``).

Used for first-occurrence flags (AOCCFL/AOCCSFL/AOCCPFL, ADaM OCCDS v1.1 section 3.3.7), for
ANL01FL and for baseline. Example::

    >>> import pandas as pd
    >>> ae = pd.DataFrame({"USUBJID": ["1", "1", "2"], "ASTDT": pd.to_datetime(["2024-01-05", "2024-01-02", "2024-02-01"]),
    ...                    "AESEQ": [1, 2, 1]})
    >>> derive_var_extreme_flag(ae, ["USUBJID"], ["ASTDT", "AESEQ"], "AOCCFL", mode="first")["AOCCFL"].tolist()
    [nan, 'Y', 'Y']
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from ._frame import flag_series, pick_extreme, split_order
from .assert_data import DerivationError, as_list, assert_data_has_vars, resolve_filter

__all__ = ["derive_var_extreme_flag"]


def derive_var_extreme_flag(
    dataset: pd.DataFrame,
    by_vars: str | Sequence[str],
    order: Sequence[str],
    new_var: str,
    filter: Callable | pd.Series | np.ndarray | None = None,
    *,
    mode: str = "last",
    true_value: str = "Y",
    false_value: str | None = None,
) -> pd.DataFrame:
    """Return a copy of ``dataset`` with ``new_var`` = "Y" on the first/last record per ``by_vars``.

    ``order`` lists sort columns; a leading "-" sorts that column descending. Only rows where
    ``filter`` holds are candidates; other rows get ``false_value``. Missing order values are never
    preferred; remaining ties go to the later input row for ``mode="last"`` and the earlier one for
    ``mode="first"``.
    """
    fn = "derive_var_extreme_flag"
    if mode not in ("first", "last"):
        raise DerivationError(f"{fn}: mode must be 'first' or 'last', got {mode!r}")
    by = as_list(by_vars)
    cols, _ = split_order(as_list(order))
    assert_data_has_vars(dataset, by + cols, fn=fn)
    cand = resolve_filter(dataset, filter, fn=fn)
    picked = pick_extreme(dataset, by, as_list(order), mode, cand)
    mask = np.zeros(len(dataset), dtype=bool)
    mask[picked] = True
    out = dataset.copy(deep=False)  # columns get replaced, never written in place
    out[new_var] = flag_series(mask, dataset.index, true_value, false_value)
    return out


derive_var_extreme_flag.method = (
    "Within each by-group, among records meeting the condition, the record sorted first/last by the "
    "order variables is flagged 'Y'."
)
