"""OCCDS end to end for the two-period IL-2 design: partial dates, periods, TRTEMFL, first occurrences.

Subject PBO got placebo in the blinded period (TR01) then IL-2 open label (TR02); subject IL2 got
IL-2 throughout. Every expected value is worked out in the comments.
"""
from __future__ import annotations

import pandas as pd

from cdisc_dm.adam.derivations import (
    derive_var_extreme_flag, derive_var_trtemfl, derive_vars_dt, derive_vars_dy, derive_vars_merged, derive_vars_period,
)

D = pd.to_datetime


def test_adae_pipeline():
    adsl = pd.DataFrame({
        "USUBJID": ["PBO", "IL2"],
        "TRTSDT": D(["2024-01-10", "2024-02-01"]), "TRTEDT": D(["2024-07-10", "2024-08-01"]),
        "TR01SDT": D(["2024-01-10", "2024-02-01"]), "TR01EDT": D(["2024-04-02", "2024-04-24"]),
        "TRT01P": ["Placebo", "IL-2 1 MIU QOD"], "TRT01A": ["Placebo", "IL-2 1 MIU QOD"],
        "TR02SDT": D(["2024-04-03", "2024-04-25"]), "TR02EDT": D(["2024-07-10", "2024-08-01"]),
        "TRT02P": ["IL-2 1 MIU QOD"] * 2, "TRT02A": ["IL-2 1 MIU QOD"] * 2,
    })
    ae = pd.DataFrame({
        "USUBJID": ["PBO", "PBO", "PBO", "PBO", "IL2", "IL2"],
        "AESEQ": [1, 2, 3, 4, 1, 2],
        "AEBODSYS": ["SKIN", "SKIN", "INFECTIONS", "SKIN", "GENERAL", "GENERAL"],
        "AEDECOD": ["RASH", "PRURITUS", "NASOPHARYNGITIS", "RASH", "INJECTION SITE REACTION", "PYREXIA"],
        "AESTDTC": ["2024-01", "2024-02-15", "2023-12-20", "2024-04", "2024-02-01", "2024-08"],
        "AEENDTC": [None, "2024-02", "2024-01-05", None, "2024-02-03", None],
    })
    a = derive_vars_merged(ae, adsl, "USUBJID", new_vars=["TRTSDT", "TRTEDT"])
    a = derive_vars_dt(a, "AST", "AESTDTC", highest_imputation="M", min_dates="TRTSDT")
    a = derive_vars_dt(a, "AEN", "AEENDTC", highest_imputation="M", date_imputation="last")
    a = derive_vars_dy(a, ["ASTDT", "AENDT"])
    a = derive_var_trtemfl(a, end_window=14)
    a = derive_vars_period(a, adsl, date_var="ASTDT", end_lag_days=14)
    te = lambda d: d["TRTEMFL"].eq("Y")
    a = derive_var_extreme_flag(a, "USUBJID", ["ASTDT", "AESEQ"], "AOCCFL", te, mode="first")
    a = derive_var_extreme_flag(a, ["USUBJID", "AEBODSYS", "AEDECOD"], ["ASTDT", "AESEQ"], "AOCCPFL", te, mode="first")

    fmt = lambda c: a[c].dt.strftime("%Y-%m-%d").fillna("").tolist()
    # PBO/1 "2024-01" covers TRTSDT 01-10 -> 01-10 (D); PBO/2 complete; PBO/3 before dosing, complete;
    # PBO/4 "2024-04" does not cover 01-10 -> 04-01 (D); IL2/1 complete; IL2/2 "2024-08" covers nothing -> 08-01 (D)
    assert fmt("ASTDT") == ["2024-01-10", "2024-02-15", "2023-12-20", "2024-04-01", "2024-02-01", "2024-08-01"]
    assert a["ASTDTF"].fillna("").tolist() == ["D", "", "", "D", "", "D"]
    # end "2024-02" -> last day of Feb 2024 (leap year)
    assert fmt("AENDT")[1] == "2024-02-29"
    assert a["ASTDY"].tolist() == [1.0, 37.0, -21.0, 83.0, 1.0, 183.0]
    # PBO/3 started before dosing -> not emergent; all others start within [TRTSDT, TRTEDT + 14]
    assert a["TRTEMFL"].fillna("").tolist() == ["Y", "Y", "", "Y", "Y", "Y"]
    # PBO/4 starts 04-01: still blinded period 1 (TR01EDT 04-02) -> a placebo event, not an IL-2 event.
    # IL2/2 08-01 = TR02EDT -> period 2. PBO/3 predates TR01SDT -> no period.
    assert a["APERIOD"].fillna(0).tolist() == [1, 1, 0, 1, 1, 2]
    assert a["TRTA"].fillna("").tolist() == ["Placebo", "Placebo", "", "Placebo", "IL-2 1 MIU QOD", "IL-2 1 MIU QOD"]
    # first emergent event per subject: PBO/1 (01-10), IL2/1; RASH twice for PBO -> only the first is AOCCPFL
    assert a["AOCCFL"].fillna("").tolist() == ["Y", "", "", "", "Y", ""]
    assert a["AOCCPFL"].fillna("").tolist() == ["Y", "Y", "", "", "Y", "Y"]
