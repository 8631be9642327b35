"""IMACS preliminary definition of improvement (DOI), 2004.

Source: Rider LG, Giannini EH, Brunner HI, et al. "International consensus on preliminary definitions
of improvement in adult and juvenile myositis". Arthritis Rheum 2004;50:2281-2290. A subject is
improved when at least 3 of the 6 core set measures improve by >= 20% from baseline, with no more
than 2 measures worsened by >= 25%, and manual muscle testing not among the worsened measures.

Percent improvement is signed in each measure's improving direction (see
:func:`compute_tis.compute_improvement_pct`): worsening by 25% is an improvement of -25%.
The DOI is missing when fewer than 3 measures are available and the subject cannot reach 3 improved
ones, or when the available ones cannot settle the worsening clause (sponsor decision: any missing
component that could change the answer makes the result missing).

Example::

    >>> import pandas as pd
    >>> pct = pd.DataFrame({"PHYSICIAN_GLOBAL": [30.0], "PATIENT_GLOBAL": [25.0], "MMT8": [21.0],
    ...                     "HAQ": [0.0], "ENZYME": [-10.0], "EXTRAMUSCULAR": [0.0]})
    >>> compute_imacs_doi(pct).tolist()
    [True]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .assert_data import DerivationError
from .compute_tis import TIS_MEASURES

__all__ = ["compute_imacs_doi", "IMPROVED_PCT", "WORSENED_PCT"]

IMPROVED_PCT = 20.0
WORSENED_PCT = 25.0


def compute_imacs_doi(improvement_pct: pd.DataFrame) -> pd.Series:
    """True/False/NA per row from the six measures' percent improvement (columns named as in TIS)."""
    missing = [m for m in TIS_MEASURES if m not in improvement_pct.columns]
    if missing:
        raise DerivationError(f"compute_imacs_doi: columns {missing} missing; expected all of {list(TIS_MEASURES)}")
    pct = np.round(improvement_pct[list(TIS_MEASURES)].to_numpy(dtype="float64", na_value=np.nan), 10)
    known = ~np.isnan(pct)
    improved = np.where(known, pct >= IMPROVED_PCT, False)
    worsened = np.where(known, pct <= -WORSENED_PCT, False)
    n_missing = (~known).sum(axis=1)
    n_improved = improved.sum(axis=1)
    n_worsened = worsened.sum(axis=1)
    mmt = list(TIS_MEASURES).index("MMT8")
    mmt_worse = worsened[:, mmt]
    mmt_unknown = ~known[:, mmt]

    # Decided False regardless of the missing components
    surely_false = mmt_worse | (n_worsened > 2) | (n_improved + n_missing < 3)
    # Decided True: enough improved, and even if every missing one had worsened the clauses still hold
    surely_true = (n_improved >= 3) & (n_worsened + n_missing <= 2) & ~mmt_worse & ~mmt_unknown
    result = np.full(len(pct), None, dtype=object)
    result[surely_true] = True
    result[surely_false] = False
    return pd.Series(result, index=improvement_pct.index, dtype="object")


compute_imacs_doi.method = (
    "IMACS 2004 DOI: improved when >= 3 of the 6 core set measures improve by >= 20%, no more than 2 worsen by "
    ">= 25%, and MMT-8 is not among the worsened; missing when a missing measure could change the answer."
)
