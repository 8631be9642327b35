"""Input checks: the wording names the function, what is missing and what to do (snapshot of the message)."""
from __future__ import annotations

import pandas as pd
import pytest

from cdisc_dm.adam.derivations import DerivationError, derive_var_chg, derive_var_extreme_flag
from cdisc_dm.errors import SpecError


def test_missing_column_message():
    with pytest.raises(DerivationError) as exc:
        derive_var_chg(pd.DataFrame({"AVAL": [1.0]}))
    assert str(exc.value) == ("derive_var_chg: input is missing column(s) BASE "
                              "(derive or merge them first; the input has: AVAL)")
    assert isinstance(exc.value, SpecError) and isinstance(exc.value, ValueError)


def test_filter_strings_are_refused_because_specs_never_eval():
    with pytest.raises(DerivationError, match="filter must be a callable or a boolean mask, not the string"):
        derive_var_extreme_flag(pd.DataFrame({"A": [1]}), "A", ["A"], "FL", "A > 0")


def test_filter_of_wrong_length():
    with pytest.raises(DerivationError, match="filter gave 1 values for 2 rows"):
        derive_var_extreme_flag(pd.DataFrame({"A": [1, 2]}), "A", ["A"], "FL", pd.Series([True]).to_numpy())


def test_not_a_dataframe():
    with pytest.raises(DerivationError, match="input must be a pandas DataFrame, got dict"):
        derive_var_chg({"AVAL": [1.0]})
