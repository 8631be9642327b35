"""TIS tests. Expected values are worked by hand from the published table (Aggarwal et al.,
Ann Rheum Dis 2017;76:792, with the point table reproduced in ../shared/DOMAIN.md); the arithmetic
for each case is in the comments."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.adam.derivations.compute_tis import (
    compute_improvement_pct,
    compute_tis,
    compute_tis_category,
    compute_tis_points,
)

M = ["PHYSICIAN_GLOBAL", "PATIENT_GLOBAL", "MMT8", "HAQ", "ENZYME", "EXTRAMUSCULAR"]


# Each row: measure, percent improvement, expected points (bucket boundaries inclusive at the top).
BOUNDARY_CASES = [
    ("PHYSICIAN_GLOBAL", -50.0, 0.0), ("PHYSICIAN_GLOBAL", 5.0, 0.0), ("PHYSICIAN_GLOBAL", 5.01, 7.5),
    ("PHYSICIAN_GLOBAL", 15.0, 7.5), ("PHYSICIAN_GLOBAL", 15.01, 15.0), ("PHYSICIAN_GLOBAL", 25.0, 15.0),
    ("PHYSICIAN_GLOBAL", 25.01, 17.5), ("PHYSICIAN_GLOBAL", 40.0, 17.5), ("PHYSICIAN_GLOBAL", 40.01, 20.0),
    ("PATIENT_GLOBAL", 5.0, 0.0), ("PATIENT_GLOBAL", 10.0, 2.5), ("PATIENT_GLOBAL", 20.0, 5.0),
    ("PATIENT_GLOBAL", 30.0, 7.5), ("PATIENT_GLOBAL", 100.0, 10.0),
    ("MMT8", -3.0, 0.0), ("MMT8", 2.0, 0.0), ("MMT8", 2.01, 10.0), ("MMT8", 10.0, 10.0),
    ("MMT8", 10.01, 20.0), ("MMT8", 20.0, 20.0), ("MMT8", 20.01, 27.5), ("MMT8", 30.0, 27.5), ("MMT8", 30.01, 32.5),
    ("HAQ", 5.0, 0.0), ("HAQ", 6.0, 5.0), ("HAQ", 16.0, 7.5), ("HAQ", 26.0, 7.5), ("HAQ", 41.0, 10.0),
    ("ENZYME", 5.0, 0.0), ("ENZYME", 6.0, 2.5), ("ENZYME", 16.0, 5.0), ("ENZYME", 26.0, 7.5), ("ENZYME", 99.0, 7.5),
    ("EXTRAMUSCULAR", 5.0, 0.0), ("EXTRAMUSCULAR", 6.0, 7.5), ("EXTRAMUSCULAR", 16.0, 12.5),
    ("EXTRAMUSCULAR", 26.0, 15.0), ("EXTRAMUSCULAR", 41.0, 20.0),
]


@pytest.mark.parametrize("measure,pct,expected", BOUNDARY_CASES)
def test_points_at_every_bucket_boundary(measure, pct, expected):
    assert compute_tis_points(measure, np.array([pct]))[0] == expected


def test_mmt_improves_upward_and_others_downward():
    # MMT-8 100 -> 120 is +20% improvement; a VAS 5 -> 6 is -20% (worsening).
    assert compute_improvement_pct([100.0], [120.0], "MMT8")[0] == pytest.approx(20.0)
    assert compute_improvement_pct([5.0], [6.0], "PHYSICIAN_GLOBAL")[0] == pytest.approx(-20.0)
    # worsening scores 0, not negative points
    assert compute_tis_points("PHYSICIAN_GLOBAL", [-20.0])[0] == 0.0


def test_floating_noise_on_a_boundary_stays_in_the_exact_bucket():
    # (10 - 8.5) / 10 * 100 = 15.000000000000002 in binary floating point; exactly 15 -> 7.5 points
    pct = compute_improvement_pct([10.0], [8.5], "PHYSICIAN_GLOBAL")
    assert compute_tis_points("PHYSICIAN_GLOBAL", pct)[0] == 7.5


def _frame(rows):
    return pd.DataFrame(rows, columns=M)


def test_three_patients_worked_by_hand():
    base = _frame([
        # patient A: strong responder
        [6.0, 7.0, 100.0, 1.5, 1200.0, 4.0],
        # patient B: mixed
        [4.0, 5.0, 110.0, 1.0, 800.0, 2.0],
        # patient C: worsening everywhere
        [3.0, 3.0, 120.0, 0.5, 300.0, 1.0],
    ])
    aval = _frame([
        [2.0, 4.0, 135.0, 0.75, 500.0, 1.0],
        [3.5, 5.0, 115.0, 0.9, 820.0, 1.6],
        [4.0, 4.0, 110.0, 1.0, 600.0, 2.0],
    ])
    res = compute_tis(base, aval)
    # A: PhGA (6-2)/6=66.7% -> 20; PtGA (7-4)/7=42.9% -> 10; MMT (135-100)/100=35% -> 32.5;
    #    HAQ (1.5-.75)/1.5=50% -> 10; enzyme (1200-500)/1200=58.3% -> 7.5; EXTRA (4-1)/4=75% -> 20. TIS=100
    # B: PhGA 12.5% -> 7.5; PtGA 0% -> 0; MMT 4.5% -> 10; HAQ 10% -> 5; enzyme -2.5% -> 0; EXTRA 20% -> 12.5. TIS=35
    # C: all worsening -> 0
    assert res["TIS"].tolist() == [100.0, 35.0, 0.0]
    assert res["TISCAT"].tolist() == ["MAJOR", "MINIMAL", "NONE"]
    assert res["TISN"].tolist() == [6, 6, 6]


def test_missing_component_gives_missing_tis_and_zero_baseline_scores_zero():
    base = _frame([[6.0, 7.0, 100.0, 0.0, 1200.0, 4.0], [6.0, 7.0, 100.0, 1.0, 1200.0, 4.0]])
    aval = _frame([[2.0, 4.0, 135.0, 0.0, 500.0, 1.0], [2.0, 4.0, np.nan, 0.5, 500.0, 1.0]])
    res = compute_tis(base, aval)
    # row 0: HAQ baseline 0 cannot improve -> 0 points; the rest as patient A above minus HAQ's 10 -> 90
    assert res.loc[0, "HAQ_PTS"] == 0.0 and res.loc[0, "TIS"] == 90.0
    # row 1: MMT-8 missing -> TIS missing, 5 components available
    assert np.isnan(res.loc[1, "TIS"]) and res.loc[1, "TISN"] == 5 and pd.isna(res.loc[1, "TISCAT"])


@pytest.mark.parametrize("tis,cat", [(19.99, "NONE"), (20.0, "MINIMAL"), (39.99, "MINIMAL"), (40.0, "MODERATE"),
                                     (59.99, "MODERATE"), (60.0, "MAJOR"), (100.0, "MAJOR"), (0.0, "NONE")])
def test_category_thresholds(tis, cat):
    assert compute_tis_category([tis])[0] == cat


def test_points_table_sums_to_100_at_maximum():
    base = _frame([[10.0, 10.0, 50.0, 3.0, 1000.0, 10.0]])
    aval = _frame([[0.0, 0.0, 150.0, 0.0, 10.0, 0.0]])
    assert compute_tis(base, aval)["TIS"].iloc[0] == 100.0


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="unknown TIS measure 'CK'"):
        compute_tis_points("CK", [1.0])
    with pytest.raises(ValueError, match="missing from base/aval"):
        compute_tis(pd.DataFrame({"HAQ": [1.0]}), pd.DataFrame({"HAQ": [1.0]}))
