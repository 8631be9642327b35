"""Baseline flag: last non-missing value on or before first dose; time-aware with ADTM/TRTSDTM."""
from __future__ import annotations

import pandas as pd

from cdisc_dm.adam.derivations import derive_var_ablfl


def _bds(**extra):
    d = pd.DataFrame({
        "USUBJID": ["1", "1", "1", "1", "2", "2", "3"],
        "PARAMCD": ["CK"] * 7,
        "AVAL": [300.0, 280.0, None, 150.0, 90.0, 95.0, 50.0],
        "ADT": pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-08", "2024-02-01", "2024-01-03", "2024-01-10", "2024-01-01"]),
        "TRTSDT": pd.to_datetime(["2024-01-08"] * 4 + ["2024-01-05"] * 2 + [None]),
    })
    return d.assign(**extra)


def test_last_on_or_before_first_dose_skipping_missing_values():
    out = derive_var_ablfl(_bds())
    # subject 1: day-of-dose value 280 (on or before counts; the missing AVAL record is skipped)
    # subject 2: 01-03 is the only pre-dose value; subject 3 was never dosed -> no baseline
    assert out["ABLFL"].fillna("").tolist() == ["", "Y", "", "", "Y", "", ""]


def test_time_aware_when_both_times_exist():
    times = pd.to_datetime(["2024-01-01 09:00", "2024-01-08 10:30", "2024-01-08 07:00", "2024-02-01 09:00",
                            "2024-01-03 08:00", "2024-01-10 08:00", "2024-01-01 08:00"])
    d = _bds(ADTM=times, TRTSDTM=pd.to_datetime(["2024-01-08 09:00"] * 4 + ["2024-01-05 09:00"] * 2 + [None]))
    out = derive_var_ablfl(d)
    # subject 1: the 01-08 10:30 sample is AFTER the 09:00 dose -> baseline falls back to 01-01
    assert out["ABLFL"].fillna("").tolist() == ["Y", "", "", "", "Y", "", ""]


def test_date_rule_used_when_a_time_is_missing():
    d = _bds(ADTM=pd.to_datetime([None] * 7), TRTSDTM=pd.to_datetime(["2024-01-08 09:00"] * 4 + ["2024-01-05 09:00"] * 2 + [None]))
    assert derive_var_ablfl(d)["ABLFL"].fillna("").tolist() == ["", "Y", "", "", "Y", "", ""]


def test_filter_and_no_mutation():
    d = _bds()
    before = d.copy()
    out = derive_var_ablfl(d, filter=lambda x: x["AVAL"] > 290)
    pd.testing.assert_frame_equal(d, before)
    assert out["ABLFL"].fillna("").tolist() == ["Y", "", "", "", "", "", ""]


def test_default_order_is_day_then_time_so_untimed_records_are_not_skipped():
    d = pd.DataFrame({"USUBJID": ["1", "1"], "PARAMCD": ["CK", "CK"], "AVAL": [300.0, 280.0],
                      "ADT": pd.to_datetime(["2024-01-02", "2024-01-05"]),
                      "ADTM": pd.to_datetime(["2024-01-02 08:00", None]),
                      "TRTSDT": pd.to_datetime(["2024-01-08"] * 2), "TRTSDTM": pd.to_datetime(["2024-01-08 09:00"] * 2)})
    # the later (01-05) sample has no time; it is still the latest pre-dose value
    assert derive_var_ablfl(d)["ABLFL"].fillna("").tolist() == ["", "Y"]
