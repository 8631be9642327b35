"""Flag whether a matching record exists in another dataset (admiral ``derive_var_merged_exist_flag``).

Used for population flags on ADSL, e.g. SAFFL = "Y" when the subject has at least one EX record with
a dose > 0 (ADaMIG 1.3 section 3.2.4: safety population = randomized and received study treatment).
Example::

    >>> import pandas as pd
    >>> adsl = pd.DataFrame({"USUBJID": ["1", "2"]})
    >>> ex = pd.DataFrame({"USUBJID": ["1", "1", "2"], "EXDOSE": [1.0, 1.0, 0.0]})
    >>> derive_var_merged_exist_flag(adsl, ex, "USUBJID", "SAFFL", condition=lambda d: d["EXDOSE"] > 0)["SAFFL"].tolist()
    ['Y', 'N']
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from ._frame import flag_series
from .assert_data import as_list, assert_data_has_vars, resolve_filter

__all__ = ["derive_var_merged_exist_flag"]


def derive_var_merged_exist_flag(
    dataset: pd.DataFrame,
    dataset_add: pd.DataFrame,
    by_vars: str | Sequence[str],
    new_var: str,
    filter_add: Callable | pd.Series | np.ndarray | None = None,
    *,
    condition: Callable | pd.Series | np.ndarray | None = None,
    true_value: str = "Y",
    false_value: str | None = "N",
) -> pd.DataFrame:
    """``new_var`` = ``true_value`` when ``dataset_add`` (after ``filter_add``) has a record of the key
    satisfying ``condition``, else ``false_value`` ("N" by default, as ADaMIG asks for population flags)."""
    fn = "derive_var_merged_exist_flag"
    by = as_list(by_vars)
    assert_data_has_vars(dataset, by, fn=fn)
    assert_data_has_vars(dataset_add, by, fn=fn, what="dataset_add")
    keep = resolve_filter(dataset_add, filter_add, fn=fn) & resolve_filter(dataset_add, condition, fn=fn)
    keys = dataset_add.loc[keep, by].drop_duplicates()
    keys["__hit"] = True
    hit = dataset[by].merge(keys, on=by, how="left", validate="many_to_one")["__hit"].eq(True).to_numpy()
    out = dataset.copy(deep=False)  # columns get replaced, never written in place
    out[new_var] = flag_series(hit, dataset.index, true_value, false_value)
    return out


derive_var_merged_exist_flag.method = "Flag = 'Y' if the subject has at least one record meeting the condition in the source dataset, else 'N'."
