"""Bad lab data are Issues naming the raw file, the raw row and the value — never exceptions.

One copy of the 60-subject export is damaged in four places (an unknown unit, an unknown test,
a non-numeric result for a numeric test, a reference range with low > high) and converted once.
"""
from __future__ import annotations

import pandas as pd
import pytest

from lb_helpers import copy_export

FILE = "lab/LAB.csv"


@pytest.fixture(scope="module")
def damaged(lab_export, tmp_path_factory):
    from cdisc_dm.convert import convert

    raw = copy_export(lab_export, tmp_path_factory.mktemp("lbbad") / "raw")
    lab = pd.read_csv(raw / "lab" / "LAB.csv", dtype=str, keep_default_na=False)
    clean = (lab["NOTDONE"] == "") & ~lab.duplicated(keep=False)
    numeric = lab["RESULT"].str.fullmatch(r"\d+(\.\d+)?")
    pick = {}
    for key, code in (("unit", "CPK"), ("test", "ALDO"), ("result", "SGOT"), ("range", "LDH")):
        idx = lab.index[clean & numeric & (lab["TESTCD"] == code)][3]
        pick[key] = idx
    lab.loc[pick["unit"], "UNIT"] = "mmol/h"
    lab.loc[pick["test"], ["TESTCD", "TESTNAME"]] = ["XYZ1", "Mystery enzyme"]
    lab.loc[pick["result"], "RESULT"] = "see comment"
    lab.loc[pick["range"], ["REFLOW", "REFHIGH"]] = ["300", "120"]
    lab.to_csv(raw / "lab" / "LAB.csv", index=False)
    rows = {k: int(v) + 1 for k, v in pick.items()}  # raw record number: first data line = 1
    return convert(raw, "il2dm"), rows


def _one(result, code):
    found = [i for i in result.report if i.code == code]
    assert len(found) == 1, [str(i) for i in found]
    return found[0]


def test_unknown_unit(damaged):
    result, rows = damaged
    issue = _one(result, "MAP-UNIT-UNKNOWN")
    assert (issue.file, issue.row, issue.value, issue.dataset, issue.variable) == (FILE, rows["unit"], "mmol/h", "LB", "LBSTRESN")
    assert "CK" in issue.message and "U/L" in issue.message
    rec = result.package["LB"].data
    bad = rec[rec["LBORRESU"] == "mmol/h"]
    assert len(bad) == 1 and pd.isna(bad["LBSTRESN"].iloc[0]) and pd.isna(bad["LBSTRESC"].iloc[0])


def test_unknown_test_name(damaged):
    result, rows = damaged
    issue = _one(result, "MAP-TABLE-UNMATCHED")
    assert (issue.file, issue.row, issue.value, issue.variable) == (FILE, rows["test"], "XYZ1", "LBTESTCD")
    # the record is kept (nothing silently lost), with an empty test code for the data manager to fix
    lin = result.lineage
    assert ((lin["form"] == "LAB") & (lin["row"] == rows["test"])).sum() == 1


def test_non_numeric_result_for_numeric_test(damaged):
    result, rows = damaged
    issue = _one(result, "MAP-RESULT-NOTNUM")
    assert (issue.file, issue.row, issue.value, issue.variable) == (FILE, rows["result"], "see comment", "LBSTRESN")
    lb = result.package["LB"].data
    rec = lb[lb["LBORRES"] == "see comment"].iloc[0]
    assert pd.isna(rec["LBSTRESN"]) and rec["LBSTRESC"] == "SEE COMMENT"


def test_reference_range_low_above_high(damaged):
    result, rows = damaged
    issue = _one(result, "MAP-RANGE-INVERTED")
    assert (issue.file, issue.row, issue.value, issue.variable) == (FILE, rows["range"], "300 > 120", "LBNRIND")


def test_bad_rows_are_the_only_new_errors(damaged):
    result, _ = damaged
    codes = {i.code for i in result.report if i.severity == "error"}
    # the unknown unit is reported twice: not a UNIT term (MAP-CT-UNMAPPED, LBORRESU keeps it as
    # collected) and no conversion factor (MAP-UNIT-UNKNOWN)
    assert codes == {"MAP-CT-UNMAPPED", "MAP-UNIT-UNKNOWN", "MAP-TABLE-UNMATCHED", "MAP-RESULT-NOTNUM", "MAP-RANGE-INVERTED"}
