"""TRxxSDT/TRxxEDT per period from EX (two-period IL-2 design), hand-worked."""
import pandas as pd

from cdisc_dm.adam.derivations import derive_vars_trtdt_period

PERIODS = {"BLINDED TREATMENT": 1, "OPEN LABEL TREATMENT": 2}


def test_two_periods_and_overall():
    adsl = pd.DataFrame({"USUBJID": ["1", "2", "3"]})
    ex = pd.DataFrame({
        "USUBJID": ["1", "1", "1", "1", "2", "2"],
        "EPOCH": ["BLINDED TREATMENT", "BLINDED TREATMENT", "OPEN LABEL TREATMENT", "OPEN LABEL TREATMENT",
                  "BLINDED TREATMENT", "BLINDED TREATMENT"],
        "EXSTDTC": ["2024-01-03", "2024-01-01", "2024-04-02", "2024-06-01", "2024-02-01", "2024-02-03"],
        "EXENDTC": [None, None, "2024-05-31", None, None, None],
        "EXDOSE": [1.0, 1.0, 1.0, 1.0, 1.0, 0.0],
    })
    out = derive_vars_trtdt_period(adsl, ex, filter_ex=lambda d: d["EXDOSE"] > 0, period_map=PERIODS)
    f = lambda c: out[c].dt.strftime("%Y-%m-%d").fillna("").tolist()
    # subject 1: blinded 01-01..01-03 (missing end -> start), open label 04-02..06-01
    # subject 2: the 02-03 record has dose 0 -> excluded; no open-label period. Subject 3: no EX
    assert f("TR01SDT") == ["2024-01-01", "2024-02-01", ""]
    assert f("TR01EDT") == ["2024-01-03", "2024-02-01", ""]
    assert f("TR02SDT") == ["2024-04-02", "", ""]
    assert f("TR02EDT") == ["2024-06-01", "", ""]
    assert f("TRTSDT") == ["2024-01-01", "2024-02-01", ""]
    assert f("TRTEDT") == ["2024-06-01", "2024-02-01", ""]
