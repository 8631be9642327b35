"""Per-key summaries of another dataset: sums of numbers stored as text, no record silently lost."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.adam.derivations.assert_data import DerivationError
from cdisc_dm.adam.derivations.derive_var_merged_summary import derive_var_merged_summary

ADSL = pd.DataFrame({"USUBJID": ["A", "B", "C", "D"]})
ADD = pd.DataFrame({"USUBJID": ["A", "A", "B", "B", "D"], "P": [1, 2, 1, 2, 1],
                    "V": ["6", "9", " 16", None, None]})


@pytest.mark.parametrize("fun,expected", [
    ("sum", [15.0, 16.0, np.nan, np.nan]),     # D has only a missing value: the sum is missing, not 0
    ("mean", [7.5, 16.0, np.nan, np.nan]),
    ("min", [6.0, 16.0, np.nan, np.nan]),
    ("max", [9.0, 16.0, np.nan, np.nan]),
    ("count", [2.0, 1.0, np.nan, 0.0]),
])
def test_summaries(fun, expected):
    out = derive_var_merged_summary(ADSL, ADD, "USUBJID", "S", analysis_var="V", summary_fun=fun)
    assert np.allclose(out["S"].to_numpy(), expected, equal_nan=True)


def test_filter_and_missing_value_for_keys_without_records():
    out = derive_var_merged_summary(ADSL, ADD, "USUBJID", "S", lambda d: d["P"] == 2, analysis_var="V",
                                    summary_fun="count", missing_value=0)
    # A has one P=2 value, B's P=2 value is missing (count 0), C and D have no P=2 record -> 0
    assert out["S"].tolist() == [1.0, 0.0, 0.0, 0.0]


def test_text_that_is_not_a_number_is_an_error_naming_the_record():
    bad = ADD.assign(V=["6", "nine", "1", None, None])
    with pytest.raises(DerivationError, match=r"'nine' for USUBJID=A"):
        derive_var_merged_summary(ADSL, bad, "USUBJID", "S", analysis_var="V")


def test_argument_errors():
    with pytest.raises(DerivationError, match="summary_fun 'median'"):
        derive_var_merged_summary(ADSL, ADD, "USUBJID", "S", analysis_var="V", summary_fun="median")
    with pytest.raises(DerivationError, match="missing column"):
        derive_var_merged_summary(ADSL, ADD, "USUBJID", "S", analysis_var="W")
