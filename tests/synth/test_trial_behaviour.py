"""The data behave like the trial: IL-2 effects on injection sites, Tregs and the core set."""
from __future__ import annotations

import pandas as pd
import pytest

from ._parse import core_set, lab_number, parse_dates


@pytest.fixture(scope="module")
def arm(tables):
    return tables["RAND"].set_index("Subject").ARMCD


def test_injection_site_reactions_more_common_on_il2_in_the_blinded_period(tables, arm):
    ae = tables["AE"]
    start = pd.Series(parse_dates(ae.AESTDAT), index=ae.index)
    sv = tables["SV"]
    w12 = sv[(sv.Folder == "W12") & (sv.VISDAT != "")].set_index("Subject").VISDAT
    w12 = pd.Series(parse_dates(w12), index=w12.index)
    isr = ae[ae.AEPT.str.startswith("Injection site") & start.notna()]
    isr = isr[start[isr.index].values < w12.reindex(isr.Subject).values]
    with_isr = set(isr.Subject)
    share = {a: len(with_isr & set(arm.index[arm == a])) / (arm == a).sum() for a in ("IL2", "PBO")}
    assert share["IL2"] > 2 * share["PBO"], share
    # and the verbatim terms were coded to injection-site PTs of the same SOC
    assert (ae.loc[ae.AEPT.str.startswith("Injection site"), "AESOCCD"] == "10018065").all()


def _lab_change(tables, testcd, start, end):
    lab = tables["LAB"]
    lab = lab[(lab.TESTCD == testcd) & (lab.NOTDONE == "")].drop_duplicates(["SUBJECT", "VISITCD", "VISITSEQ", "TESTCD"])
    v = lab.assign(X=lab_number(lab.RESULT)).pivot_table(index="SUBJECT", columns="VISITCD", values="X", aggfunc="first")
    return (v[end] - v[start]).dropna()


def test_regulatory_t_cells_rise_on_il2(tables, arm):
    blinded = _lab_change(tables, "TREGP", "D1", "W12")
    by_arm = blinded.groupby(arm.reindex(blinded.index)).mean()
    assert by_arm["IL2"] > by_arm["PBO"] + 2.0, by_arm
    # the placebo arm catches up once it receives open-label IL-2
    open_label = _lab_change(tables, "TREGP", "W12", "W24")
    ol = open_label.groupby(arm.reindex(open_label.index)).mean()
    assert ol["PBO"] > 2.0 and ol["PBO"] > ol["IL2"], ol


def test_core_set_improves_more_on_il2_blinded_and_in_both_arms_open_label(tables, arm):
    cs = {f: core_set(tables, f).set_index("Subject") for f in ("D1", "W12", "W24")}
    for measure, better in (("VASPHGA", -1), ("MMT", 1), ("HAQDI", -1)):
        blinded = (cs["W12"][measure] - cs["D1"][measure]).dropna() * better
        m = blinded.groupby(arm.reindex(blinded.index)).mean()
        assert m["IL2"] > m["PBO"], (measure, m)
        ol = (cs["W24"][measure] - cs["W12"][measure]).dropna() * better
        m_ol = ol.groupby(arm.reindex(ol.index)).mean()
        assert m_ol["PBO"] > 0, (measure, m_ol)


def test_ae_discontinuations_have_a_withdrawn_event(tables):
    ds = tables["DS"]
    stop_ae = set(ds[(ds.DSPER == "Study") & ds.DSREAS.str.upper().isin(["ADVERSE EVENT", "AE"])].Subject)
    withdrawn = set(tables["AE"][tables["AE"].AEACN.str.upper().isin(["DRUG WITHDRAWN", "PERMANENTLY DISCONTINUED"])].Subject)
    assert stop_ae and stop_ae <= withdrawn


def test_exposure_log_covers_treatment_every_other_day(tables, arm):
    ex = tables["EX"]
    start, end = parse_dates(ex.EXSTDAT), parse_dates(ex.EXENDAT)
    n_plan = pd.to_numeric(ex.EXNPLAN).values
    span = (end - start).astype("timedelta64[D]").astype(int)
    assert (span == 2 * (n_plan - 1)).all()
    per = ex.EXPER.str.upper().str[0]
    assert set(per) <= {"D", "O"}
    # injections fall on odd study days (one every-other-day rhythm from Day 1)
    d1 = tables["RAND"].set_index("Subject").RANDDAT
    d1 = pd.Series(parse_dates(d1), index=d1.index)
    sday = (start - d1.loc[ex.Subject].values).astype("timedelta64[D]").astype(int) + 1
    assert (sday % 2 == 1).all()
    # completers inject on every odd study day before the end-of-treatment visit (W24): about
    # 84 injections for 12 + 12 weeks, more or fewer as the W24 visit falls in its window
    ds = tables["DS"]
    done = set(ds[(ds.DSPER == "Study") & ds.DSSTAT.str.lower().str.startswith("c")].Subject)
    total = pd.Series(n_plan, index=ex.Subject.values).groupby(level=0).sum()
    sv = tables["SV"]
    w24 = sv[(sv.Folder == "W24") & sv.Subject.isin(done)].set_index("Subject").VISDAT
    w24_day = (parse_dates(w24) - d1.loc[w24.index].values).astype("timedelta64[D]").astype(int) + 1
    expected = pd.Series(w24_day // 2, index=w24.index)  # odd days 1, 3, ... < W24 day
    assert len(expected) == len(done)
    assert (total.loc[expected.index] == expected).all()
    assert expected.between(78, 92).all() and abs(expected.mean() - 84) < 2
