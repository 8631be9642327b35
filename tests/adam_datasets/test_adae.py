"""ADAE: imputation, treatment emergence, period and treatment at onset, first-occurrence flags."""
from __future__ import annotations

import pandas as pd
import pytest

from cdisc_dm.adam.engine import run_adam_plan
from cdisc_dm.adam.spec import load_adam_plan


def test_one_record_per_ae_record(adam_run):
    adae, ae = adam_run["adam"]["ADAE"], adam_run["sdtm"]["AE"]
    assert len(adae) == len(ae)
    assert sorted(zip(adae["USUBJID"], adae["AESEQ"])) == sorted(zip(ae["USUBJID"], ae["AESEQ"]))


def test_trtemfl_recomputed(adam_run):
    adae = adam_run["adam"]["ADAE"]
    complete = adae["AESTDTC"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False)
    sub = adae[complete]
    start = pd.to_datetime(sub["AESTDTC"])
    expected = (start >= sub["TRTSDT"]) & (start <= sub["TRTEDT"] + pd.Timedelta(days=28))
    assert len(sub) > 50
    assert (sub["TRTEMFL"].eq("Y") == expected).all()


def test_period_treatment_at_onset(adam_run):
    adae, adsl = adam_run["adam"]["ADAE"], adam_run["adam"]["ADSL"].set_index("USUBJID")
    on = adae.dropna(subset=["ASTDT"]).join(adsl[["TR01SDT", "TR02SDT", "TRT01A"]], on="USUBJID")
    blinded = (on["ASTDT"] >= on["TR01SDT"]) & (on["TR02SDT"].isna() | (on["ASTDT"] < on["TR02SDT"]))
    blinded &= on["ASTDT"] <= on["TRTEDT"] + pd.Timedelta(days=28)
    assert (on.loc[blinded, "APERIOD"] == 1).all()
    assert (on.loc[blinded, "TRTA"] == on.loc[blinded, "TRT01A"]).all()
    # a blinded-period event of a placebo subject is a placebo event, although the sequence ends in IL-2
    pbo = on[blinded & (on["TRTSEQA"] == "Placebo/IL-2")]
    assert len(pbo) and (pbo["TRTA"] == "Placebo").all()
    later = on[on["TR02SDT"].notna() & (on["ASTDT"] >= on["TR02SDT"]) & (on["ASTDT"] <= on["TRTEDT"] + pd.Timedelta(days=28))]
    assert len(later) and (later["TRTA"] == "IL-2 1 MIU QOD").all() and (later["APERIOD"] == 2).all()


def test_first_occurrence_flags(adam_run):
    adae = adam_run["adam"]["ADAE"]
    emergent = adae[adae["TRTEMFL"] == "Y"]
    assert (adae.loc[adae["TRTEMFL"] != "Y", ["AOCCFL", "AOCCSFL", "AOCCPFL"]].isna()).all().all()
    assert emergent.groupby("USUBJID")["AOCCFL"].apply(lambda s: (s == "Y").sum()).eq(1).all()
    assert emergent.groupby(["USUBJID", "AEBODSYS"])["AOCCSFL"].apply(lambda s: (s == "Y").sum()).eq(1).all()
    assert emergent.groupby(["USUBJID", "AEBODSYS", "AEDECOD"])["AOCCPFL"].apply(lambda s: (s == "Y").sum()).eq(1).all()
    first = emergent.sort_values(["USUBJID", "ASTDT", "AESEQ"]).groupby("USUBJID").head(1)
    assert (first["AOCCFL"] == "Y").all()


def _mini_sdtm():
    """Two randomized subjects, a placebo one switching to IL-2 on 2024-04-01, and their AEs."""
    s = "IL2DM-PKU-301"
    dm = pd.DataFrame({"STUDYID": s, "USUBJID": ["S1", "S2"], "SUBJID": ["1", "2"], "SITEID": "01", "AGE": [30.0, 65.0],
                       "AGEU": "YEARS", "SEX": "F", "RACE": "ASIAN", "ETHNIC": "NOT HISPANIC OR LATINO", "COUNTRY": "CHN",
                       "ARMCD": ["PBO", "IL2"], "ARM": ["P", "I"], "ACTARMCD": ["PBO", "IL2"], "ACTARM": ["P", "I"],
                       "RFICDTC": "2023-12-15"})
    ex = pd.DataFrame({"STUDYID": s, "USUBJID": ["S1", "S1", "S2", "S2"],
                       "EPOCH": ["BLINDED TREATMENT", "OPEN LABEL TREATMENT"] * 2,
                       "EXSTDTC": ["2024-01-01", "2024-04-01"] * 2, "EXENDTC": ["2024-03-30", "2024-06-30"] * 2})
    ds = pd.DataFrame({"STUDYID": s, "USUBJID": ["S1", "S2", "S1", "S2"], "DSSEQ": [1.0, 1.0, 2.0, 2.0],
                       "DSDECOD": ["RANDOMIZED", "RANDOMIZED", "COMPLETED", "COMPLETED"],
                       "DSCAT": ["PROTOCOL MILESTONE"] * 2 + ["DISPOSITION EVENT"] * 2, "EPOCH": ["SCREENING"] * 2 + ["FOLLOW-UP"] * 2,
                       "DSSTDTC": ["2024-01-01", "2024-01-01", "2024-07-28", "2024-07-28"]})
    ae = pd.DataFrame({"STUDYID": s, "USUBJID": ["S1", "S1", "S1", "S1", "S2"], "AESEQ": [1.0, 2.0, 3.0, 4.0, 1.0],
                       "AETERM": "x", "AEDECOD": ["HEADACHE", "NAUSEA", "RASH", "COUGH", "HEADACHE"], "AEBODSYS": "SOC",
                       "AESOC": "SOC", "AESEV": "MILD", "AESER": "N", "AEREL": "", "AEACN": "", "AEOUT": "",
                       # blinded on placebo; the switch day; partial "2024-01" (covers first dose); 40 days after last dose
                       "AESTDTC": ["2024-02-10", "2024-04-01", "2024-01", "2024-08-09", "2024-04-01"],
                       "AEENDTC": [None] * 5})
    return {"DM": dm, "EX": ex, "DS": ds, "AE": ae}


def test_period_edge_cases():
    result = run_adam_plan(load_adam_plan("il2dm"), _mini_sdtm())
    adae = result.package["ADAE"].data.set_index(["USUBJID", "AESEQ"])
    assert "ADQS" in result.skipped  # no QS in this package: skipped, not failed
    # blinded-period event on placebo: period 1, placebo, emergent
    assert adae.loc[("S1", 1.0), ["APERIOD", "TRTA", "TRTEMFL"]].tolist() == [1.0, "Placebo", "Y"]
    # the switch day: the open-label dose was given that day, so period 2 and IL-2 (later period wins)
    assert adae.loc[("S1", 2.0), ["APERIOD", "TRTA"]].tolist() == [2.0, "IL-2 1 MIU QOD"]
    assert adae.loc[("S2", 1.0), ["APERIOD", "TRTA"]].tolist() == [2.0, "IL-2 1 MIU QOD"]
    # "2024-01" covers the first dose (2024-01-01): imputed to the first dose date, flagged D, emergent
    row = adae.loc[("S1", 3.0)]
    assert row["ASTDT"] == pd.Timestamp("2024-01-01") and row["ASTDTF"] == "D" and row["TRTEMFL"] == "Y"
    assert row["ASTDY"] == 1
    # 40 days after the last dose: outside the 28-day window, no period
    row = adae.loc[("S1", 4.0)]
    assert pd.isna(row["TRTEMFL"]) and pd.isna(row["APERIOD"]) and pd.isna(row["TRTA"])
    # first occurrence: the earliest emergent event of S1 is the imputed 2024-01-01 one
    assert adae.loc[("S1", 3.0), "AOCCFL"] == "Y" and adae.loc[("S1", 1.0), "AOCCFL"] != "Y"


def test_adsl_without_optional_inputs_keeps_variables_empty():
    result = run_adam_plan(load_adam_plan("il2dm"), _mini_sdtm())
    adsl = result.package["ADSL"].data
    assert adsl["BMMT8"].isna().all() and adsl["BENZYME"].isna().all() and adsl["ACTDISFL"].isna().all()
    notes = [i for i in result.report if i.code == "ADAM_VAR_EMPTY"]
    assert {i.variable for i in notes} >= {"BMMT8", "BENZXULN"}
    assert adsl.set_index("USUBJID").loc["S1", "TRTSEQP"] == "Placebo/IL-2"
