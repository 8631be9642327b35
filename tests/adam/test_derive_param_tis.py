"""TIS from BDS records, end to end for three realistic patients (every value worked by hand below).

Points table: Aggarwal et al., Ann Rheum Dis 2017;76:792 (see test_compute_tis_boundaries).
Components: PHGA (physician global VAS, cm), PTGA (patient global VAS), MMT8 (0-150), HAQDI (0-3),
muscle enzymes CK / ALDOLASE / LDH / ALT / AST (most abnormal at baseline by x ULN), EXTRAGA (MDAAT
extramuscular global VAS).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.adam.derivations import DerivationError, compute_imacs_doi, derive_param_tis

COMPONENTS = {"PHYSICIAN_GLOBAL": "PHGA", "PATIENT_GLOBAL": "PTGA", "MMT8": "MMT8", "HAQ": "HAQDI",
              "ENZYME": ["CK", "ALDOLASE", "LDH", "ALT", "AST"], "EXTRAMUSCULAR": "EXTRAGA"}
ULN = {"CK": 200.0, "ALDOLASE": 7.6, "LDH": 250.0, "ALT": 40.0, "AST": 40.0}


def _rows(subj, visit, values):
    return [{"USUBJID": subj, "AVISITN": visit, "PARAMCD": p, "AVAL": v, "ANRHI": ULN.get(p, np.nan),
             "ABLFL": "Y" if visit == 0 else None} for p, v in values.items()]


def _bds():
    rows = []
    # Patient 1: baseline, week 8, week 16
    rows += _rows("01-0001", 0, {"PHGA": 6.0, "PTGA": 7.0, "MMT8": 100.0, "HAQDI": 1.5, "CK": 1200.0, "ALDOLASE": 12.0,
                                 "LDH": 300.0, "ALT": 60.0, "AST": 50.0, "EXTRAGA": 4.0})
    rows += _rows("01-0001", 8, {"PHGA": 5.0, "PTGA": 7.0, "MMT8": 104.0, "HAQDI": 1.5, "CK": 1000.0, "EXTRAGA": 3.8})
    rows += _rows("01-0001", 16, {"PHGA": 3.0, "PTGA": 5.0, "MMT8": 118.0, "HAQDI": 1.125, "CK": 600.0, "ALDOLASE": 20.0,
                                  "EXTRAGA": 3.0})
    # Patient 2: aldolase and LDH tie at 2.0 x ULN at baseline -> the first listed (ALDOLASE) is used
    rows += _rows("01-0002", 0, {"PHGA": 4.0, "PTGA": 5.0, "MMT8": 120.0, "HAQDI": 1.0, "CK": 180.0, "ALDOLASE": 15.2,
                                 "LDH": 500.0, "ALT": 30.0, "AST": 30.0, "EXTRAGA": 2.0})
    rows += _rows("01-0002", 16, {"PHGA": 3.0, "PTGA": 4.0, "MMT8": 126.0, "HAQDI": 0.875, "CK": 90.0, "ALDOLASE": 11.4,
                                  "LDH": 250.0, "EXTRAGA": 1.0})
    # Patient 3: worsening, a zero baseline, and a visit with MMT-8 missing
    rows += _rows("01-0003", 0, {"PHGA": 3.0, "PTGA": 3.0, "MMT8": 110.0, "HAQDI": 0.5, "CK": 900.0, "EXTRAGA": 0.0})
    rows += _rows("01-0003", 8, {"PHGA": 2.0, "PTGA": 2.0, "HAQDI": 0.25, "CK": 400.0, "EXTRAGA": 0.0})
    rows += _rows("01-0003", 16, {"PHGA": 4.0, "PTGA": 2.4, "MMT8": 104.0, "HAQDI": 0.5, "CK": 855.0, "EXTRAGA": 0.0})
    d = pd.DataFrame(rows)
    base = d.loc[d["ABLFL"].eq("Y"), ["USUBJID", "PARAMCD", "AVAL"]].rename(columns={"AVAL": "BASE"})
    return d.merge(base, on=["USUBJID", "PARAMCD"], how="left")


@pytest.fixture(scope="module")
def tis():
    out = derive_param_tis(_bds(), ["USUBJID", "AVISITN"], lambda d: d["AVISITN"] > 0, components=COMPONENTS)
    t = out.loc[out["PARAMCD"] == "TIS"].set_index(["USUBJID", "AVISITN"])
    c = out.loc[out["PARAMCD"] == "TISCAT"].set_index(["USUBJID", "AVISITN"])
    return t, c


def test_patient_1(tis):
    t, c = tis
    # Week 8: PhGA (6-5)/6 = 16.7% -> 15; PtGA 0% -> 0; MMT (104-100)/100 = 4% -> 10; HAQ 0% -> 0;
    #         CK (most abnormal: 6.0 x ULN) (1200-1000)/1200 = 16.7% -> 5; EXTRA (4-3.8)/4 = 5% exactly -> 0.
    #         TIS = 15 + 0 + 10 + 0 + 5 + 0 = 30 -> MINIMAL
    assert t.loc[("01-0001", 8), "AVAL"] == 30.0 and c.loc[("01-0001", 8), "AVALC"] == "MINIMAL"
    # Week 16: PhGA 50% -> 20; PtGA 28.6% -> 7.5; MMT 18% -> 20; HAQ 25% exactly -> 7.5; CK 50% -> 7.5;
    #          EXTRA 25% exactly -> 12.5 (aldolase rising to 20 is ignored: CK is the chosen enzyme).
    #          TIS = 20 + 7.5 + 20 + 7.5 + 7.5 + 12.5 = 75 -> MAJOR
    assert t.loc[("01-0001", 16), "AVAL"] == 75.0 and c.loc[("01-0001", 16), "AVALC"] == "MAJOR"
    assert c.loc[("01-0001", 16), "AVAL"] == 3.0


def test_patient_2_enzyme_tie_and_threshold(tis):
    t, c = tis
    # Week 16: PhGA 25% -> 15; PtGA 20% -> 5; MMT 5% -> 10; HAQ 12.5% -> 5;
    #          ALDOLASE (15.2-11.4)/15.2 = 25% -> 5 (LDH's 50% would give 7.5); EXTRA 50% -> 20.
    #          TIS = 15 + 5 + 10 + 5 + 5 + 20 = 60 -> MAJOR (the threshold itself)
    assert t.loc[("01-0002", 16), "AVAL"] == 60.0 and c.loc[("01-0002", 16), "AVALC"] == "MAJOR"


def test_patient_3_worsening_zero_baseline_and_missing(tis):
    t, c = tis
    # Week 16: PhGA worse -> 0; PtGA (3-2.4)/3 = 20% -> 5; MMT -5.5% -> 0; HAQ 0% -> 0; CK 5% -> 0;
    #          EXTRA baseline 0 -> cannot improve -> 0. TIS = 5 -> NONE
    assert t.loc[("01-0003", 16), "AVAL"] == 5.0 and c.loc[("01-0003", 16), "AVALC"] == "NONE"
    # Week 8: MMT-8 missing -> TIS missing -> no record
    assert ("01-0003", 8) not in t.index


def test_imacs_doi_on_the_same_patients():
    pct = pd.DataFrame({
        # patient 1 week 16: 50, 28.6, 18, 25, 50, 25 -> 5 improved >= 20%, none worsened -> improved
        "PHYSICIAN_GLOBAL": [50.0, -33.3], "PATIENT_GLOBAL": [28.6, 20.0], "MMT8": [18.0, -5.5],
        # patient 3 week 16: only PtGA improved, EXTRA unknown (zero baseline) -> at most 2 -> not improved
        "HAQ": [25.0, 0.0], "ENZYME": [50.0, 5.0], "EXTRAMUSCULAR": [25.0, np.nan],
    })
    assert compute_imacs_doi(pct).tolist() == [True, False]


def test_components_must_be_complete():
    with pytest.raises(DerivationError, match="components lacks \\['EXTRAMUSCULAR'\\]"):
        derive_param_tis(_bds(), components={k: v for k, v in COMPONENTS.items() if k != "EXTRAMUSCULAR"})
