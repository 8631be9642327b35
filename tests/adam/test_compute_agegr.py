"""Age groups from a breaks table (the pilot comparison is in test_pilot_adsl)."""
import pandas as pd
import pytest

from cdisc_dm.adam.derivations import DerivationError, compute_agegr

BREAKS = pd.DataFrame({"AGEGR1": ["18-39", "40-64", ">=65"], "AGEGR1N": [1, 2, 3], "lower": [18, 40, 65], "upper": [40, 65, None]})


def test_groups_and_bounds():
    out = compute_agegr([17, 18, 39.9, 40, 64, 65, 90, None], BREAKS)
    assert out["AGEGR1"].fillna("").tolist() == ["", "18-39", "18-39", "40-64", "40-64", ">=65", ">=65", ""]
    assert out["AGEGR1N"].fillna(0).tolist() == [0, 1, 1, 2, 2, 3, 3, 0]


def test_overlap_is_an_error():
    bad = BREAKS.assign(upper=[41, 65, None])
    with pytest.raises(DerivationError, match="age groups overlap"):
        compute_agegr([20], bad)
