"""Add columns the input lacks, all missing, so that later steps can read them.

SDTMIG 3.4 section 4.1.5 (and the "Core" column of each domain): an Expected variable such as
DM.DTHDTC or DM.DTHFL must be in the dataset, null when the data were not collected. A package that
leaves such a column out (an early cut, a hand-made test package) therefore carries no information in
it; reading the absent column as missing lets the ADSL derive what it can instead of failing. The
omission itself is a conformance finding of the SDTM validator, not of the ADaM derivation. Columns
that exist are left untouched. Example::

    >>> import pandas as pd
    >>> dm = pd.DataFrame({"USUBJID": ["1"], "DTHFL": ["Y"]})
    >>> out = derive_vars_if_absent(dm, {"DTHDTC": "Char", "DTHFL": "Char", "DTHDY": "Num"})
    >>> out["DTHFL"].tolist(), bool(out["DTHDTC"].isna().all()), str(out["DTHDY"].dtype)
    (['Y'], True, 'float64')
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ._frame import STR_DTYPE
from .assert_data import DerivationError

__all__ = ["derive_vars_if_absent"]

_TYPES = ("Char", "Num")


def derive_vars_if_absent(dataset: pd.DataFrame, new_vars: Mapping[str, str]) -> pd.DataFrame:
    """Return a copy of ``dataset`` with every ``new_vars`` column (name -> "Char" or "Num") it lacks, all missing."""
    fn = "derive_vars_if_absent"
    bad = {k: v for k, v in new_vars.items() if v not in _TYPES}
    if bad:
        name, kind = next(iter(bad.items()))
        raise DerivationError(f"{fn}: the type of {name} is {kind!r}, not Char or Num")
    out = dataset.copy(deep=False)
    for name, kind in new_vars.items():
        if name not in dataset.columns:
            out[name] = np.full(len(dataset), np.nan) if kind == "Num" else pd.Series(None, index=dataset.index, dtype=STR_DTYPE)
    return out


derive_vars_if_absent.method = "Taken from the input; missing on every record when the input does not carry the variable."
