"""ANL01FL: one analysed record per subject, parameter and analysis visit (ADaMIG 1.3 section 3.3.8).

Tie rules, in order: (1) the record closest to the window's target day (smallest AWTDIFF);
(2) if equally close, the latest (largest ADT, then any extra ``order`` columns such as ADTM or
--SEQ); (3) if still tied, the later input row. Only records in a window with a non-missing AVAL are
candidates. Example::

    >>> import pandas as pd
    >>> bds = pd.DataFrame({"USUBJID": ["1"] * 3, "PARAMCD": ["CK"] * 3, "AVISITN": [4.0] * 3, "AVAL": [1.0, 2.0, 3.0],
    ...                     "AWTDIFF": [2.0, 2.0, 5.0], "ADT": pd.to_datetime(["2024-01-27", "2024-01-31", "2024-02-03"])})
    >>> derive_var_anl01fl(bds)["ANL01FL"].tolist()
    [nan, 'Y', nan]
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from .assert_data import as_list, assert_data_has_vars, resolve_filter
from .derive_var_extreme_flag import derive_var_extreme_flag

__all__ = ["derive_var_anl01fl"]


def derive_var_anl01fl(
    dataset: pd.DataFrame,
    by_vars: str | Sequence[str] = ("USUBJID", "PARAMCD", "AVISITN"),
    order: Sequence[str] = (),
    new_var: str = "ANL01FL",
    filter: Callable | pd.Series | np.ndarray | None = None,
    *,
    target_diff: str = "AWTDIFF",
    date_var: str = "ADT",
    source_var: str = "AVAL",
) -> pd.DataFrame:
    """Flag the record closest to target, then latest, per ``by_vars`` (extra tie-breaks in ``order``)."""
    fn = "derive_var_anl01fl"
    by = as_list(by_vars)
    assert_data_has_vars(dataset, by + [target_diff, date_var, source_var], fn=fn)
    cand = (dataset[by].notna().all(axis=1).to_numpy() & dataset[source_var].notna().to_numpy()
            & resolve_filter(dataset, filter, fn=fn))
    return derive_var_extreme_flag(dataset, by, ["-" + target_diff, date_var, *order], new_var, cand, mode="last")


derive_var_anl01fl.method = (
    "ANL01FL = 'Y' on one record per subject, parameter and analysis visit: the one closest to the target "
    "day (smallest AWTDIFF), then the latest; records outside windows or with missing AVAL are not flagged."
)
