"""Screened, randomized, arms, discontinuation: counts read from the files."""
from __future__ import annotations

import math

from cdisc_dm.study import load_study

from .conftest import N_SUBJECTS


def test_screened_about_one_and_a_quarter_times_randomized(tables):
    screened = tables["DM"].Subject.nunique()
    assert len(tables["DM"]) == screened == tables["IC"].Subject.nunique()
    failures = screened - N_SUBJECTS
    # failures before N successes with P(success) 0.8: negative binomial, mean N/4, variance N*0.2/0.64
    mean, sd = N_SUBJECTS * 0.25, math.sqrt(N_SUBJECTS * 0.2 / 0.64)
    assert abs(failures - mean) < 4 * sd


def test_randomized_exactly_n_with_unique_numbers(tables):
    rand = tables["RAND"]
    assert len(rand) == rand.Subject.nunique() == N_SUBJECTS
    assert rand.RANDNO.is_unique and rand.KITNO.is_unique


def test_arms_balanced_per_site_by_blocks_of_four(tables):
    rand = tables["RAND"]
    assert set(rand.ARMCD) == {a.armcd for a in load_study("il2dm").arms}
    counts = rand.groupby(["SiteNumber", "ARMCD"]).size().unstack(fill_value=0)
    assert (counts.max(axis=1) - counts.min(axis=1)).max() <= 2  # one incomplete block of 4 per site
    # the blinded code and the unblinded arm agree one to one
    assert rand.groupby("RANDCODE").ARMCD.nunique().max() == 1


def test_about_ten_percent_discontinue_early(tables):
    ds = tables["DS"]
    study = ds[ds.DSPER == "Study"]
    assert len(study) == N_SUBJECTS
    status = study.DSSTAT.str.strip().str.lower()
    disc = status.isin(["discontinued", "early termination"]).sum()
    sd = math.sqrt(N_SUBJECTS * 0.1 * 0.9)
    assert abs(disc - 0.1 * N_SUBJECTS) < 4 * sd
    reasons = ds.loc[study.index[status.isin(["discontinued", "early termination"])], "DSREAS"]
    assert (reasons != "").all()


def test_every_randomized_subject_has_day1_and_exposure(tables):
    rand = set(tables["RAND"].Subject)
    sv = tables["SV"]
    assert set(sv.loc[sv.Folder == "D1", "Subject"]) == rand
    assert set(tables["EX"].Subject) == rand
    assert set(tables["SV"].Subject) == set(tables["DM"].Subject)
