"""derive_var_threshold_range: max(1.5 x ULN - AVAL, AVAL - 0.5 x LLN), the pilot's ALBTRVAL.

Expected values are worked out by hand from the numbers below.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.adam.derivations.assert_data import DerivationError
from cdisc_dm.adam.derivations.derive_var_threshold_range import derive_var_threshold_range


def test_values_by_hand():
    lb = pd.DataFrame({"AVAL": [140.0, 300.0, 10.0, 50.0, 50.0, np.nan, 50.0],
                       "A1LO": [135.0, 135.0, 135.0, np.nan, 40.0, 40.0, np.nan],
                       "A1HI": [145.0, 145.0, 145.0, 60.0, np.nan, 60.0, np.nan]})
    out = derive_var_threshold_range(lb)["ALBTRVAL"].to_numpy()
    # 140: max(217.5-140, 140-67.5) = 77.5; 300: max(-82.5, 232.5); 10: max(207.5, -57.5);
    # one limit: only that side (90-50 = 40; 50-20 = 30); no AVAL or no limit: missing
    np.testing.assert_allclose(out, [77.5, 232.5, 207.5, 40.0, 30.0, np.nan, np.nan])


def test_factors_and_names_are_arguments_and_input_is_not_mutated():
    lb = pd.DataFrame({"X": [10.0], "L": [4.0], "H": [8.0]})
    before = lb.copy()
    out = derive_var_threshold_range(lb, "D", source_var="X", lo_var="L", hi_var="H", lo_factor=1, hi_factor=1)
    assert out["D"].tolist() == [6.0]  # max(8-10, 10-4)
    pd.testing.assert_frame_equal(lb, before)


@pytest.mark.parametrize("kwargs, words", [({"lo_factor": -1}, "lo_factor"), ({"hi_factor": "1.5"}, "hi_factor"),
                                           ({"hi_var": "ANRHI"}, "ANRHI")])
def test_bad_arguments_are_named(kwargs, words):
    lb = pd.DataFrame({"AVAL": [1.0], "A1LO": [1.0], "A1HI": [2.0]})
    with pytest.raises(DerivationError, match=words) as err:
        derive_var_threshold_range(lb, **kwargs)
    assert "derive_var_threshold_range" in str(err.value)
