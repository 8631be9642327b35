"""Absent Expected SDTM columns are read as missing; present ones are never touched."""
from __future__ import annotations

import pandas as pd
import pytest

from cdisc_dm.adam.derivations.assert_data import DerivationError
from cdisc_dm.adam.derivations.derive_vars_if_absent import derive_vars_if_absent


def test_absent_columns_are_added_missing_and_present_ones_kept():
    dm = pd.DataFrame({"USUBJID": ["1", "2"], "DTHDTC": ["2024-05", None]})
    out = derive_vars_if_absent(dm, {"DTHDTC": "Char", "DTHFL": "Char", "DTHDY": "Num"})
    assert out["DTHDTC"].iloc[0] == "2024-05" and pd.isna(out["DTHDTC"].iloc[1])
    assert out["DTHFL"].isna().all() and pd.api.types.is_string_dtype(out["DTHFL"])
    assert out["DTHDY"].isna().all() and out["DTHDY"].dtype == "float64"
    assert list(dm.columns) == ["USUBJID", "DTHDTC"]


def test_a_bad_type_is_an_error():
    with pytest.raises(DerivationError, match="DTHFL is 'Text'"):
        derive_vars_if_absent(pd.DataFrame({"USUBJID": ["1"]}), {"DTHFL": "Text"})


def test_il2_adsl_runs_on_a_dm_without_death_columns(il2_sdtm):
    from cdisc_dm.adam.engine import run_adam_plan
    from cdisc_dm.adam.spec import load_adam_plan

    frames = dict(il2_sdtm, DM=il2_sdtm["DM"].drop(columns=["DTHDTC", "DTHFL"]))
    adsl = run_adam_plan(load_adam_plan("il2dm"), frames).package["ADSL"].data
    assert adsl["DTHFL"].isna().all() and adsl["DTHDT"].isna().all()
