"""Analysis windows as data: inclusive bounds, no day 0, gaps, overlap errors, per-parameter windows."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.adam.derivations import DerivationError, derive_vars_avisit

WINDOWS = pd.DataFrame({
    "AVISIT": ["Baseline", "Week 4", "Week 8"], "AVISITN": [0, 4, 8],
    "AWTARGET": [1, 29, 57], "AWLO": [-28, 2, 44], "AWHI": [1, 43, 71],
})


def test_bounds_are_inclusive_and_gaps_stay_unassigned():
    d = pd.DataFrame({"ADY": [-29, -28, 1, 2, 43, 44, 71, 72, np.nan]})
    out = derive_vars_avisit(d, WINDOWS)
    assert out["AVISIT"].fillna("").tolist() == ["", "Baseline", "Baseline", "Week 4", "Week 4", "Week 8", "Week 8", "", ""]
    assert out["AVISITN"].tolist()[1:3] == [0.0, 0.0] and np.isnan(out["AVISITN"].iloc[0])
    assert len(out) == len(d)  # nothing dropped


def test_awtdiff_counts_calendar_days_across_day_1():
    d = pd.DataFrame({"ADY": [-1, 1, 25, 36]})
    out = derive_vars_avisit(d, WINDOWS)
    # day -1 is the day before day 1: 1 day from target 1 (not 2); 25 -> |25-29| = 4; 36 -> 7
    assert out["AWTDIFF"].tolist() == [1.0, 0.0, 4.0, 7.0]
    assert out["AWU"].tolist() == ["DAYS"] * 4 and out["AWLO"].tolist() == [-28.0, -28.0, 2.0, 2.0]


def test_overlapping_windows_are_an_error_naming_both():
    bad = WINDOWS.copy()
    bad.loc[1, "AWHI"] = 44
    with pytest.raises(DerivationError, match=r"windows 'Week 4' \[2, 44\] and 'Week 8' \[44, 71\] overlap"):
        derive_vars_avisit(pd.DataFrame({"ADY": [1]}), bad)


def test_target_outside_its_window_is_an_error():
    bad = WINDOWS.copy()
    bad.loc[2, "AWTARGET"] = 80
    with pytest.raises(DerivationError, match="window 'Week 8' needs AWLO <= AWTARGET <= AWHI"):
        derive_vars_avisit(pd.DataFrame({"ADY": [1]}), bad)


def test_windows_per_parameter():
    w = pd.concat([WINDOWS.assign(PARAMCD="CK"),
                   pd.DataFrame({"AVISIT": ["Baseline", "Week 8"], "AVISITN": [0, 8], "AWTARGET": [1, 57],
                                 "AWLO": [-28, 2], "AWHI": [1, 90], "PARAMCD": "HAQDI"})])
    d = pd.DataFrame({"PARAMCD": ["CK", "HAQDI", "MMT8"], "ADY": [30, 30, 30]})
    out = derive_vars_avisit(d, w, by_vars="PARAMCD")
    # CK day 30 -> Week 4; HAQ-DI has only a Week 8 window [2, 90]; MMT8 has no windows at all
    assert out["AVISIT"].fillna("").tolist() == ["Week 4", "Week 8", ""]
