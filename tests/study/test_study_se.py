"""SE from small DM/EX/DS fixtures: elements, contiguity, screen failures, unplanned treatment."""
from __future__ import annotations

import pandas as pd
import pytest

from cdisc_dm.report import Report
from cdisc_dm.sdtm.se import build_se
from cdisc_dm.study import load_study

IL2, PBO = "INTERLEUKIN-2", "PLACEBO"


@pytest.fixture(scope="module")
def study():
    return load_study("il2dm")


def _frames():
    """Scenario per subject (dates chosen by hand):

    C1 IL2 completer: consent 01-02, blinded doses 01-20..04-12, open label 04-13..07-05, end of study 08-10.
    D2 PBO stops blinded treatment early (last dose 02-10), leaves 03-01.
    F3 screen failure (no arm, no dose), DS end 01-15.
    U4 PBO arm but got IL-2 in the blinded period (unplanned), then open label.
    N5 randomized, never dosed, leaves 02-20.
    """
    dm = pd.DataFrame({
        "STUDYID": "IL2DM-PKU-301",
        "USUBJID": ["C1", "D2", "F3", "U4", "N5"],
        "RFICDTC": ["2024-01-02", "2024-01-05", "2024-01-07", "2024-01-09", "2024-01-11"],
        "RFSTDTC": ["2024-01-20", "2024-01-22", None, "2024-01-25", None],
        "ARMCD": ["IL2", "PBO", None, "PBO", "IL2"],
        "ACTARMCD": ["IL2", "PBO", None, "PBO", None],
        "RFPENDTC": [None, "2024-03-01", None, "2024-07-01", "2024-02-20"],
    })
    ex = pd.DataFrame({
        "USUBJID": ["C1", "C1", "C1", "D2", "U4", "U4", "U4"],
        "EXTRT": [IL2, IL2, IL2, PBO, IL2, IL2, IL2],
        "EXCAT": ["BLINDED", "BLINDED", "OPEN LABEL", "BLINDED", "BLINDED", "OPEN LABEL", "OPEN LABEL"],
        "EXSTDTC": ["2024-02-20", "2024-01-20", "2024-04-13", "2024-01-22", "2024-01-25", "2024-04-18", "2024-05-18"],
        "EXENDTC": ["2024-04-12", "2024-02-19", "2024-07-05", "2024-02-10", "2024-04-17", "2024-05-17", "2024-06-20"],
    })
    ds = pd.DataFrame({
        "USUBJID": ["C1", "C1", "F3"],
        "DSCAT": ["PROTOCOL MILESTONE", "DISPOSITION EVENT", "DISPOSITION EVENT"],
        "DSSTDTC": ["2024-01-20", "2024-08-10", "2024-01-15"],
    })
    return dm, ex, ds


@pytest.fixture(scope="module")
def se(study):
    dm, ex, ds = _frames()
    return build_se(dm, ex, ds, study).data


def _elements(se, subject):
    rows = se[se["USUBJID"] == subject]
    return list(zip(rows["ETCD"], rows["SESTDTC"], rows["SEENDTC"]))


def test_completer_goes_through_all_planned_elements(se):
    assert _elements(se, "C1") == [
        ("SCRN", "2024-01-02", "2024-01-20"),
        ("IL2BL", "2024-01-20", "2024-04-13"),   # ends at the first open-label dose
        ("IL2OL", "2024-04-13", "2024-07-07"),   # one QOD interval after the last dose (07-05)
        ("FU", "2024-07-07", "2024-08-10"),      # ends at the DS disposition event, not the milestone
    ]
    c1 = se[se["USUBJID"] == "C1"]
    assert list(c1["TAETORD"]) == [1, 2, 3, 4]
    assert list(c1["EPOCH"]) == ["SCREENING", "BLINDED TREATMENT", "OPEN LABEL TREATMENT", "FOLLOW-UP"]
    assert list(c1["SESEQ"]) == [1, 2, 3, 4]
    # Study days from RFSTDTC 2024-01-20 (no day 0): 01-02 is 18 days before -> -18; 04-13 is day 85;
    # 07-07 is 169 days after -> day 170.
    assert list(c1["SESTDY"]) == [-18, 1, 85, 170]


def test_early_stop_goes_to_follow_up(se):
    assert _elements(se, "D2") == [("SCRN", "2024-01-05", "2024-01-22"), ("PBOBL", "2024-01-22", "2024-02-12"),
                                   ("FU", "2024-02-12", "2024-03-01")]
    assert list(se.loc[se["USUBJID"] == "D2", "TAETORD"]) == [1, 2, 4]


def test_screen_failure_and_not_dosed_have_only_screening(se):
    assert _elements(se, "F3") == [("SCRN", "2024-01-07", "2024-01-15")]
    assert _elements(se, "N5") == [("SCRN", "2024-01-11", "2024-02-20")]


def test_unplanned_treatment_is_an_unplan_element(se):
    u4 = se[se["USUBJID"] == "U4"].reset_index(drop=True)
    assert list(u4["ETCD"]) == ["SCRN", "UNPLAN", "IL2OL", "FU"]
    unplanned = u4.iloc[1]
    assert pd.isna(unplanned["ELEMENT"]) and pd.isna(unplanned["TAETORD"])
    assert "INTERLEUKIN-2" in unplanned["SEUPDES"] and unplanned["EPOCH"] == "BLINDED TREATMENT"
    assert u4["SEUPDES"].notna().sum() == 1


def test_elements_are_contiguous_and_ordered(se):
    ordered = se.sort_values(["USUBJID", "SESEQ"])
    nxt = ordered.groupby("USUBJID")["SESTDTC"].shift(-1)
    inner = nxt.notna()
    assert (ordered.loc[inner, "SEENDTC"] == nxt[inner]).all()
    assert (ordered["SESTDTC"] <= ordered["SEENDTC"]).all()  # same precision: text order is date order
    assert set(se["USUBJID"]) == {"C1", "D2", "F3", "U4", "N5"}


def test_without_category_the_planned_durations_split_the_exposure(study, se):
    dm, ex, ds = _frames()
    dm, ex = dm[dm["USUBJID"] != "U4"], ex[ex["USUBJID"] != "U4"].drop(columns="EXCAT")
    by_plan = build_se(dm, ex, ds, study).data
    expected = se[se["USUBJID"] != "U4"].reset_index(drop=True)
    pd.testing.assert_frame_equal(by_plan.reset_index(drop=True), expected)


def test_what_cannot_be_placed_is_reported_not_hidden(study):
    dm, ex, ds = _frames()
    dm.loc[dm["USUBJID"] == "D2", "RFICDTC"] = None
    extra = pd.DataFrame({"USUBJID": ["X9", "C1"], "EXTRT": [IL2, IL2], "EXCAT": ["BLINDED", "BLINDED"],
                          "EXSTDTC": ["2024-01-30", "30JAN2024"], "EXENDTC": ["2024-01-30", None]})
    report = Report()
    se = build_se(dm, pd.concat([ex, extra], ignore_index=True), ds, study, report=report).data
    assert sorted((i.code, i.value) for i in report.issues) == [
        ("SE001", "D2"), ("SE003", "C1: 30JAN2024"), ("SE004", "X9")]
    assert list(se.loc[se["USUBJID"] == "D2", "ETCD"]) == ["PBOBL", "FU"]
    assert "X9" not in set(se["USUBJID"])


def test_missing_columns_are_named(study):
    dm, ex, ds = _frames()
    with pytest.raises(KeyError, match="RFICDTC"):
        build_se(dm.drop(columns="RFICDTC"), ex, ds, study)


def test_se_dataset_metadata(study):
    dm, ex, ds = _frames()
    ds_se = build_se(dm, ex, ds, study)
    assert ds_se.name == "SE" and ds_se.keys == ["STUDYID", "USUBJID", "ETCD", "SESTDTC"]
    assert ds_se.variable("SESTDTC").origin == "Derived" and ds_se.variable("SESTDTC").method
    ds_se.check_consistent()


def test_follow_up_starts_one_dosing_interval_after_the_last_dose_keeping_precision(study):
    dm = pd.DataFrame({"USUBJID": ["T1"], "RFICDTC": ["2023-11-20"], "ARMCD": ["IL2"], "RFPENDTC": ["2024-03-20"]})
    ex = pd.DataFrame({"USUBJID": ["T1", "T1"], "EXTRT": [IL2, IL2], "EXCAT": ["BLINDED", "OPEN LABEL"],
                       "EXSTDTC": ["2023-12-01", "2024-02-20"], "EXENDTC": ["2024-02-18", "2024-02-29T10:30"]})
    se = build_se(dm, ex, None, study).data
    assert list(zip(se["ETCD"], se["SESTDTC"], se["SEENDTC"])) == [
        ("SCRN", "2023-11-20", "2023-12-01"), ("IL2BL", "2023-12-01", "2024-02-20"),
        ("IL2OL", "2024-02-20", "2024-03-02T10:30"), ("FU", "2024-03-02T10:30", "2024-03-20")]  # QOD: 2 days
