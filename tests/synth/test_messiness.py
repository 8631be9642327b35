"""The messiness seen in the files matches MessRates within binomial tolerance.

Each rate is measured from the raw text with its own definition (docs/raw-export.md) and
compared with the configured rate: |observed - p| < 4 standard errors of a binomial share.
"""
from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from cdisc_dm.study import load_study
from cdisc_dm.synth import MessRates

from ._parse import CRF, DMY, ISO, PARTIAL_DAY, PARTIAL_MONTH, parse_dates

RATES = MessRates()


def assert_rate(hits: int, n: int, p: float, what: str) -> None:
    assert n > 0, what
    se = math.sqrt(p * (1 - p) / n)
    assert abs(hits / n - p) < 4 * se + 1e-12, f"{what}: {hits}/{n} = {hits / n:.4f}, configured {p}"


@pytest.fixture(scope="module")
def dictionary(export):
    return json.loads((export / "data_dictionary.json").read_text(encoding="utf-8"))


def _dates(tables, pairs):
    return pd.concat([tables[f][c] for f, c in pairs], ignore_index=True)


def test_partial_dates_of_events_and_medications(tables):
    d = _dates(tables, [("AE", "AESTDAT"), ("AE", "AEENDAT"), ("CM", "CMSTDAT"), ("CM", "CMENDAT")])
    d = d[d != ""]
    assert_rate(int(d.str.match(PARTIAL_DAY).sum()), len(d), RATES.partial_day, "UN MMM YYYY")
    assert_rate(int(d.str.match(PARTIAL_MONTH).sum()), len(d), RATES.partial_month, "UN UNK YYYY")


def test_partial_dates_of_birth(tables):
    d = tables["DM"].BRTHDAT
    assert_rate(int(d.str.match(PARTIAL_DAY).sum()), len(d), RATES.birth_partial_day, "birth UN MMM YYYY")
    assert_rate(int(d.str.match(PARTIAL_MONTH).sum()), len(d), RATES.birth_partial_month, "birth UN UNK YYYY")


def test_site_date_styles_and_slips(tables, dictionary):
    pairs = [(f["form"], c["name"]) for f in dictionary["forms"] if f["source"] == "EDC"
             for c in f["columns"] if c["type"] == "date"]
    frames = [pd.DataFrame({"site": tables[f].SiteNumber, "d": tables[f][c]}) for f, c in pairs]
    d = pd.concat(frames, ignore_index=True)
    d = d[(d.d != "") & ~d.d.str.startswith("UN ")]
    for site, style in RATES.site_date_style.items():
        at = d[d.site == site].d
        pattern = {"iso": ISO, "dmy": DMY}[style]
        assert len(at) and at.str.match(pattern).all(), site
    crf_sites = d[~d.site.isin(list(RATES.site_date_style))].d
    assert (crf_sites.str.match(CRF) | crf_sites.str.match(ISO)).all()
    assert_rate(int(crf_sites.str.match(ISO).sum()), len(crf_sites), RATES.date_style_slip, "ISO slips")


def test_text_variants(tables, dictionary):
    # columns whose every CRF value has variants (the dictionary lists the CRF values)
    cols = [("DM", "SEX"), ("SV", "VISYN"), ("IE", "IEYN"), ("AE", "AESEV"), ("AE", "AESER"), ("AE", "AEONGO"),
            ("AE", "AEREL"), ("EX", "EXROUTE"), ("EX", "EXFREQ"), ("EX", "EXDOSU"), ("EX", "EXPER"), ("CM", "CMONGO")]
    allowed = {(f["form"], c["name"]): set(c["values"]) for f in dictionary["forms"] for c in f["columns"] if c["values"]}
    hits = n = 0
    for form, col in cols:
        v = tables[form][col]
        v = v[v != ""]
        hits += int((~v.isin(allowed[(form, col)])).sum())
        n += len(v)
    assert_rate(hits, n, RATES.text_variant, "case/synonym variants")


def test_trailing_spaces_in_free_text(tables, dictionary):
    vals = pd.concat([tables[f["form"]][c["name"]] for f in dictionary["forms"] for c in f["columns"] if c.get("free_text")])
    vals = vals[vals.str.strip() != ""]
    assert_rate(int(vals.str.endswith(" ").sum()), len(vals), RATES.trailing_space, "trailing spaces")


@pytest.fixture(scope="module")
def schedule():
    study = load_study("il2dm")
    return {v.folder: v for v in study.visits}


def test_missed_visits(tables, schedule):
    # visits that may be missed: treatment visits after Day 1 except the last one of each treatment epoch
    study = load_study("il2dm")
    treat = [v for v in sorted(study.visits, key=lambda v: v.visitnum) if v.epoch in ("BLINDED TREATMENT", "OPEN LABEL TREATMENT")]
    last_of_epoch = {max((v for v in treat if v.epoch == e), key=lambda v: v.visitnum).folder for e in {v.epoch for v in treat}}
    missable = {v.folder for v in treat if v.day > 1} - last_of_epoch
    sv = tables["SV"]
    rows = sv[sv.Folder.isin(missable)]
    missed = rows.VISYN.str.upper().str.startswith("N")
    assert (rows.loc[missed, "VISDAT"] == "").all() and (rows.loc[missed, "VISNDRS"].str.strip() != "").all()
    assert_rate(int(missed.sum()), len(rows), RATES.missed_visit, "missed visits")
    other = sv[~sv.Folder.isin(missable)]
    assert other.VISYN.str.upper().str.startswith("Y").all()


def test_out_of_window_visits(tables, schedule):
    sv = tables["SV"]
    ds = tables["DS"]
    stopped = set(ds[(ds.DSPER == "Study") & ~ds.DSSTAT.str.lower().str.startswith("c")].Subject)
    att = sv[(sv.VISDAT != "") & ~sv.Subject.isin(stopped)].copy()
    att["date"] = parse_dates(att.VISDAT)
    d1 = att[att.Folder == "D1"].set_index("Subject").date
    later = att[att.Folder.isin([f for f, v in schedule.items() if v.day > 1])].copy()
    study_day = (later.date.values - d1.loc[later.Subject].values).astype("timedelta64[D]").astype(int) + 1
    target = later.Folder.map(lambda f: schedule[f].day).values
    lo = target - later.Folder.map(lambda f: schedule[f].window_before).values
    hi = target + later.Folder.map(lambda f: schedule[f].window_after).values
    outside = (study_day < lo) | (study_day > hi)
    assert_rate(int(outside.sum()), len(later), RATES.out_of_window, "out-of-window visits")
    # visit dates still follow the schedule order within each subject
    later = later.assign(sday=study_day, vnum=later.Folder.map(lambda f: schedule[f].visitnum))
    assert later.sort_values(["Subject", "vnum"]).groupby("Subject").sday.apply(lambda s: s.is_monotonic_increasing).all()


def test_unscheduled_visits(tables):
    sv = tables["SV"]
    n_rand = len(tables["RAND"])
    uns = sv[sv.Folder == "UNS"]
    mean = RATES.unscheduled_mean
    assert abs(len(uns) - mean * n_rand) < 4 * math.sqrt(mean * n_rand)
    seq = uns.groupby("Subject").FolderSeq.apply(lambda s: list(s.astype(int)))
    assert all(v == list(range(1, len(v) + 1)) for v in seq)


def test_missing_pages(tables):
    sv = tables["SV"]
    attended = sv[sv.VISYN.str.upper().str.startswith("Y")][["Subject", "Folder"]]
    hits = n = 0
    for form in ("MMT8", "HAQ", "VAS"):
        folders = set(tables[form].Folder) - {"SCRN", "D1"}
        expected = attended[attended.Folder.isin(folders)]
        present = expected.merge(tables[form][["Subject", "Folder"]], how="left", indicator=True)
        hits += int((present._merge == "left_only").sum())
        n += len(expected)
    assert_rate(hits, n, RATES.missing_page, "missing pages")


def test_blank_haq_items(tables):
    items = tables["HAQ"][[c for c in tables["HAQ"].columns if c[:3] == "HAQ" and c[-1].isdigit()]]
    assert items.shape[1] == 20
    assert_rate(int((items == "").sum().sum()), items.size, RATES.haq_item_blank, "blank HAQ items")


def test_lab_not_done(tables):
    lab = tables["LAB"]
    after = lab[~lab.VISITCD.isin(["SCRN", "D1"])]
    nd = after.NOTDONE == "Y"
    assert (after.loc[nd, "RESULT"] == "").all() and (after.loc[nd, "NDREASON"] != "").all()
    assert (lab.loc[lab.VISITCD.isin(["SCRN", "D1"]), "NOTDONE"] == "").all()
    assert_rate(int(nd.sum()), len(after), RATES.lab_not_done, "lab not done")


def test_lab_duplicates(tables):
    lab = tables["LAB"]
    same_as_previous = (lab == lab.shift(1)).all(axis=1)
    assert_rate(int(same_as_previous.sum()), len(lab), RATES.lab_duplicate, "duplicated lab records")


def test_site_specific_lab_units_are_converted_consistently(tables):
    lab = tables["LAB"]
    lab = lab[(lab.NOTDONE == "") & (lab.TESTCD.isin(["CREA", "TBIL", "HGB", "SGPT"]))]
    units = lab.groupby("TESTCD").UNIT.apply(set)
    assert units["CREA"] == {"umol/L", "mg/dL"} and units["TBIL"] == {"umol/L", "mg/dL"}
    assert units["HGB"] == {"g/L", "g/dL"} and units["SGPT"] == {"U/L", "IU/L"}
    # the upper limit converts with the textbook factors (creatinine 88.4, bilirubin 17.1 umol/L per mg/dL)
    high = lab.assign(H=pd.to_numeric(lab.REFHIGH)).groupby(["TESTCD", "UNIT"]).H.first()
    assert high["CREA", "mg/dL"] == pytest.approx(high["CREA", "umol/L"] / 88.4, abs=0.006)
    assert high["TBIL", "mg/dL"] == pytest.approx(high["TBIL", "umol/L"] / 17.1, abs=0.006)
    # censored results occur: cytokines below the assay range
    cyt = tables["LAB"][tables["LAB"].BATTERY == "CYTOKINES"]
    assert cyt.RESULT.str.match(r"^<\d+\.\d\d$").any()
