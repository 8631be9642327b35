"""IMACS 2004 DOI: >= 3 of 6 improved >= 20%, <= 2 worsened >= 25%, MMT not worsened (Rider 2004)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.adam.derivations.compute_imacs_doi import compute_imacs_doi

COLS = ["PHYSICIAN_GLOBAL", "PATIENT_GLOBAL", "MMT8", "HAQ", "ENZYME", "EXTRAMUSCULAR"]
NA = np.nan


@pytest.mark.parametrize("row,expected", [
    ([20, 20, 20, 0, 0, 0], True),          # exactly three at the 20% threshold
    ([19.99, 20, 20, 0, 0, 0], False),      # only two reach 20%
    ([30, 30, 30, -25, -25, 0], True),      # two worsened by exactly 25%: allowed
    ([30, 30, 30, -25, -25, -25], False),   # three worsened
    ([30, 30, -25, 30, 0, 0], False),       # MMT among the worsened
    ([30, 30, -24.99, 30, 0, 0], True),     # MMT worsened by less than 25% is not "worsened"
    ([30, 30, 30, NA, 0, 0], True),         # missing HAQ cannot change the answer
    ([30, 30, NA, 0, 0, 0], None),          # MMT unknown: could be worsened
    ([30, NA, NA, 0, 0, 0], None),          # 1 improved + 2 missing: 3 still possible, undecided
    ([30, NA, 0, 0, 0, 0], False),          # 1 improved + 1 missing: 3 improved impossible
])
def test_doi_cases(row, expected):
    res = compute_imacs_doi(pd.DataFrame([row], columns=COLS, dtype="float64")).iloc[0]
    if expected is None:
        assert res is None or pd.isna(res)
    else:
        assert res is expected
