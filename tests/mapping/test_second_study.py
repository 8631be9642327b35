"""The second study converts with specs alone, and its outputs match the raw data worked by hand.

The study (tests/mapping/fixtures/second_study) has other form and column names than il2dm,
US-style dates, a wide vitals form melted to VS, a study function and SUPP-- variables; no
code in cdisc_dm knows it. Expected values below are read off the raw CSVs by hand.
"""
from __future__ import annotations

import filecmp
import json

import pandas as pd
import pytest

from cdisc_dm.convert import convert
from cdisc_dm.io import read_xpt

from mapping_helpers import SECOND


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "out"
    return convert(SECOND / "raw", SECOND, out, created="2026-01-01T00:00:00")


def test_no_findings_and_every_raw_record_accounted(result):
    assert [str(i) for i in result.report] == []
    recon = result.reconciliation.set_index("form")
    assert recon["accounted"].all()
    # VITALS: 10 raw rows; 102-002's V1 row has no values at all -> dropped with the spec's reason
    assert recon.loc["VITALS", ["raw_records", "mapped", "dropped"]].tolist() == [10, 9, 1]
    assert "vital sign not measured" in recon.loc["VITALS", "reasons"]


def test_dm_one_record_per_subject_with_reference_dates(result):
    dm = result.package["DM"].data.set_index("SUBJID")
    assert list(dm.index) == ["101-001", "101-002", "102-001", "102-002", "102-003"]
    # 101-001 dosed 22-Jan-2024 .. 04-Feb-2024 and 05-Feb-2024 .. 19-Feb-2024 (DOSING.csv)
    assert dm.loc["101-001", ["RFSTDTC", "RFENDTC", "RFICDTC"]].tolist() == ["2024-01-22", "2024-02-19", "2024-01-08"]
    assert dm.loc["101-001", "USUBJID"] == "HTN-TEST-201-101-001"
    # 1975-UN-UN is a birth date known to the year only
    assert dm.loc["101-002", "BRTHDTC"] == "1975"
    # GENDER 'female', 'F', 'Male' and RACE 'White' map through SEX/RACE terminology
    assert dm["SEX"].tolist() == ["M", "F", "F", "M", "M"]
    assert dm.loc["102-001", "RACE"] == "ASIAN"
    # 102-003 was not randomized: no arm, screen failure, no treatment dates
    sf = dm.loc["102-003"]
    assert pd.isna(sf["ARMCD"]) and sf["ARMNRS"] == "SCREEN FAILURE" and pd.isna(sf["RFSTDTC"])
    assert dm.loc["101-002", ["ARMCD", "ARM", "ACTARMCD"]].tolist() == ["PBO", "Placebo", "PBO"]


def test_metadata_carries_define_origins(result):
    dm = result.package["DM"]
    assert dm.variable("SEX").origin == "Collected" and dm.variable("SEX").source == "DEMOG.GENDER"
    assert dm.variable("DOMAIN").origin == "Assigned"
    rf = dm.variable("RFSTDTC")
    assert rf.origin == "Derived" and "min of dosing.DOSE_START" in rf.method and rf.method_name == "subject_date"
    ae = result.package["AE"]
    assert ae.variable("AESTDY").origin == "Derived" and "no day 0" in ae.variable("AESTDY").method


def test_ae_partial_dates_study_days_and_supp(result):
    ae = result.package["AE"].data
    row = ae[ae["AETERM"] == "dizziness"].iloc[0]
    # 02/UN/2024 in MM/DD/YYYY: February 2024, day unknown -> no study day
    assert row["AESTDTC"] == "2024-02" and pd.isna(row["AESTDY"])
    head = ae[ae["AETERM"] == "Headache"].iloc[0]
    # 01/24/2024 with first dose 2024-01-22 -> day 3
    assert (head["AESTDTC"], head["AESTDY"], head["AESEV"], head["AESER"]) == ("2024-01-24", 3.0, "MILD", "N")
    syncope = ae[ae["AETERM"] == "Syncope"].iloc[0]
    assert (syncope["AESEV"], syncope["AESER"]) == ("SEVERE", "Y")
    supp = result.package["SUPPAE"].data
    assert supp["QVAL"].tolist() == ["felt faint when standing", "hospitalised overnight"]
    # the note of 101-001's dizziness points back at that AE by AESEQ
    seq = ae.loc[ae["AETERM"] == "dizziness", "AESEQ"].iloc[0]
    assert supp.iloc[0][["IDVAR", "IDVARVAL"]].tolist() == ["AESEQ", str(int(seq))]


def test_vs_melt_visits_and_baseline_flag(result):
    vs = result.package["VS"].data
    # 9 vitals pages x 3 tests, minus the 2 blanks on 101-001 V2 (HR) ... and 102-002 V1 (all three)
    assert len(vs) == 10 * 3 - 1 - 3
    s1 = vs[(vs["USUBJID"] == "HTN-TEST-201-101-001") & (vs["VSTESTCD"] == "SYSBP")]
    assert s1["VSORRES"].tolist() == ["152", "150", "138"] and s1["VSSTRESN"].tolist() == [152.0, 150.0, 138.0]
    assert s1["VISIT"].tolist() == ["SCREENING", "BASELINE", "WEEK 2"]
    # last value on or before first dose (2024-01-22) is the BASELINE visit's
    assert s1["VSLOBXFL"].fillna("").tolist() == ["", "Y", ""]
    # 102-002 has no value at V1: the screening value is the last before dosing
    s4 = vs[(vs["USUBJID"] == "HTN-TEST-201-102-002") & (vs["VSTESTCD"] == "DIABP")]
    assert s4["VSLOBXFL"].tolist() == ["Y"]


def test_lineage_points_every_record_at_its_raw_row(result):
    lineage = result.lineage
    for name in ("DM", "AE", "EX", "VS"):
        assert (lineage["dataset"] == name).sum() == len(result.package[name].data)
    vs_first = lineage[(lineage["dataset"] == "VS") & (lineage["record"] == 1)].iloc[0]
    assert (vs_first["form"], vs_first["file"], int(vs_first["row"])) == ("VITALS", "VITALS.csv", 1)
    written = pd.read_csv(result.out_dir / "lineage.csv")
    assert list(written.columns) == ["dataset", "record", "form", "file", "row", "spec"]
    assert written["spec"].str.contains(r"sdtm/vs\.yaml:\d+$").any()


def test_outputs_are_readable_and_manifest_lists_hashes(result):
    dm = read_xpt(result.out_dir / "sdtm" / "dm.xpt")
    assert len(dm) == 5
    manifest = json.loads((result.out_dir / "manifest.json").read_text())
    assert manifest["created"] == "2026-01-01T00:00:00"
    assert "sdtm/dm.xpt" in manifest["outputs"] and "DEMOG.csv" in manifest["inputs"]
    assert any(k.endswith("sdtm/dm.yaml") for k in manifest["specs"])


def test_two_runs_are_byte_identical(result, tmp_path):
    again = convert(SECOND / "raw", SECOND, tmp_path / "again", created="2026-01-01T00:00:00")
    files = sorted(p.relative_to(result.out_dir) for p in result.out_dir.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again.out_dir) for p in again.out_dir.rglob("*") if p.is_file())
    _, mismatch, errors = filecmp.cmpfiles(result.out_dir, again.out_dir, [str(f) for f in files], shallow=False)
    assert mismatch == [] and errors == []
