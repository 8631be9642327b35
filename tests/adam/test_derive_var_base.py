"""BASE/BNRIND from the baseline record; duplicate baselines are an error."""
from __future__ import annotations

import pandas as pd
import pytest

from cdisc_dm.adam.derivations import DerivationError, derive_var_base


def _bds():
    return pd.DataFrame({"USUBJID": ["1", "1", "2", "2", "3"], "PARAMCD": ["CK"] * 5,
                         "AVAL": [280.0, 150.0, 90.0, 60.0, 10.0], "ANRIND": ["HIGH", "NORMAL", "NORMAL", "LOW", "LOW"],
                         "ABLFL": ["Y", None, "Y", None, None]})


def test_base_copied_to_every_record_of_the_group():
    out = derive_var_base(_bds())
    assert out["BASE"].tolist()[:4] == [280.0, 280.0, 90.0, 90.0] and pd.isna(out["BASE"].iloc[4])


def test_bnrind_from_baseline_record():
    out = derive_var_base(_bds(), new_var="BNRIND", source_var="ANRIND")
    assert out["BNRIND"].fillna("").tolist() == ["HIGH", "HIGH", "NORMAL", "NORMAL", ""]


def test_two_baselines_is_an_error_naming_the_key():
    d = _bds()
    d.loc[1, "ABLFL"] = "Y"
    with pytest.raises(DerivationError, match=r"baseline records has 2 rows sharing a key over USUBJID, PARAMCD \(first: \{'USUBJID': '1'"):
        derive_var_base(d)


def test_dates_keep_their_type():
    d = _bds().assign(ADT=pd.to_datetime(["2024-01-07", "2024-02-01", "2024-01-03", "2024-02-02", "2024-02-03"]))
    out = derive_var_base(d, new_var="BASEDT", source_var="ADT")
    assert pd.api.types.is_datetime64_any_dtype(out["BASEDT"])
    assert out["BASEDT"].dt.strftime("%m-%d").fillna("").tolist() == ["01-07", "01-07", "01-03", "01-03", ""]
