"""APERIOD/TRTP/TRTA from ADSL period dates: a blinded-period event on placebo is not an IL-2 event."""
from __future__ import annotations

import pandas as pd
import pytest

from cdisc_dm.adam.derivations import DerivationError, derive_vars_period

D = pd.to_datetime


def _adsl():
    return pd.DataFrame({
        "USUBJID": ["P", "I"],
        "TR01SDT": D(["2024-01-01", "2024-01-10"]), "TR01EDT": D(["2024-04-01", "2024-04-10"]),
        "TRT01P": ["Placebo", "IL-2 1 MIU QOD"], "TRT01A": ["Placebo", "IL-2 1 MIU QOD"],
        "TRT01PN": [0.0, 1.0], "TRT01AN": [0.0, 1.0],
        "TR02SDT": D(["2024-04-01", "2024-04-11"]), "TR02EDT": D(["2024-07-01", None]),
        "TRT02P": ["IL-2 1 MIU QOD"] * 2, "TRT02A": ["IL-2 1 MIU QOD"] * 2,
        "TRT02PN": [1.0, 1.0], "TRT02AN": [1.0, 1.0],
    })


def test_periods_and_treatments():
    ae = pd.DataFrame({"USUBJID": ["P", "P", "P", "P", "P", "I", "I"],
                       "ADT": D(["2023-12-31", "2024-02-01", "2024-04-01", "2024-07-01", "2024-07-02", "2024-02-01", "2025-01-01"])})
    out = derive_vars_period(ae, _adsl())
    # P: screening (none); blinded on placebo; 04-01 is both TR01EDT and TR02SDT -> later period wins;
    #    last open-label day; one day after TR02EDT -> none. I: blinded IL-2; TR02EDT missing -> open-ended
    assert out["APERIOD"].fillna(0).tolist() == [0, 1, 2, 2, 0, 1, 2]
    assert out["TRTA"].fillna("").tolist() == ["", "Placebo", "IL-2 1 MIU QOD", "IL-2 1 MIU QOD", "", "IL-2 1 MIU QOD", "IL-2 1 MIU QOD"]
    assert out["APERIODC"].fillna("").tolist()[:3] == ["", "Period 01", "Period 02"]
    assert out["TRTAN"].fillna(-1).tolist() == [-1, 0, 1, 1, -1, 1, 1]


def test_lag_extends_the_last_period_only():
    ae = pd.DataFrame({"USUBJID": ["P", "P"], "ADT": D(["2024-07-31", "2024-08-01"])})
    out = derive_vars_period(ae, _adsl(), end_lag_days=30)
    # 07-01 + 30 days = 07-31 inclusive
    assert out["APERIOD"].fillna(0).tolist() == [2, 0]


def test_errors():
    with pytest.raises(DerivationError, match="ADSL has no TRxxSDT columns"):
        derive_vars_period(pd.DataFrame({"USUBJID": ["P"], "ADT": D(["2024-01-01"])}), pd.DataFrame({"USUBJID": ["P"]}))
    with pytest.raises(DerivationError, match="ADSL has 4 rows sharing a key over USUBJID"):
        derive_vars_period(pd.DataFrame({"USUBJID": ["P"], "ADT": D(["2024-01-01"])}), pd.concat([_adsl(), _adsl()]))
