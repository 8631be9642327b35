"""IE (SDTMIG 3.4 section 6.3.4) against TI, DM and the raw eligibility form.

IE holds one record per criterion not met; the eligibility form also has an "all criteria met"
row per eligible subject, which must be dropped with a reason (never silently).
"""
from __future__ import annotations

import pandas as pd


def test_every_ie_record_is_a_ti_criterion(converted):
    ie = converted.data("IE")
    ti = converted.data("TI").set_index("IETESTCD")
    assert len(ie) > 0
    assert ie["IETESTCD"].isin(ti.index).all(), set(ie["IETESTCD"]) - set(ti.index)
    assert (ie["IETEST"].to_numpy() == ti.loc[ie["IETESTCD"], "IETEST"].to_numpy()).all()
    assert (ie["IECAT"].to_numpy() == ti.loc[ie["IETESTCD"], "IECAT"].to_numpy()).all()


def test_screen_failures_and_only_they_have_ie_records(converted):
    dm = converted.data("DM")
    ie_subjects = set(converted.data("IE")["USUBJID"])
    failures = set(dm.loc[dm["ARMNRS"] == "SCREEN FAILURE", "USUBJID"])
    randomized = set(dm.loc[dm["ARMCD"].notna(), "USUBJID"])
    assert failures, "the synthetic export should hold screen failures"
    assert failures <= ie_subjects, f"screen failures without IE records: {sorted(failures - ie_subjects)}"
    assert not (randomized & ie_subjects), f"randomized subjects with IE records: {sorted(randomized & ie_subjects)}"


def test_result_is_the_answer_to_the_criterion(converted):
    ie = converted.data("IE")
    # SDTMIG 3.4 IE assumptions: an inclusion criterion not met is answered N, an exclusion met Y
    expected = ie["IECAT"].map({"INCLUSION": "N", "EXCLUSION": "Y"})
    assert (ie["IEORRES"] == expected).all() and (ie["IESTRESC"] == expected).all()


def test_raw_rows_are_mapped_or_dropped_with_a_reason(converted):
    raw = converted.raw("IE")
    eligible = (raw["IEYN"].str.strip().str.upper().isin(["YES", "Y"]) & raw["IETESTCD"].isna() & raw["IETEST"].isna())
    ie = converted.data("IE")
    assert len(ie) == int((~eligible).sum())
    dropped = converted.result.dropped.query("dataset == 'IE' and form == 'IE'")
    assert sorted(dropped["row"].astype(int)) == sorted(raw.loc[eligible, "_row"].astype(int))
    assert dropped["reason"].str.contains("eligibility").all()
    rec = converted.result.reconciliation.query("form == 'IE' and dataset == 'IE'")
    assert rec["accounted"].all() and int(rec["mapped"].sum() + rec["dropped"].sum()) == len(raw)
    # each IE record carries the raw row's criterion code
    lineage = converted.result.lineage.query("dataset == 'IE'").sort_values("record")
    codes = raw.set_index("_row").loc[lineage["row"].to_numpy(), "IETESTCD"].str.strip().str.upper()
    assert ie["IETESTCD"].tolist() == codes.tolist()


def test_timing_is_the_screening_visit(converted):
    ie = converted.data("IE")
    sv = converted.data("SV")
    screening = converted.study.visit_by_folder("SCRN")
    scr = sv[sv["VISITNUM"] == screening.visitnum].set_index("USUBJID")["SVSTDTC"]
    assert (ie["IEDTC"].to_numpy() == scr.reindex(ie["USUBJID"]).to_numpy()).all()
    assert (ie["VISITNUM"] == screening.visitnum).all() and (ie["VISIT"] == screening.visit).all()
    assert (ie["EPOCH"] == "SCREENING").all()
    assert ie["IESEQ"].notna().all() and not ie.duplicated(["USUBJID", "IESEQ"]).any()
