"""ADQS (BDS): baseline, change, windows, the derived MMT-8 total and the period of switch-day assessments."""
from __future__ import annotations

import numpy as np
import pandas as pd


def test_param_paramcd_one_to_one(adam_run):
    adqs = adam_run["adam"]["ADQS"]
    assert adqs.groupby("PARAMCD")["PARAM"].nunique().eq(1).all()
    assert adqs.groupby("PARAM")["PARAMCD"].nunique().eq(1).all()


def test_every_qs_record_is_kept(adam_run):
    adqs, qs = adam_run["adam"]["ADQS"], adam_run["sdtm"]["QS"]
    from_qs = adqs[adqs["QSSEQ"].notna()]
    assert sorted(zip(from_qs["USUBJID"], from_qs["QSSEQ"])) == sorted(zip(qs["USUBJID"], qs["QSSEQ"]))


def test_base_is_the_baseline_records_aval(adam_run):
    adqs = adam_run["adam"]["ADQS"]
    bl = adqs[adqs["ABLFL"] == "Y"]
    assert not bl.duplicated(["USUBJID", "PARAMCD"]).any()
    expected = adqs[["USUBJID", "PARAMCD"]].merge(bl[["USUBJID", "PARAMCD", "AVAL"]], how="left", on=["USUBJID", "PARAMCD"])["AVAL"]
    assert np.allclose(adqs["BASE"].to_numpy(dtype=float), expected.to_numpy(dtype=float), equal_nan=True)
    # the baseline is the last non-missing value on or before the first dose
    pre = adqs[(adqs["ADT"] <= adqs["TRTSDT"]) & adqs["AVAL"].notna()]
    last = pre.sort_values(["USUBJID", "PARAMCD", "ADT", "VISITNUM"]).groupby(["USUBJID", "PARAMCD"]).tail(1)
    assert sorted(zip(last["USUBJID"], last["PARAMCD"], last["ADT"])) == sorted(zip(bl["USUBJID"], bl["PARAMCD"], bl["ADT"]))


def test_chg_and_pchg_everywhere(adam_run):
    adqs = adam_run["adam"]["ADQS"]
    aval, base = adqs["AVAL"].to_numpy(dtype=float), adqs["BASE"].to_numpy(dtype=float)
    assert np.allclose(adqs["CHG"].to_numpy(dtype=float), aval - base, equal_nan=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        pchg = np.where(base != 0, (aval - base) / np.abs(base) * 100, np.nan)
    assert np.allclose(adqs["PCHG"].to_numpy(dtype=float), pchg, equal_nan=True)


def test_mmt8_total_matches_items_and_collected_total(adam_run):
    adqs = adam_run["adam"]["ADQS"]
    items = adqs[adqs["PARAMCD"].str.fullmatch(r"MMT0\d[LR]?")]
    wide = items.pivot_table(index=["USUBJID", "VISITNUM"], columns="PARAMCD", values="AVAL", aggfunc="first")
    assert wide.shape[1] == 15
    complete = wide.dropna()
    derived = adqs[adqs["PARAMCD"] == "MMT8"].set_index(["USUBJID", "VISITNUM"])
    assert (derived.loc[complete.index, "AVAL"] == complete.sum(axis=1)).all()
    assert derived.loc[complete.index, "DTYPE"].isna().all()
    assert derived["AVAL"].between(0, 150).all()
    collected = adqs[adqs["PARAMCD"] == "MMTTOT"].set_index(["USUBJID", "VISITNUM"])["AVAL"]
    both = complete.index.intersection(collected.dropna().index)
    assert len(both) > 100 and (collected.loc[both] == derived.loc[both, "AVAL"]).all()


def test_anl01fl_one_record_per_visit_window(adam_run):
    adqs = adam_run["adam"]["ADQS"]
    flagged = adqs[adqs["ANL01FL"] == "Y"]
    assert not flagged.duplicated(["USUBJID", "PARAMCD", "AVISITN"]).any()
    assert flagged["AVISITN"].notna().all()
    inside = adqs["ADY"].between(adqs["AWLO"], adqs["AWHI"])
    assert (inside | adqs["AVISIT"].isna()).all()


def test_switch_day_assessment_is_blinded_period(adam_run):
    adqs, adsl = adam_run["adam"]["ADQS"], adam_run["adam"]["ADSL"].set_index("USUBJID")
    rec = adqs.join(adsl[["TR01SDT", "TR02SDT", "TRT01A"]], on="USUBJID")
    switch = rec[rec["ADT"] == rec["TR02SDT"]]
    assert len(switch) > 0
    assert (switch["APERIOD"] == 1).all() and (switch["TRTA"] == switch["TRT01A"]).all()
    after = rec[rec["ADT"] > rec["TR02SDT"]]
    assert (after["APERIOD"].isin([2.0]) | after["APERIOD"].isna()).all()
