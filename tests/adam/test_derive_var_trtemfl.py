"""TRTEMFL: on/after first dose and up to last dose + lag; unknown start handled conservatively."""
import pandas as pd

from cdisc_dm.adam.derivations import derive_var_trtemfl

D = pd.to_datetime


def _ae():
    return pd.DataFrame({
        "ASTDT": D(["2024-03-14", "2024-03-15", "2024-05-01", "2024-05-08", "2024-05-09", None, None, None, "2024-04-01"]),
        "AENDT": D([None, None, None, None, None, None, "2024-03-10", "2024-03-20", None]),
        "TRTSDT": D(["2024-03-15"] * 8 + [None]),
        "TRTEDT": D(["2024-05-01"] * 8 + [None]),
    })


def test_window_and_unknown_start():
    out = derive_var_trtemfl(_ae(), end_window=7)
    # before dose; dose day; last dose day; last + 7 (inclusive); last + 8; unknown start & end;
    # unknown start ended before dosing; unknown start ended after dosing; never dosed
    assert out["TRTEMFL"].fillna("").tolist() == ["", "Y", "Y", "Y", "", "Y", "", "Y", ""]


def test_no_upper_bound_and_missing_trtedt():
    out = derive_var_trtemfl(_ae(), end_window=None)
    assert out["TRTEMFL"].fillna("").tolist()[3:5] == ["Y", "Y"]
    d = _ae().assign(TRTEDT=D([None] * 9))
    assert derive_var_trtemfl(d)["TRTEMFL"].fillna("").tolist()[4] == "Y"
