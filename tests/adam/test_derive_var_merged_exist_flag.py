"""Population flag from the existence of a qualifying record."""
import pandas as pd

from cdisc_dm.adam.derivations import derive_var_merged_exist_flag


def test_saffl_needs_a_real_dose():
    adsl = pd.DataFrame({"USUBJID": ["1", "2", "3"]})
    ex = pd.DataFrame({"USUBJID": ["1", "2", "2"], "EXDOSE": [1.0, 0.0, None]})
    out = derive_var_merged_exist_flag(adsl, ex, "USUBJID", "SAFFL", condition=lambda d: d["EXDOSE"] > 0)
    # 1 dosed; 2 only zero/missing doses; 3 no EX at all
    assert out["SAFFL"].tolist() == ["Y", "N", "N"]
