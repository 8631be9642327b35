"""Analysis relative days (ADY, ASTDY, AENDY) from analysis dates and a reference date.

Study day counts from the reference date as day 1 with no day 0 (SDTMIG 3.4 section 4.4.4; ADaMIG
1.3 keeps the convention for --DY variables). Example::

    >>> import pandas as pd
    >>> ae = pd.DataFrame({"TRTSDT": pd.to_datetime(["2024-03-15"] * 3), "ASTDT": pd.to_datetime(["2024-03-14", "2024-03-15", "2024-03-20"])})
    >>> derive_vars_dy(ae, ["ASTDT"])["ASTDY"].tolist()
    [-1.0, 1.0, 6.0]
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ._frame import compute_study_day
from .assert_data import DerivationError, as_list, assert_data_has_vars

__all__ = ["derive_vars_dy"]


def derive_vars_dy(dataset: pd.DataFrame, source_vars: str | Sequence[str], *, reference_date: str = "TRTSDT") -> pd.DataFrame:
    """For each ``xxDT``/``xxDTM`` in ``source_vars`` add ``xxDY`` relative to ``reference_date``."""
    fn = "derive_vars_dy"
    sources = as_list(source_vars)
    assert_data_has_vars(dataset, sources + [reference_date], fn=fn)
    out = dataset.copy(deep=False)  # columns get replaced, never written in place
    for src in sources:
        if src.endswith("DTM"):
            target = src[:-3] + "DY"
        elif src.endswith("DT"):
            target = src[:-2] + "DY"
        else:
            raise DerivationError(f"{fn}: source variable {src!r} must end in DT or DTM", hint="e.g. ADT, ASTDT, AENDTM")
        out[target] = compute_study_day(dataset[src], dataset[reference_date])
    return out


derive_vars_dy.method = "xxDY = xxDT - TRTSDT + 1 when on or after TRTSDT, else xxDT - TRTSDT (no day 0)."
