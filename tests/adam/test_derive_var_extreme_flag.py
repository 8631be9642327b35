"""First/last flags: ordering, descending keys, missing order values, ties, filter, no mutation."""
from __future__ import annotations

import pandas as pd
import pytest

from cdisc_dm.adam.derivations import derive_var_extreme_flag

NaT = pd.NaT


def _ae():
    return pd.DataFrame({
        "USUBJID": ["1", "1", "1", "2", "2"],
        "ASTDT": pd.to_datetime(["2024-01-05", "2024-01-02", None, "2024-02-01", "2024-02-01"]),
        "AESEQ": [1, 2, 3, 1, 2],
        "TRTEMFL": ["Y", None, "Y", "Y", "Y"],
    })


def test_first_by_date_then_seq():
    out = derive_var_extreme_flag(_ae(), "USUBJID", ["ASTDT", "AESEQ"], "AOCCFL", mode="first")
    # subject 1: 01-02 (seq 2) is earliest; the missing date is never preferred. Subject 2: tie on date -> seq 1
    assert out["AOCCFL"].fillna("").tolist() == ["", "Y", "", "Y", ""]


def test_last_and_missing_order_values_never_win():
    out = derive_var_extreme_flag(_ae(), "USUBJID", ["ASTDT"], "LASTFL", mode="last")
    # subject 1: 01-05 is latest (NaT sorts first for "last"); subject 2: tie -> later input row (seq 2)
    assert out["LASTFL"].fillna("").tolist() == ["Y", "", "", "", "Y"]


def test_descending_key_and_filter():
    out = derive_var_extreme_flag(_ae(), "USUBJID", ["-AESEQ"], "FL", lambda d: d["TRTEMFL"].eq("Y"), mode="first")
    # subject 1 emergent: seq 1 and 3; descending -> seq 3 first. Subject 2: seq 2
    assert out["FL"].fillna("").tolist() == ["", "", "Y", "", "Y"]


def test_input_not_mutated_and_index_kept():
    ae = _ae().set_index(pd.Index([10, 20, 30, 40, 50]))
    before = ae.copy()
    out = derive_var_extreme_flag(ae, "USUBJID", ["AESEQ"], "FL")
    pd.testing.assert_frame_equal(ae, before)
    assert out.index.tolist() == [10, 20, 30, 40, 50] and out.loc[30, "FL"] == "Y"


def test_false_value_and_bad_mode():
    out = derive_var_extreme_flag(_ae(), "USUBJID", ["AESEQ"], "FL", false_value="N")
    assert out["FL"].tolist() == ["N", "N", "Y", "N", "Y"]
    with pytest.raises(ValueError, match="mode must be 'first' or 'last'"):
        derive_var_extreme_flag(_ae(), "USUBJID", ["AESEQ"], "FL", mode="max")
