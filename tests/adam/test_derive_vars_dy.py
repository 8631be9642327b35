"""Relative days with no day 0 (SDTMIG 3.4 section 4.4.4)."""
import numpy as np
import pandas as pd
import pytest

from cdisc_dm.adam.derivations import DerivationError, derive_vars_dy


def test_no_day_zero():
    d = pd.DataFrame({"TRTSDT": pd.to_datetime(["2024-03-15"] * 4 + [None]),
                      "ASTDT": pd.to_datetime(["2024-03-13", "2024-03-14", "2024-03-15", "2024-04-15", "2024-04-15"]),
                      "AENDTM": pd.to_datetime(["2024-03-15 23:00"] * 5)})
    out = derive_vars_dy(d, ["ASTDT", "AENDTM"])
    # -2, -1, 1, then 03-15 + 31 days = 04-15 -> day 32; no reference -> missing
    assert out["ASTDY"].tolist()[:4] == [-2.0, -1.0, 1.0, 32.0] and np.isnan(out["ASTDY"].iloc[4])
    assert out["AENDY"].tolist()[0] == 1.0  # a time on day 1 is day 1


def test_source_names_must_end_in_dt():
    with pytest.raises(DerivationError, match="must end in DT or DTM"):
        derive_vars_dy(pd.DataFrame({"TRTSDT": [None], "AST": [None]}), "AST")
