"""LBNRIND from the standard result and range (SDTMIG 3.4 LB; codelist NRIND C78736)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cdisc_dm.mapping.algorithms.nrind import reference_indicator


def _ind(number, text, low, high, normal=None):
    out, inv = reference_indicator(pd.Series(number, dtype="float64"), pd.Series(text, dtype="str"),
                                   pd.Series(low, dtype="float64"), pd.Series(high, dtype="float64"),
                                   None if normal is None else pd.Series(normal, dtype="str"))
    return out.tolist(), inv.tolist()


def test_numeric_results_against_the_range_limits_are_inclusive():
    ind, _ = _ind([39.0, 40.0, 200.0, 201.0], ["39", "40", "200", "201"], [40] * 4, [200] * 4)
    assert ind == ["LOW", "NORMAL", "NORMAL", "HIGH"]


def test_one_sided_range():
    ind, _ = _ind([3.0, 9.0], ["3", "9"], [np.nan, np.nan], [8.1, 8.1])
    assert ind == ["NORMAL", "HIGH"]


def test_censored_results_only_when_the_limit_decides():
    # >3000 above an upper limit of 200 is certainly HIGH; <1 below an upper limit 8.1 with no
    # lower limit is NORMAL; <50 with a lower limit of 40 could be either: no indicator
    ind, _ = _ind([np.nan] * 3, [">3000", "<1", "<50"], [40, np.nan, 40], [200, 8.1, 200])
    assert ind[:2] == ["HIGH", "NORMAL"] and pd.isna(ind[2])


def test_qualitative_results_normal_or_abnormal():
    ind, _ = _ind([np.nan] * 2, ["NEGATIVE", "POSITIVE"], [np.nan] * 2, [np.nan] * 2, ["NEGATIVE"] * 2)
    assert ind == ["NORMAL", "ABNORMAL"]


def test_inverted_range_gives_no_indicator_and_is_flagged():
    ind, inv = _ind([50.0, 50.0], ["50", "50"], [300, 10], [120, 100])
    assert pd.isna(ind[0]) and ind[1] == "NORMAL" and inv == [True, False]


def test_no_result_no_indicator():
    ind, _ = _ind([np.nan], [None], [10], [20])
    assert pd.isna(ind[0])
