"""The 60-subject synthetic study: LB/MB/CP mapped from the lab transfer, checked row by row.

Expected values are computed here from the raw LAB.csv (read with plain pandas, not the
product's readers) and from published facts (CDISC LBTESTCD codes, SI conversion factors).
"""
from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.mapping.algorithms.value_level import lb_value_level
from cdisc_dm.standards import load_ct
from cdisc_dm.study import load_study

# Clinical chemistry and hematology codes the protocol lists (CDISC LBTESTCD, C65047)
REQUIRED_LB = {"CK", "ALDOLASE", "LDH", "ALT", "AST", "HGB", "PLAT", "WBC", "LYM", "CREAT", "CREATCLR", "BILI",
               "INTLK2", "INTLK6", "INTLK10", "INTLK17", "IFNG", "TNF"}
# Lymphocyte counts coded in LB (T, B, NK cells) pending the terminology check (docs/lb.md)
PENDING_CT = {"TLYCE", "BLYCE", "NKCE"}
# Published factors to the study's standard units: SI prefixes and AMA SI conversion table
# collected unit -> CDISC UNIT submission value: pg/mL is the CDISC synonym of ng/L (C67327); IU/L
# is a sponsor synonym of U/L for enzyme activity (mappings/il2dm/ct/sponsor.yaml), the same quantity
CT_UNIT = {"pg/mL": "ng/L", "IU/L": "U/L"}
FACTOR = {("mg/dL", "CREAT"): 88.4, ("mg/dL", "BILI"): 17.1, ("g/dL", "HGB"): 10.0}


def _errors(result):
    return [i for i in result.report if i.severity == "error"]


def test_lb_holds_every_protocol_test_and_only_cdisc_codes(converted):
    lb = converted.package["LB"].data
    codes = set(lb["LBTESTCD"].dropna())
    assert REQUIRED_LB <= codes
    ct_codes = {t.value for t in load_ct().codelist("LBTESTCD").terms}
    assert codes - ct_codes <= PENDING_CT
    assert set(converted.package["MB"].data["MBTESTCD"]) <= {t.value for t in load_ct().codelist("MBTESTCD").terms}


def test_no_error_findings(converted):
    assert [str(i) for i in _errors(converted)] == []


def test_exact_duplicate_rows_are_dropped_with_the_row_they_repeat(converted, raw_lab):
    """SDTM keeps one record per observation: a resent lab row (identical in every column) is
    dropped, listed with the row it repeats, and no LB/MB/CP record comes from it."""
    expected = set((raw_lab.index[raw_lab.duplicated(keep="first")] + 1).tolist())
    assert expected, "the synthetic export resends some lab rows (rate 0.5%)"
    drops = converted.dropped[(converted.dropped["form"] == "LAB") & converted.dropped["reason"].str.contains("duplicate")]
    for ds in ("LB", "MB", "CP"):
        mine = drops[drops["dataset"] == ds]
        assert set(mine["row"]) == expected
        for row, detail in zip(mine["row"], mine["detail"]):
            first = int(str(detail).rsplit(" ", 1)[1])
            assert first < row and raw_lab.iloc[first - 1].equals(raw_lab.iloc[row - 1])
    lin = converted.lineage
    assert not set(lin.loc[lin["form"] == "LAB", "row"]) & expected
    warnings = [i for i in converted.report if i.code == "MAP-DUPLICATE-RECORD"]
    assert warnings and all(i.file == "lab/LAB.csv" and i.severity == "warning" for i in warnings)


def test_every_raw_lab_row_is_accounted_for_once(converted, raw_lab):
    lin = converted.lineage
    lab = lin[lin["form"] == "LAB"]
    counts = lab.groupby("row").size()
    assert (counts == 1).all(), "a raw lab row gives at most one record in LB, MB or CP"
    assert set(lab["dataset"]) == {"LB", "MB", "CP"}
    # a row in no dataset must be listed as dropped, with a reason, by every lab dataset
    unmapped = sorted(set(range(1, len(raw_lab) + 1)) - set(counts.index))
    drops = converted.dropped[converted.dropped["form"] == "LAB"]
    for ds in ("LB", "MB", "CP"):
        listed = drops[(drops["dataset"] == ds) & drops["reason"].str.len().gt(0)]
        assert set(unmapped) <= set(listed["row"]), f"{ds}: raw rows neither mapped nor dropped with a reason"
    assert converted.reconciliation["accounted"].all()


@pytest.mark.parametrize("n_subjects", [6])
def test_sample_of_subjects_raw_rows_agree_with_their_lb_records(converted, raw_lab, n_subjects):
    study = load_study("il2dm")
    lb = converted.package["LB"].data
    lin = converted.lineage
    lin = lin[(lin["dataset"] == "LB") & (lin["form"] == "LAB")]
    subjects = sorted(raw_lab["SUBJECT"].unique())[:: max(1, raw_lab["SUBJECT"].nunique() // n_subjects)][:n_subjects]
    checked = 0
    for _, link in lin.iterrows():
        raw = raw_lab.iloc[int(link["row"]) - 1]
        if raw["SUBJECT"] not in subjects:
            continue
        rec = lb.iloc[int(link["record"]) - 1]
        checked += 1
        assert rec["USUBJID"] == f"{study.studyid}-{raw['SUBJECT']}"
        assert rec["LBDTC"] == datetime.strptime(raw["COLLDTM"], "%d-%b-%Y %H:%M").strftime("%Y-%m-%dT%H:%M")
        assert rec["LBREFID"] == raw["ACCESSION"] and rec["LBNAM"] == raw["LABID"]
        if raw["VISITCD"] != "UNS":
            assert rec["VISITNUM"] == study.visit_by_folder(raw["VISITCD"]).visitnum
        else:
            assert str(rec["VISIT"]).startswith("UNSCHEDULED ")
        if raw["NOTDONE"] == "Y":
            assert rec["LBSTAT"] == "NOT DONE" and rec["LBREASND"] == raw["NDREASON"] and pd.isna(rec["LBORRES"])
            continue
        assert rec["LBORRES"] == raw["RESULT"] and pd.isna(rec["LBSTAT"])
        # the collected unit, written as its CDISC submission value where the CT names it by a synonym
        assert (rec["LBORRESU"] if pd.notna(rec["LBORRESU"]) else "") == CT_UNIT.get(raw["UNIT"], raw["UNIT"])
        result = raw["RESULT"]
        if result[0] in "<>":
            assert pd.isna(rec["LBSTRESN"]) and rec["LBSTRESC"][0] == result[0]
            continue
        factor = FACTOR.get((raw["UNIT"], rec["LBTESTCD"]), 1.0)
        assert rec["LBSTRESN"] == pytest.approx(float(result) * factor, rel=5e-4)
        if raw["REFHIGH"]:
            assert rec["LBSTNRHI"] == pytest.approx(float(raw["REFHIGH"]) * factor, rel=5e-4)
            hi, lo = rec["LBSTNRHI"], rec["LBSTNRLO"]
            expected = "HIGH" if rec["LBSTRESN"] > hi else ("LOW" if pd.notna(lo) and rec["LBSTRESN"] < lo else "NORMAL")
            assert rec["LBNRIND"] == expected
            # the lab's own flag must agree with the derived indicator
            assert {"H": "HIGH", "L": "LOW", "N": "NORMAL"}[raw["FLAG"]] == rec["LBNRIND"]
    assert checked > 200


def test_standard_units_are_one_per_test(converted):
    lb = converted.package["LB"].data
    done = lb[lb["LBSTAT"].isna()]
    per_test = done.groupby("LBTESTCD")["LBSTRESU"].nunique()
    assert (per_test == 1).all(), per_test[per_test != 1]
    # several collected units become one standard unit (sites report creatinine in mg/dL or umol/L)
    assert done.loc[done["LBTESTCD"] == "CREAT", "LBORRESU"].nunique() == 2


def test_serology_results_in_standard_text(converted, raw_lab):
    mb = converted.package["MB"].data
    raw = raw_lab[raw_lab["BATTERY"] == "SEROLOGY"]
    assert len(mb) == len(raw)
    expected = {"NEG": "NEGATIVE", "POS": "POSITIVE"}
    done = mb[mb["MBSTAT"].isna()]
    assert set(done["MBSTRESC"]) <= {"NEGATIVE", "POSITIVE"}
    assert (done["MBSTRESC"] == done["MBORRES"].map(expected)).all()


def test_last_observation_before_exposure_is_one_per_subject_and_test(converted):
    lb = converted.package["LB"].data
    flagged = lb[lb["LBLOBXFL"] == "Y"]
    assert not flagged.duplicated(["USUBJID", "LBTESTCD", "LBSPEC"]).any()
    dm = converted.package["DM"].data.set_index("USUBJID")
    first_dose = flagged["USUBJID"].map(dm["RFXSTDTC"]).str.slice(0, 10)
    assert (flagged["LBDTC"].str.slice(0, 10) <= first_dose).all()


def test_value_level_metadata_per_test(converted):
    package = lb_value_level(converted.package)
    stresn = {v.where["LBTESTCD"][0]: v for v in package["LB"].variable("LBSTRESN").value_level}
    assert stresn["CREAT"].unit == "umol/L" and stresn["HGB"].unit == "g/L"
    lb = converted.package["LB"].data
    for code, vl in stresn.items():
        values = lb.loc[lb["LBTESTCD"] == code, "LBSTRESN"].dropna()
        whole = bool((values == values.round()).all())
        assert vl.type == ("integer" if whole else "float"), code
    assert stresn["CREAT"].type == "float"  # mg/dL x 88.42 gives decimals
    orres = {v.where["MBTESTCD"][0]: v for v in package["MB"].variable("MBORRES").value_level}
    assert orres["HBSAG"].type == "text" and orres["HBSAG"].origin == "Collected"
    lb_orres = {v.where["LBTESTCD"][0]: v for v in package["LB"].variable("LBORRES").value_level}
    assert lb_orres["CREAT"].unit is None and "mg/dL" in lb_orres["CREAT"].comment  # two collected units
