"""TRTDURD = TRTEDT - TRTSDT + 1 (ADaMIG 1.3): both days count, missing stays missing, errors are named."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.adam.derivations.assert_data import DerivationError
from cdisc_dm.adam.derivations.derive_var_trtdurd import derive_var_trtdurd

D = pd.to_datetime


def test_durations_across_month_and_leap_day():
    adsl = pd.DataFrame({"TRTSDT": D(["2024-02-28", "2023-02-28", "2024-01-01", None]),
                         "TRTEDT": D(["2024-03-01", "2023-03-01", "2023-12-31", "2024-01-01"])})
    out = derive_var_trtdurd(adsl)
    # 2024 is a leap year: 28 Feb, 29 Feb, 1 Mar = 3 days; 2023: 28 Feb, 1 Mar = 2 days; end before start: 0
    assert out["TRTDURD"].tolist()[:3] == [3.0, 2.0, 0.0] and np.isnan(out["TRTDURD"].iloc[3])
    assert "TRTDURD" not in adsl.columns


def test_times_of_day_do_not_count():
    adsl = pd.DataFrame({"A": D(["2024-01-01T23:59"]), "B": D(["2024-01-02T00:01"])})
    assert derive_var_trtdurd(adsl, "D", start_date="A", end_date="B")["D"].tolist() == [2.0]


def test_errors():
    with pytest.raises(DerivationError, match="missing column"):
        derive_var_trtdurd(pd.DataFrame({"TRTSDT": D(["2024-01-01"])}))
    with pytest.raises(DerivationError, match="not a date column"):
        derive_var_trtdurd(pd.DataFrame({"TRTSDT": ["2024-01-01"], "TRTEDT": ["2024-01-02"]}))
    with pytest.raises(DerivationError, match="already has TRTDURD"):
        derive_var_trtdurd(pd.DataFrame({"TRTSDT": D(["2024-01-01"]), "TRTEDT": D(["2024-01-02"]), "TRTDURD": [1.0]}))
