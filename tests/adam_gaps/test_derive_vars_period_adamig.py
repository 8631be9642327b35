"""derive_vars_period reads ADaMIG period variables: TRTxxP/TRTxxA (not TRxxP) and TRxx or APxx dates.

ADaMIG 1.3 section 3.3.2: on a BDS/OCCDS record, TRTP = TRTxxP and TRTA = TRTxxA of ADSL where
xx = APERIOD. Expected values below are worked out by hand from the dates in the ADSL fixture.
"""
from __future__ import annotations

import pandas as pd
import pytest

from cdisc_dm.adam.derivations import DerivationError, derive_vars_period
from cdisc_dm.adam.derivations.derive_vars_period import period_numbers

D = pd.to_datetime


def _adsl() -> pd.DataFrame:
    # subject P: placebo then IL-2; treatment period 1 ends on the switch day (TR01EDT = TR02SDT), while
    # the analysis periods do not touch (AP01EDT = switch day, AP02SDT = the day after)
    return pd.DataFrame({
        "USUBJID": ["P"],
        "TRT01P": ["Placebo"], "TRT01PN": [2.0], "TRT01A": ["Placebo"], "TRT01AN": [2.0],
        "TRT02P": ["IL-2"], "TRT02PN": [1.0], "TRT02A": ["IL-2"], "TRT02AN": [1.0],
        "TR01SDT": D(["2024-01-01"]), "TR01EDT": D(["2024-04-01"]),
        "TR02SDT": D(["2024-04-01"]), "TR02EDT": D(["2024-07-01"]),
        "AP01SDT": D(["2024-01-01"]), "AP01EDT": D(["2024-04-01"]),
        "AP02SDT": D(["2024-04-02"]), "AP02EDT": D(["2024-07-15"]),
    })


RECORDS = pd.DataFrame({"USUBJID": ["P"] * 4, "ADT": D(["2024-02-01", "2024-04-01", "2024-07-10", "2023-12-31"])})


def test_treatment_periods_use_trtxxp_and_trtxxa():
    out = derive_vars_period(RECORDS, _adsl())
    # switch day: the later treatment period wins; 07-10 is after TR02EDT; 2023-12-31 precedes dosing
    assert out["APERIOD"].fillna(0).tolist() == [1, 2, 0, 0]
    assert out["TRTP"].fillna("").tolist() == ["Placebo", "IL-2", "", ""]
    assert out["TRTA"].fillna("").tolist() == ["Placebo", "IL-2", "", ""]
    assert out["TRTAN"].fillna(0).tolist() == [2, 1, 0, 0]
    assert out["APERIODC"].fillna("").tolist() == ["Period 01", "Period 02", "", ""]


def test_analysis_periods_use_apxx_dates():
    out = derive_vars_period(RECORDS, _adsl(), period_dates="AP")
    # the switch-day assessment is in analysis period 1; 07-10 is inside AP02 (ends 07-15)
    assert out["APERIOD"].fillna(0).tolist() == [1, 1, 2, 0]
    assert out["TRTA"].fillna("").tolist() == ["Placebo", "Placebo", "IL-2", ""]
    assert out["TRTPN"].fillna(0).tolist() == [2, 2, 1, 0]


def test_only_the_adamig_names_are_read():
    adsl = _adsl().assign(TR01P="stale", TR01A="stale")
    out = derive_vars_period(RECORDS.iloc[:1], adsl)
    assert out["TRTA"].tolist() == ["Placebo"]


def test_inputs_are_checked():
    with pytest.raises(DerivationError, match="TRT02A"):
        derive_vars_period(RECORDS, _adsl().drop(columns=["TRT02A"]))
    with pytest.raises(DerivationError, match="ADSL has no APxxSDT columns"):
        derive_vars_period(RECORDS, _adsl().drop(columns=["AP01SDT", "AP02SDT"]), period_dates="AP")
    with pytest.raises(DerivationError, match="period_dates must be"):
        derive_vars_period(RECORDS, _adsl(), period_dates="XX")
    assert period_numbers(_adsl(), "AP") == [1, 2]


def test_il2dm_specs_no_longer_rename_period_variables():
    from cdisc_dm.resources import study_dir

    for spec in sorted((study_dir("il2dm") / "adam").glob("*.yaml")):
        text = spec.read_text(encoding="utf-8")
        for old in ("TR01P:", "TR01A:", "TR02P:", "TR02A:"):
            assert old not in text, f"{spec.name} still copies {old}"
