"""derive_vars_merged: one record per key, first/last after ordering, renames, clashes, nothing dropped."""
import pandas as pd
import pytest

from cdisc_dm.adam.derivations import DerivationError, derive_vars_merged


def test_last_weight_before_dose_renamed():
    adsl = pd.DataFrame({"USUBJID": ["1", "2", "3"]})
    vs = pd.DataFrame({"USUBJID": ["1", "1", "1", "2"], "VSTESTCD": ["WEIGHT", "WEIGHT", "HEIGHT", "WEIGHT"],
                       "VSDTC": ["2024-01-01", "2024-01-05", "2024-01-06", "2024-01-02"], "VSSTRESN": [70.0, 71.5, 170.0, 60.0]})
    out = derive_vars_merged(adsl, vs, "USUBJID", order=["VSDTC"], new_vars={"WEIGHTBL": "VSSTRESN"},
                             filter_add=lambda d: d["VSTESTCD"].eq("WEIGHT"), mode="last")
    assert out["WEIGHTBL"].tolist()[:2] == [71.5, 60.0] and pd.isna(out["WEIGHTBL"].iloc[2])
    first = derive_vars_merged(adsl, vs, "USUBJID", order=["VSDTC"], new_vars={"W": "VSSTRESN"},
                               filter_add=lambda d: d["VSTESTCD"].eq("WEIGHT"), mode="first")
    assert first["W"].tolist()[:2] == [70.0, 60.0]


def test_duplicates_without_order_and_clashes_are_errors():
    a = pd.DataFrame({"USUBJID": ["1"], "X": [1]})
    with pytest.raises(DerivationError, match="dataset_add has 2 rows sharing a key over USUBJID"):
        derive_vars_merged(a, pd.DataFrame({"USUBJID": ["1", "1"], "Y": [1, 2]}), "USUBJID")
    with pytest.raises(DerivationError, match="X already in dataset"):
        derive_vars_merged(a, pd.DataFrame({"USUBJID": ["1"], "X": [1]}), "USUBJID")


def test_key_mapping():
    a = pd.DataFrame({"USUBJID": ["1", "2"]})
    a = pd.DataFrame({"USUBJID": ["1", "2", "3"]})
    b = pd.DataFrame({"SUBJECT": ["2", "3"], "SITE": ["01", None]})
    out = derive_vars_merged(a, b, {"USUBJID": "SUBJECT"}, new_vars=["SITE"], missing_values={"SITE": "NONE"})
    # 1 has no match -> default; 3 matched a record whose SITE is missing -> stays missing
    assert out["SITE"].fillna("").tolist() == ["NONE", "01", ""]
