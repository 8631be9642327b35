"""Dates agree across forms: nothing of a subject happens after its end of study, no
disposition comes before the doses it closes (docs/raw-export.md, DS row of the forms table).

Read back from the raw CSVs with the independent parsers of ``_parse``; partial AE/CM dates
count at their earliest possible day, so a finding is a date that is late whatever the
unknown part is.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.synth import synthesize

from ._parse import MONTHS, PARTIAL_DAY, PARTIAL_MONTH, parse_dates
from .conftest import read

SEEDS = (3, 11, 29)
N = 200
_FORMS = ("SV", "EX", "AE", "CM", "DS")


@pytest.fixture(scope="module", params=SEEDS, ids=[f"seed{s}" for s in SEEDS])
def raw(request, tmp_path_factory) -> dict[str, pd.DataFrame]:
    out = tmp_path_factory.mktemp(f"order{request.param}") / "raw"
    synthesize(out, subjects=N, seed=request.param)
    tabs = {f: read(out, f"edc/{f}.csv") for f in _FORMS}
    lab = read(out, "lab/LAB.csv")[["SUBJECT", "COLLDTM"]].drop_duplicates()
    tabs["LAB"] = lab
    return tabs


def earliest(col: pd.Series) -> np.ndarray:
    """Complete dates as they are; ``UN MMM YYYY`` -> the 1st of the month; ``UN UNK YYYY`` -> 1 January."""
    text = col.str.strip()
    pday = text.str.match(PARTIAL_DAY.pattern)
    pmon = text.str.match(PARTIAL_MONTH.pattern)
    fixed = text.where(~pday, "01 " + text.str[3:]).where(~pmon, "01 JAN " + text.str[-4:])
    return parse_dates(fixed)


def lab_dates(col: pd.Series) -> np.ndarray:
    """Vendor ``DD-MMM-YYYY HH:MM`` -> date."""
    parts = col.str.extract(r"^(\d{2})-([A-Z]{3})-(\d{4}) ")
    assert parts.notna().all().all(), col[parts.isna().any(axis=1)].head()
    iso = parts[2] + "-" + parts[1].map(lambda m: f"{MONTHS[m]:02d}") + "-" + parts[0]
    return iso.to_numpy().astype("datetime64[D]")


def _by_subject(subject: pd.Series, dates: np.ndarray, name: str) -> pd.Series:
    return pd.Series(dates, index=subject.to_numpy()).dropna().groupby(level=0).max().rename(name)


def _period(exper: pd.Series) -> pd.Series:
    """EXPER and its variants (DB, Double blind, OPEN-LABEL, ...) -> the DS period it belongs to."""
    first = exper.str.strip().str[0].str.upper()
    assert first.isin(["D", "O"]).all(), exper[~first.isin(["D", "O"])].unique()
    return first.map({"D": "Double-blind treatment", "O": "Open-label treatment"})


def _ds(raw) -> pd.DataFrame:
    ds = raw["DS"]
    return ds.assign(DATE=parse_dates(ds.DSDAT), STAT=ds.DSSTAT.str.strip().str.upper())


def _ex(raw) -> pd.DataFrame:
    ex = raw["EX"]
    return ex.assign(END=parse_dates(ex.EXENDAT), PER=_period(ex.EXPER))


def test_every_date_is_complete_where_it_must_be(raw):
    # the comparisons below would silently skip unparsed dates
    assert not np.isnat(_ds(raw).DATE).any()
    assert not np.isnat(_ex(raw).END).any()
    sv = raw["SV"]
    att = sv.VISYN.str.strip().str.upper().str[0] == "Y"
    assert not np.isnat(parse_dates(sv.VISDAT[att])).any()


def test_end_of_study_after_last_dose_and_other_dispositions(raw):
    ds, ex = _ds(raw), _ex(raw)
    eos = ds[ds.DSPER == "Study"].set_index("Subject").DATE.rename("EOS")
    assert eos.index.is_unique
    last_dose = ex.groupby("Subject").END.max()
    assert set(last_dose.index) == set(eos.index), "randomized subjects have both EX records and a Study disposition"
    j = pd.concat([eos, last_dose.rename("LAST")], axis=1)
    bad = j[j.EOS < j.LAST]
    assert bad.empty, f"end of study before the last dose:\n{bad}"
    other = ds[ds.DSPER != "Study"].join(eos, on="Subject", how="inner")
    bad = other[other.DATE > other.EOS]
    assert bad.empty, f"a disposition after the end of study:\n{bad[['Subject', 'DSPER', 'DSDAT', 'EOS']]}"


def test_each_period_disposition_after_its_doses(raw):
    ds, ex = _ds(raw), _ex(raw)
    last = ex.groupby(["Subject", "PER"]).END.max().rename("LAST").reset_index()
    m = last.merge(ds[["Subject", "DSPER", "DATE", "STAT"]], left_on=["Subject", "PER"], right_on=["Subject", "DSPER"],
                   how="left")
    missing = m[m.DSPER.isna()]
    assert missing.empty, f"doses in a period without a disposition record for it:\n{missing}"
    bad = m[m.DATE < m.LAST]
    assert bad.empty, f"period disposition before the period's last dose:\n{bad}"


def test_discontinuation_date_is_the_last_dose(raw):
    # docs/raw-export.md: a discontinuation's DSDAT is the last dose; no doses in later periods
    ds, ex = _ds(raw), _ex(raw)
    disc = ds[ds.DSPER.isin(["Double-blind treatment", "Open-label treatment"])
              & ~ds.STAT.isin(["COMPLETED"])]
    assert len(disc) > 0
    last = ex.groupby("Subject").END.max()
    got = disc.set_index("Subject").DATE
    assert got.index.is_unique, "a subject discontinues one period at most"
    pd.testing.assert_series_equal(got, last.reindex(got.index), check_names=False)
    blind = disc[disc.DSPER == "Double-blind treatment"].Subject
    later = ex[ex.Subject.isin(blind) & (ex.PER == "Open-label treatment")]
    assert later.empty, f"open-label doses after a blinded discontinuation:\n{later}"
    assert ds[ds.Subject.isin(blind) & (ds.DSPER == "Open-label treatment")].empty, "no open-label record after a blinded stop"


def test_nothing_after_end_of_study(raw):
    ds = _ds(raw)
    # end of study: the Study record, or the Screening record of a screen failure
    has_study = ds.Subject.isin(ds[ds.DSPER == "Study"].Subject)
    end = ds[(ds.DSPER == "Study") | ~has_study].set_index("Subject").DATE
    assert end.index.is_unique and len(end) == ds.Subject.nunique()
    sv, ae, cm, lab = raw["SV"], raw["AE"], raw["CM"], raw["LAB"]
    found = [
        _by_subject(sv.Subject, parse_dates(sv.VISDAT), "SV VISDAT"),
        _by_subject(ae.Subject, earliest(ae.AESTDAT), "AESTDAT"),
        _by_subject(ae.Subject, earliest(ae.AEENDAT), "AEENDAT"),
        _by_subject(cm.Subject, earliest(cm.CMSTDAT), "CMSTDAT"),
        _by_subject(cm.Subject, earliest(cm.CMENDAT), "CMENDAT"),
        _by_subject(lab.SUBJECT, lab_dates(lab.COLLDTM), "LAB COLLDTM"),
    ]
    for latest in found:
        assert set(latest.index) <= set(end.index), latest.name
        j = pd.concat([latest, end.rename("EOS")], axis=1, join="inner")
        bad = j[j[latest.name] > j.EOS]
        assert bad.empty, f"{latest.name} after the end of study:\n{bad}"
    # the end of study is a real contact: the last visit, or (no later visit) the last dose
    last_visit = found[0]
    ex = _ex(raw)
    last_dose = ex.groupby("Subject").END.max()
    eos = ds[ds.DSPER == "Study"].set_index("Subject").DATE
    contact = pd.concat([last_visit.reindex(eos.index), last_dose.reindex(eos.index)], axis=1).max(axis=1)
    pd.testing.assert_series_equal(eos, contact.astype(eos.dtype), check_names=False)
