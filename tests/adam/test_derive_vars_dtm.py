"""Date-time imputation and --TMF flags (hand-worked)."""
import pandas as pd

from cdisc_dm.adam.derivations import derive_vars_dtm


def test_time_imputation_first_and_last():
    d = pd.DataFrame({"DTC": ["2024-03-20T08:30:15", "2024-03-20T08:30", "2024-03-20T08", "2024-03-20", "2024-03"]})
    first = derive_vars_dtm(d, "A", "DTC", highest_imputation="h")
    assert first["ADTM"].dt.strftime("%Y-%m-%d %H:%M:%S").fillna("").tolist() == [
        "2024-03-20 08:30:15", "2024-03-20 08:30:00", "2024-03-20 08:00:00", "2024-03-20 00:00:00", ""]
    assert first["ATMF"].fillna("").tolist() == ["", "S", "M", "H", ""]
    last = derive_vars_dtm(d, "A", "DTC", highest_imputation="M", date_imputation="last", time_imputation="last")
    assert last["ADTM"].dt.strftime("%Y-%m-%d %H:%M:%S").tolist()[2:] == [
        "2024-03-20 08:59:59", "2024-03-20 23:59:59", "2024-03-31 23:59:59"]
    assert last["ADTF"].fillna("").tolist() == ["", "", "", "", "D"]


def test_minutes_level_leaves_hour_gaps_missing():
    d = pd.DataFrame({"DTC": ["2024-03-20T08", "2024-03-20"]})
    out = derive_vars_dtm(d, "A", "DTC", highest_imputation="m")
    assert out["ADTM"].dt.strftime("%H:%M").fillna("").tolist() == ["08:00", ""]


def test_start_imputed_to_first_dose_datetime():
    d = pd.DataFrame({"DTC": ["2024-03-15", "2024-03"], "TRTSDTM": pd.to_datetime(["2024-03-15 09:00"] * 2)})
    out = derive_vars_dtm(d, "AST", "DTC", highest_imputation="M", min_dates="TRTSDTM")
    # both cover the dose moment: imputed to it rather than to midnight / the 1st
    assert out["ASTDTM"].dt.strftime("%Y-%m-%d %H:%M").tolist() == ["2024-03-15 09:00", "2024-03-15 09:00"]


def test_reference_time_used_only_when_covered():
    d = pd.DataFrame({"DTC": ["2024-03-15T08", "2024-03-15T09", "2024-03-15T10:30"],
                      "TRTSDTM": pd.to_datetime(["2024-03-15 09:00"] * 3)})
    out = derive_vars_dtm(d, "AST", "DTC", highest_imputation="M", min_dates="TRTSDTM")
    # 08:xx cannot contain 09:00 -> 08:00; 09:xx contains it -> 09:00; 10:30:xx is after -> 10:30:00
    assert out["ASTDTM"].dt.strftime("%H:%M:%S").tolist() == ["08:00:00", "09:00:00", "10:30:00"]
