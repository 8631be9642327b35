"""TA, TE, TV, TI and TS built from the built-in study."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from cdisc_dm.sdtm.trial_design import build_trial_design, build_ts
from cdisc_dm.standards import load_ct, load_sdtmig
from cdisc_dm.study import load_study


@pytest.fixture(scope="module")
def study():
    return load_study("il2dm")


@pytest.fixture(scope="module")
def design(study):
    return build_trial_design(study)


def _iso_days(duration: str) -> int:
    match = re.fullmatch(r"P(?:(\d+)W)?(?:(\d+)D)?", duration)
    assert match, duration
    return int(match.group(1) or 0) * 7 + int(match.group(2) or 0)


def test_datasets_follow_sdtmig_metadata(design):
    ig = load_sdtmig()
    for name, ds in design.items():
        meta = ig.domain(name)
        assert ds.name == name and ds.label == meta.label
        order = [n for n in meta.names if n in ds.names]
        assert ds.names == order, f"{name} columns out of SDTMIG order"
        required = [v.name for v in meta.variables if v.core == "Req"]
        assert set(required) <= set(ds.names), f"{name} lacks Req variables"
        for var in meta.variables:
            if var.core == "Req" and var.name in ds.names:
                assert ds.data[var.name].notna().all(), f"{name}.{var.name} is Req but has nulls"
        ds.check_consistent()
        assert (ds.data["DOMAIN"] == name).all()
        assert ds.variable("STUDYID").origin == "Assigned"


def test_origins_are_protocol_for_design_values(design):
    assert design["TA"].variable("ETCD").origin == "Protocol"
    assert design["TV"].variable("VISITDY").origin == "Protocol"
    assert design["TS"].variable("TSSEQ").origin == "Derived"


def test_ta_and_te_are_consistent(design, study):
    ta, te = design["TA"].data, design["TE"].data
    assert set(ta["ETCD"]) == set(te["ETCD"]), "every TA element is in TE and every TE element is used"
    assert te["ETCD"].is_unique
    for armcd, rows in ta.groupby("ARMCD"):
        assert list(rows["TAETORD"]) == list(range(1, len(rows) + 1)), armcd
        # Epochs follow the study's epoch order along the arm.
        positions = [study.epochs.index(e) for e in rows["EPOCH"]]
        assert positions == sorted(positions), armcd
        # Randomization happens once, at the end of screening (seed: "Randomized").
        branches = rows[rows["TABRANCH"].notna()]
        assert list(branches["TAETORD"]) == [1], armcd
    # Seed: each arm has a 12-week blinded and a 12-week open-label stage of IL-2 QOD.
    epochs_by_arm = ta.groupby("ARMCD")["EPOCH"].apply(list).to_dict()
    for armcd, epochs in epochs_by_arm.items():
        assert epochs == ["SCREENING", "BLINDED TREATMENT", "OPEN LABEL TREATMENT", "FOLLOW-UP"], armcd
    blinded = ta[ta["EPOCH"] == "BLINDED TREATMENT"].set_index("ARMCD")["ETCD"]
    assert blinded["IL2"] != blinded["PBO"], "the blinded elements must differ between arms"
    assert ta.loc[ta["EPOCH"] == "OPEN LABEL TREATMENT", "ETCD"].nunique() == 1
    dur = te.set_index("ETCD")["TEDUR"]
    for etcd in ta.loc[ta["EPOCH"].isin(["BLINDED TREATMENT", "OPEN LABEL TREATMENT"]), "ETCD"].unique():
        assert _iso_days(dur[etcd]) == 84, etcd
    assert te["TESTRL"].notna().all() and (te["TEENRL"].notna() | te["TEDUR"].notna()).all()
    ct_epochs = {t.value for t in load_ct().codelist("EPOCH").terms}
    assert set(ta["EPOCH"]) <= ct_epochs


def test_tv_windows_do_not_overlap_and_visits_are_ordered(design, study):
    tv = design["TV"].data
    assert tv["VISITNUM"].is_unique and tv["VISIT"].is_unique
    assert tv["ARMCD"].isna().all(), "one schedule for all arms: ARMCD null"
    assert (tv["VISITDY"] != 0).all()
    assert list(tv.sort_values("VISITDY")["VISITNUM"]) == sorted(tv["VISITNUM"])
    windows = []
    for row in tv.itertuples():  # a dozen planned visits
        match = re.search(r"window Study Day (-?\d+) to (-?\d+)", row.TVSTRL)
        start, end = (int(match.group(1)), int(match.group(2))) if match else (row.VISITDY, row.VISITDY)
        assert start <= row.VISITDY <= end
        windows.append((start, end, row.VISIT))
    windows.sort()
    for (s1, e1, v1), (s2, e2, v2) in zip(windows, windows[1:]):
        assert e1 < s2, f"{v1} ({s1}..{e1}) overlaps {v2} ({s2}..{e2})"
    # The seed's week 12 primary endpoint and 12 + 12 weeks of treatment.
    by_visit = tv.set_index("VISIT")["VISITDY"]
    assert by_visit["WEEK 12"] == 12 * 7 + 1 and by_visit["WEEK 24"] == 24 * 7 + 1
    assert set(tv["VISIT"]) == {v.visit for v in study.visits}


def test_ti_codes_and_texts(design, study):
    ti = design["TI"].data
    assert ti["IETESTCD"].is_unique
    assert ti["IETESTCD"].str.len().max() <= 8
    assert ti["IETESTCD"].str.fullmatch(r"[A-Z_][A-Z0-9_]*").all()
    assert ti["IETEST"].str.len().max() <= 200
    assert set(ti["IECAT"]) == {"INCLUSION", "EXCLUSION"}
    assert len(ti) == len(study.criteria)
    assert (ti["TIVERS"] == study.criteria_version).all()


# Parameters a regulator expects in TS (SDTMIG 3.4 TS examples and the FDA Study Data
# Technical Conformance Guide list), each exactly once unless listed in REPEATS.
REQUIRED_TS = {
    "ADAPT", "ADDON", "AGEMAX", "AGEMIN", "DOSE", "DOSFRQ", "DOSU", "FCNTRY", "HLTSUBJI", "INDIC", "INTMODEL",
    "INTTYPE", "LENGTH", "NARMS", "OBJPRIM", "PCLAS", "PLANSUB", "RANDOM", "REGID", "ROUTE", "SDTIGVER",
    "SDTMVER", "SEXPOP", "SPONSOR", "SSTDTC", "STYPE", "TBLIND", "TCNTRL", "TINDTP", "TITLE", "TPHASE", "TRT",
    "TTYPE",
}
# Justified repeats: the trial is both an efficacy and a safety trial; one FCNTRY per country.
REPEATS = {"TTYPE": {"EFFICACY", "SAFETY"}, "FCNTRY": {"CHN"}}


def test_ts_has_each_required_parameter_once(design):
    ts = design["TS"].data
    counts = ts["TSPARMCD"].value_counts()
    missing = REQUIRED_TS - set(counts.index)
    assert not missing, f"TS lacks {sorted(missing)}"
    for parmcd, n in counts.items():
        if parmcd in REPEATS:
            assert set(ts.loc[ts["TSPARMCD"] == parmcd, "TSVAL"]) == REPEATS[parmcd]
        else:
            assert n == 1, f"{parmcd} appears {n} times"
    for parmcd, rows in ts.groupby("TSPARMCD"):
        assert list(rows["TSSEQ"]) == list(range(1, len(rows) + 1)), parmcd


def test_ts_values_and_null_flavors(design):
    ts = design["TS"].data
    assert (ts["TSVAL"].notna() ^ ts["TSVALNF"].notna()).all(), "exactly one of TSVAL / TSVALNF"
    assert ts["TSPARM"].str.len().max() <= 40  # SDTMIG 3.4 TS: TSPARM at most 40 characters
    val = ts.set_index("TSPARMCD")
    # Seed: 240 patients, 18 to 75 years, 2 groups, phase 3, randomized, placebo group.
    assert val.loc["PLANSUB", "TSVAL"] == "240"
    assert (val.loc["AGEMIN", "TSVAL"], val.loc["AGEMAX", "TSVAL"]) == ("P18Y", "P75Y")
    assert val.loc["AGEMIN", "TSVCDREF"] == "ISO 8601"
    assert val.loc["NARMS", "TSVAL"] == "2"
    assert val.loc["TPHASE", "TSVAL"] == "PHASE III TRIAL"
    assert val.loc["RANDOM", "TSVAL"] == "Y" and val.loc["TCNTRL", "TSVAL"] == "PLACEBO"
    assert re.fullmatch(r"NCT\d{8}", val.loc["REGID", "TSVAL"])
    assert val.loc["SDTIGVER", "TSVAL"] == "3.4" and val.loc["SDTMVER", "TSVAL"] == "2.0"
    # No DM given: the study start date is unknown.
    assert pd.isna(val.loc["SSTDTC", "TSVAL"]) and val.loc["SSTDTC", "TSVALNF"] == "UNK"
    assert "ACTSUB" not in val.index


# TS parameter -> the CDISC CT codelist of its values.
TS_CODELISTS = {
    "TBLIND": "TBLIND", "TPHASE": "TPHASE", "STYPE": "STYPE", "INTMODEL": "INTMODEL", "INTTYPE": "INTTYPE",
    "TTYPE": "TTYPE", "TCNTRL": "TCNTRL", "TINDTP": "TINDTP", "SEXPOP": "SEXPOP", "RANDOM": "NY", "ADAPT": "NY",
    "ADDON": "NY", "HLTSUBJI": "NY", "DOSU": "UNIT", "DOSFRQ": "FREQ", "ROUTE": "ROUTE",
}


def test_ts_codes_agree_with_the_shipped_ct(design):
    ct = load_ct()
    ts = design["TS"].data
    coded = ts[ts["TSVCDREF"] == "CDISC CT"]
    assert set(coded["TSPARMCD"]) == set(TS_CODELISTS), "every CT-coded parameter is checked"
    for row in coded.itertuples():
        terms = {t.value: t.code for t in ct.codelist(TS_CODELISTS[row.TSPARMCD]).terms}
        assert terms.get(row.TSVAL) == row.TSVALCD, (row.TSPARMCD, row.TSVAL, row.TSVALCD)
    names = {t.value: t.decode for t in ct.codelist("TSPARMCD").terms}
    # RANDQT is a TSPARMCD term the shipped CT subset does not carry yet.
    not_in_subset = set(ts["TSPARMCD"]) - set(names)
    assert not_in_subset <= {"RANDQT"}, not_in_subset
    for row in ts[ts["TSPARMCD"].isin(names)].itertuples():
        assert names[row.TSPARMCD] == row.TSPARM, row.TSPARMCD
    refs = {t.value for t in ct.codelist("DICTNAM").terms} | {"ISO 8601"}
    assert set(ts["TSVCDREF"].dropna()) <= refs


def test_ts_ct_version_and_dm_derived_values(study):
    dm = pd.DataFrame({
        "USUBJID": ["S1", "S2", "S3", "S4"],
        "RFICDTC": ["2024-03-05", "2024-02-11T09:30", None, "2024-02-12"],
        "ARMCD": ["IL2", None, "PBO", "PBO"],
    })
    ts = build_ts(study, ct_version="2024-09-27", dm=dm).data.set_index("TSPARMCD")
    assert ts.loc["SSTDTC", "TSVAL"] == "2024-02-11" and pd.isna(ts.loc["SSTDTC", "TSVALNF"])
    assert ts.loc["ACTSUB", "TSVAL"] == "3"
    coded = ts[ts["TSVCDREF"] == "CDISC CT"]
    assert (coded["TSVCDVER"] == "2024-09-27").all()
    assert ts.loc[ts["TSVALCD"].isna(), "TSVCDVER"].isna().all()


def test_builds_are_deterministic(study):
    first, second = build_trial_design(study), build_trial_design(study)
    for name in first:
        pd.testing.assert_frame_equal(first[name].data, second[name].data)


def test_ts_ct_version_from_a_combined_version_text(study):
    ts = build_ts(study, ct_version="ADaM CT 2025-09-26; SDTM CT 2024-12-20; sponsor CT 1.0").data
    assert set(ts.loc[ts["TSVCDREF"] == "CDISC CT", "TSVCDVER"]) == {"2024-12-20"}
    default = build_ts(study).data
    shipped = load_ct().version
    assert set(default.loc[default["TSVCDREF"] == "CDISC CT", "TSVCDVER"]) == {
        shipped.split("SDTM CT ")[1][:10]}
