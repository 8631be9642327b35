"""The IL-2 study's specs: they plan against the synthetic export's dictionary and convert the
240-subject synthetic export end to end with no findings, every raw record accounted for.

Expected counts come from the synthesizer's own summary (what it wrote), not from the mapper.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cdisc_dm.mapping import check_dictionary, load_plan

synth = pytest.importorskip("cdisc_dm.synth")


def test_plan_resolves_against_the_export_dictionary():
    from cdisc_dm.synth.dictionary import dictionary_json

    plan = load_plan("il2dm")
    check_dictionary(plan, json.loads(dictionary_json("IL2DM-PKU-301")))
    assert [s.dataset for s in plan.specs][0] == "DM"
    assert {"DM", "EX", "AE", "DS", "CM"} <= {s.dataset for s in plan.specs}
    as_json = json.loads(json.dumps(plan.to_json()))
    dm = next(d for d in as_json["datasets"] if d["dataset"] == "DM")
    assert dm["sources"]["ic"]["join"] == ["Subject"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from cdisc_dm.convert import convert

    base = tmp_path_factory.mktemp("il2dm")
    summary = synth.synthesize(base / "raw", subjects=240, seed=11)
    return summary, convert(base / "raw", "il2dm", base / "run", formats=("xpt",))


# the domains of this helper's specs (LB, CP, MB specs are maintained with their own tests)
DOMAINS = {"DM", "SUPPDM", "AE", "CM", "DS", "EX", "SUPPEX", "QS"}


def test_240_subjects_convert_without_findings(run):
    summary, result = run
    assert [str(i) for i in result.report if i.severity == "error" and i.dataset in DOMAINS] == []
    assert result.reconciliation["accounted"].all()


def test_dm_has_every_screened_subject_and_arm_counts(run):
    summary, result = run
    dm = result.package["DM"].data
    assert len(dm) == summary.screened and dm["USUBJID"].is_unique
    assert dm["ARMCD"].value_counts().to_dict() == summary.by_arm
    assert (dm["ARMNRS"] == "SCREEN FAILURE").sum() == summary.screen_failures
    # every randomized subject was dosed on Day 1 = RFSTDTC, so their study day 1 exists in EX
    ex = result.package["EX"].data
    assert ex.groupby("USUBJID")["EXSTDY"].min().eq(1).all()


def test_records_in_equal_records_out(run):
    summary, result = run
    for domain, form in (("AE", "AE"), ("CM", "CM"), ("EX", "EX")):
        assert len(result.package[domain].data) == summary.rows[form]
    # DS = consent + randomization milestones + one disposition record per period entered
    assert len(result.package["DS"].data) == summary.rows["IC"] + summary.rows["RAND"] + summary.rows["DS"]


def test_ex_placebo_blinded_periods_have_dose_zero(run):
    _, result = run
    ex, dm = result.package["EX"].data, result.package["DM"].data
    arm = ex["USUBJID"].map(dm.set_index("USUBJID")["ARMCD"])
    blinded_pbo = (arm == "PBO") & (ex["EXCAT"] == "BLINDED")
    assert (ex.loc[blinded_pbo, "EXTRT"] == "PLACEBO").all() and (ex.loc[blinded_pbo, "EXDOSE"] == 0).all()
    assert (ex.loc[ex["EXCAT"] == "OPEN LABEL", "EXTRT"] == "INTERLEUKIN-2").all()
    assert set(ex["EXDOSU"]) == {"10^6 IU"} and set(ex["EXROUTE"]) == {"SUBCUTANEOUS"} and set(ex["EXDOSFRQ"]) == {"QOD"}


def test_qs_has_one_record_per_non_blank_item(run, tmp_path_factory):
    summary, result = run
    raw = Path(summary.out_dir)
    expected = 0
    for form, prefix in (("MMT8", "MMT"), ("VAS", "VAS"), ("HAQ", "HAQ")):
        frame = pd.read_csv(raw / "edc" / f"{form}.csv", dtype=str, keep_default_na=False)
        items = [c for c in frame.columns if c.startswith(prefix) and not c.endswith("DAT")]
        expected += int((frame[items].apply(lambda s: s.str.strip()) != "").to_numpy().sum())
    qs = result.package["QS"].data
    assert len(qs) == expected
    # one baseline (last pre-dose) flag per subject and item
    flagged = qs[qs["QSLOBXFL"] == "Y"]
    assert not flagged.duplicated(["USUBJID", "QSTESTCD"]).any()


def test_odm_export_converts_to_the_same_sdtm(tmp_path):
    """The same export as ODM 1.3.2 gives identical datasets (the raw readers' contract)."""
    from cdisc_dm.convert import convert

    synth.synthesize(tmp_path / "raw", subjects=12, seed=5, odm=True)
    odm_only = tmp_path / "odm_only"
    odm_only.mkdir()
    (odm_only / "ODM.xml").write_bytes((tmp_path / "raw" / "odm" / "ODM.xml").read_bytes())
    (odm_only / "lab").mkdir()  # ODM carries the EDC forms; the lab transfer stays a CSV
    (odm_only / "lab" / "LAB.csv").write_bytes((tmp_path / "raw" / "lab" / "LAB.csv").read_bytes())
    flat = convert(tmp_path / "raw", "il2dm")
    odm = convert(odm_only, "il2dm")
    assert sorted(flat.package.datasets) == sorted(odm.package.datasets)
    for name in flat.package.datasets:
        pd.testing.assert_frame_equal(flat.package[name].data.reset_index(drop=True), odm.package[name].data.reset_index(drop=True))


def test_qs_assessments_on_dosing_days_belong_to_the_epoch_before_the_dose(run):
    # Day 1 baseline and Week 12 assessments precede that day's first blinded / open-label dose
    _, result = run
    qs = result.package["QS"].data
    epochs = qs.groupby("VISIT")["EPOCH"].agg(lambda s: sorted(set(s.dropna())))
    assert epochs["DAY 1"] == ["SCREENING"]
    assert epochs["WEEK 12"] == ["BLINDED TREATMENT"]
