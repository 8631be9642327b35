"""SV (SDTMIG 3.4 section 5.4) from the synthetic visit-date form, checked against the raw rows.

Expected values are worked out here from the raw SV form, DM.RFSTDTC and the study schedule
(TV / study.yaml), with Python's datetime for dates and study days, not by the mapping code.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest


def _parse(text) -> str | None:
    if not isinstance(text, str) or not text.strip():
        return None
    for fmt in ("%d %b %Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text.strip().title(), fmt).date().isoformat()
        except ValueError:
            continue
    raise AssertionError(f"raw visit date {text!r} in no format the CRF allows")


def _study_day(date: str | None, ref: str | None) -> float:
    if not isinstance(date, str) or not isinstance(ref, str) or len(date) < 10 or len(ref) < 10:
        return np.nan
    delta = (dt.date.fromisoformat(date[:10]) - dt.date.fromisoformat(ref[:10])).days
    return float(delta + 1 if delta >= 0 else delta)  # SDTMIG 3.4 section 4.4.4: no day 0


@pytest.fixture(scope="module")
def sv_with_raw(converted) -> pd.DataFrame:
    """SV records side by side with the raw row each came from (through the run's lineage)."""
    sv = converted.data("SV").reset_index(drop=True)
    lineage = converted.result.lineage.query("dataset == 'SV'").sort_values("record")
    assert len(lineage) == len(sv) and (lineage["form"] == "SV").all()
    raw = converted.raw("SV").set_index("_row")
    src = raw.loc[lineage["row"].to_numpy()].reset_index(drop=True).add_prefix("raw.")
    dm = converted.data("DM")[["USUBJID", "RFSTDTC"]]
    return pd.concat([sv, src], axis=1).merge(dm, on="USUBJID", how="left", validate="many_to_one")


def test_every_raw_visit_row_is_one_sv_record(converted):
    sv = converted.data("SV")
    raw = converted.raw("SV")
    assert len(sv) == len(raw)
    assert not sv.duplicated(["USUBJID", "VISITNUM"]).any(), "SV must hold one record per subject and visit"
    rec = converted.result.reconciliation.query("form == 'SV' and dataset == 'SV'")
    assert rec["mapped"].tolist() == [len(raw)] and rec["accounted"].all()


def test_planned_visits_are_the_tv_visit_of_their_folder(converted, sv_with_raw):
    tv = converted.data("TV").drop_duplicates("VISITNUM").set_index("VISITNUM")["VISIT"]
    planned = sv_with_raw[sv_with_raw["raw.Folder"].str.strip().str.upper() != "UNS"]
    assert len(planned) > 0
    expected_num = planned["raw.Folder"].map(lambda f: converted.study.visit_by_folder(f.strip()).visitnum).astype(float)
    assert (planned["VISITNUM"].to_numpy() == expected_num.to_numpy()).all()
    assert planned["VISITNUM"].isin(tv.index).all()
    assert (planned["VISIT"].to_numpy() == tv.loc[planned["VISITNUM"]].to_numpy()).all()
    assert (planned["SVPRESP"] == "Y").all() and planned["SVUPDES"].isna().all()


def test_unscheduled_visits_are_numbered_after_the_previous_planned_visit(converted, sv_with_raw):
    tv = converted.data("TV").drop_duplicates("VISITNUM").sort_values("VISITDY")
    uns = sv_with_raw[sv_with_raw["raw.Folder"].str.strip().str.upper() == "UNS"].copy()
    assert len(uns) > 0, "the synthetic export should hold unscheduled visits"
    day = np.array([_study_day(d, r) for d, r in zip(uns["SVSTDTC"], uns["RFSTDTC"])])
    # the last planned visit whose target day (TV VISITDY) is on or before the visit's study day
    prev = [tv.loc[tv["VISITDY"] <= d, "VISITNUM"].iloc[-1] for d in day]
    uns["_prev"] = prev
    uns["_n"] = uns.groupby(["USUBJID", "_prev"])["raw.FolderSeq"].rank(method="dense")
    expected = (uns["_prev"] + 0.01 * uns["_n"]).round(2)
    assert np.allclose(uns["VISITNUM"].to_numpy(dtype=float), expected.to_numpy(dtype=float))
    assert not uns["VISITNUM"].isin(tv["VISITNUM"]).any()
    assert (uns["VISIT"] == [f"UNSCHEDULED {v:.2f}" for v in expected]).all()
    assert uns["SVUPDES"].notna().all() and uns["SVPRESP"].isna().all()


def test_occurrence_reason_and_dates_follow_the_raw_form(sv_with_raw):
    done = sv_with_raw["raw.VISYN"].str.strip().str.upper().isin(["YES", "Y"])
    planned = sv_with_raw["raw.Folder"].str.strip().str.upper() != "UNS"
    missed = sv_with_raw[~done]
    assert len(missed) > 0, "the synthetic export should hold missed visits"
    assert (missed["SVOCCUR"] == "N").all()
    assert (missed["SVREASOC"] == missed["raw.VISNDRS"].str.strip()).all()
    assert missed["SVSTDTC"].isna().all() and missed["SVSTDY"].isna().all()
    assert (sv_with_raw.loc[done & planned, "SVOCCUR"] == "Y").all()
    assert sv_with_raw.loc[done, "SVREASOC"].isna().all()
    expected = [_parse(t) for t in sv_with_raw.loc[done, "raw.VISDAT"]]
    assert sv_with_raw.loc[done, "SVSTDTC"].tolist() == expected
    assert (sv_with_raw.loc[done, "SVENDTC"] == sv_with_raw.loc[done, "SVSTDTC"]).all()


def test_study_days(sv_with_raw):
    expected = np.array([_study_day(d, r) for d, r in zip(sv_with_raw["SVSTDTC"], sv_with_raw["RFSTDTC"])])
    got = sv_with_raw["SVSTDY"].to_numpy(dtype=float)
    assert np.array_equal(np.isnan(got), np.isnan(expected))
    assert np.allclose(got[~np.isnan(got)], expected[~np.isnan(expected)])
    assert np.isnan(expected).sum() < len(expected)  # randomized subjects have study days
