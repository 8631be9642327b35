"""Randomized subjects meet the active-disease definition; screen failures fail criteria the data show.

Everything is recomputed here from the raw files (MMT-8 items, HAQ items, VAS, lab results)
with the protocol's definitions; criteria are located in the study definition by their text.
"""
from __future__ import annotations

import re

import pandas as pd
import pytest

from cdisc_dm.study import load_study

from ._parse import active_disease, core_set, lab_number


@pytest.fixture(scope="module")
def criteria():
    return load_study("il2dm").criteria


def _code(criteria, pattern: str) -> str:
    hits = [c.code for c in criteria if re.search(pattern, c.text, re.IGNORECASE)]
    assert len(hits) == 1, pattern
    return hits[0]


@pytest.fixture(scope="module")
def failed(big_tables):
    """Subject -> set of criterion codes not met, from the IE form."""
    ie = big_tables["IE"]
    no = ie[ie.IETESTCD != ""]
    return no.groupby("Subject").IETESTCD.apply(set).to_dict()


def test_randomized_subjects_have_active_disease_at_screening_and_day1(big_tables):
    rand = set(big_tables["RAND"].Subject)
    for folder in ("SCRN", "D1"):
        cs = core_set(big_tables, folder)
        cs = cs[cs.Subject.isin(rand)]
        assert len(cs) == len(rand), folder  # no baseline page is missing
        ok = active_disease(cs)
        assert ok.all(), (folder, cs[~ok].head())
    # both routes of the definition are used
    cs = core_set(big_tables, "SCRN")
    cs = cs[cs.Subject.isin(rand)]
    assert ((cs.MMT > 125) & (cs.VASCUT >= 3)).any() and (cs.MMT <= 125).any()


def test_ie_records_agree_with_randomization(big_tables, criteria, failed):
    ie = big_tables["IE"]
    codes = {c.code for c in criteria}
    rand = set(big_tables["RAND"].Subject)
    screen_failures = set(big_tables["DM"].Subject) - rand
    assert screen_failures and set(failed) == screen_failures
    assert all(s <= codes for s in failed.values())
    yes = ie[ie.IEYN.str.upper().str[0] == "Y"]
    assert set(yes.Subject) == rand and len(yes) == len(rand)
    assert (ie.loc[ie.IETESTCD != "", "IETEST"] != "").all()
    # the CRF text is the criterion text of the study definition
    text = {c.code: c.text for c in criteria}
    assert (ie.loc[ie.IETESTCD != ""].apply(lambda r: text[r.IETESTCD] == r.IETEST, axis=1)).all()


def _flag(subjects, failed, code):
    return pd.Series([code in failed.get(s, set()) for s in subjects], index=subjects.index)


def test_age_failures_and_only_they_are_outside_18_to_75(big_tables, criteria, failed):
    dm = big_tables["DM"]
    age = pd.to_numeric(dm.AGE)
    fails = _flag(dm.Subject, failed, _code(criteria, r"\bage\b"))
    outside = (age < 18) | (age > 75)
    assert fails.any()
    assert (outside == fails).all()


def test_inactive_disease_failures_do_not_meet_the_definition(big_tables, criteria, failed):
    code = _code(criteria, r"MMT-?8")
    cs = core_set(big_tables, "SCRN")
    fails = _flag(cs.Subject, failed, code)
    active = active_disease(cs)
    assert fails.any()
    assert (active == ~fails).all()


def _scr_lab(big_tables, testcd):
    lab = big_tables["LAB"]
    lab = lab[(lab.VISITCD == "SCRN") & (lab.TESTCD == testcd)].drop_duplicates()
    assert lab.SUBJECT.is_unique
    return lab.set_index("SUBJECT")


@pytest.mark.parametrize("pattern, testcd, rule", [
    (r"creatinine clearance", "CRCL", lambda v, unit, high: v <= 30),
    (r"bilirubin", "TBIL", lambda v, unit, high: v > high),
    (r"h(a)?emoglobin", "HGB", lambda v, unit, high: v * unit.map({"g/dL": 10.0, "g/L": 1.0}) < 80),
    (r"platelet", "PLT", lambda v, unit, high: v < 60),
])
def test_lab_exclusions_agree_with_the_screening_lab(big_tables, criteria, failed, pattern, testcd, rule):
    lab = _scr_lab(big_tables, testcd)
    value = lab_number(lab.RESULT)
    bad = rule(value, lab.UNIT, pd.to_numeric(lab.REFHIGH))
    fails = pd.Series([_code(criteria, pattern) in failed.get(s, set()) for s in lab.index], index=lab.index)
    assert fails.any(), testcd
    assert (bad == fails).all(), testcd


def test_hepatitis_failures_have_a_positive_serology(big_tables, criteria, failed):
    code = _code(criteria, r"hepatitis B surface antigen")
    pos = set()
    for testcd in ("HBSAG", "HCVAB"):
        lab = _scr_lab(big_tables, testcd)
        assert set(lab.RESULT) <= {"POS", "NEG"}
        pos |= set(lab.index[lab.RESULT == "POS"])
    fails = {s for s, codes in failed.items() if code in codes}
    assert fails and pos == fails


def test_glucocorticoid_failures_take_at_least_half_a_milligram_per_kilogram(big_tables, criteria, failed):
    code = _code(criteria, r"glucocorticoid dose")
    cm = big_tables["CM"]
    name = cm.CMTRT.str.strip().str.lower()
    oral = cm.CMROUTE.str.strip().str.lower().isin(["oral", "po"])
    # prednisone equivalents: methylprednisolone 4 mg = prednisone 5 mg (standard conversion tables)
    factor = pd.Series(float("nan"), index=cm.index)
    factor[name.str.startswith("prednisone")] = 1.0
    factor[name.str.contains("methylprednisolone") | (name == "medrol")] = 1.25
    gc = cm[oral & factor.notna()]
    assert set(gc.CMTRT.str.strip().str.lower().str.slice(0, 5)) >= {"predn", "methy"}
    assert (gc.CMDOSU.str.strip().str.lower().str.startswith("m")).all()
    weight = big_tables["DM"].set_index("Subject").WEIGHT.astype(float)
    mg_per_kg = pd.to_numeric(gc.CMDOSE).values * factor[gc.index].values / weight.loc[gc.Subject].values
    high = pd.Series(mg_per_kg >= 0.5, index=gc.Subject.values).groupby(level=0).any()
    fails = {s for s, codes in failed.items() if code in codes}
    assert fails and set(high.index[high]) == fails
