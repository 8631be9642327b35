"""The algorithm catalog, one scenario per algorithm (run `pytest -k <name>` for one).

Expected values come from the raw inputs worked by hand or from an independent computation
(Python's datetime for study days), never from the code under test.
"""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.mapping import registry
from cdisc_dm.mapping.params import Where, parse_params
from cdisc_dm.standards import load_ct

from mapping_helpers import make_ctx


def run(name: str, params, ctx):
    algo = registry.get(name)
    p = parse_params(algo.params, params, Where(None, None, None), algorithm=name)
    return algo.fn(ctx, p)


STUDY = SimpleNamespace(
    studyid="STUDY-1",
    country="CHN",
    arms=[SimpleNamespace(armcd="IL2", arm="IL-2 arm"), SimpleNamespace(armcd="PBO", arm="Placebo arm")],
    visits=[
        SimpleNamespace(visitnum=1.0, visit="SCREENING", folder="SCRN", day=-28),
        SimpleNamespace(visitnum=2.0, visit="DAY 1", folder="D1", day=1),
        SimpleNamespace(visitnum=3.0, visit="WEEK 2", folder="W02", day=15),
        SimpleNamespace(visitnum=4.0, visit="WEEK 4", folder="W04", day=29),
    ],
)


def test_copy_strips_blanks_and_empties():
    ctx = make_ctx({"f.X": [" a ", "", None, "b"]})
    out = run("copy", "f.X", ctx)
    assert out.tolist()[0] == "a" and out.tolist()[3] == "b"
    assert out.isna().tolist() == [False, True, True, False]
    assert run("copy", {"from": "f.X", "upper": True}, ctx).tolist()[0] == "A"


def test_assign_constant_and_number():
    ctx = make_ctx({"f.X": [1, 2]})
    assert run("assign", "AE", ctx).tolist() == ["AE", "AE"]
    assert run("assign", 0, ctx).tolist() == [0.0, 0.0]


def test_ct_maps_case_synonyms_and_reports_unmapped_with_rows():
    ct = load_ct()
    ctx = make_ctx({"dm.SEX": ["Male", "female", " F ", "M", "Femme", "Femme", None, "unknown"]},
                   ct=ct, synonyms={"SEX": {}}, target="SEX")
    out = run("ct", {"from": "dm.SEX", "codelist": "SEX"}, ctx)
    # Male/Female are the NCI preferred names (decodes) of M/F in C66731
    assert out.tolist()[:4] == ["M", "F", "F", "M"]
    assert out.tolist()[7] == "U"
    assert out[4:7].isna().all()
    issues = [i for i in ctx.report if i.code == "MAP-CT-UNMAPPED"]
    assert len(issues) == 1
    assert issues[0].value == "Femme" and issues[0].row == 5 and "rows 5, 6" in issues[0].message
    assert issues[0].file == "raw.csv" and issues[0].variable == "SEX"


def test_ct_sponsor_synonym_wins():
    ctx = make_ctx({"dm.SEX": ["Femme"]}, ct=load_ct(), synonyms={"SEX": {"FEMME": "F"}})
    assert run("ct", {"from": "dm.SEX", "codelist": "SEX"}, ctx).tolist() == ["F"]
    assert len(ctx.report) == 0


def test_ct_keep_on_extensible_codelist_warns():
    ctx = make_ctx({"cm.U": ["mg", "puff"]}, ct=load_ct())
    out = run("ct", {"from": "cm.U", "codelist": "UNIT", "unmapped": "keep"}, ctx)
    assert out.tolist() == ["mg", "PUFF"]
    assert [i.severity for i in ctx.report] == ["warning"]


def test_date_reports_impossible_date_with_file_row_variable_value():
    ctx = make_ctx({"ae.D": ["05 JAN 2025", "31 FEB 2025", "UN JAN 2025"]}, rows=[10, 11, 12], target="AESTDTC")
    out = run("date", {"from": "ae.D", "formats": ["DD MMM YYYY"]}, ctx)
    assert out.tolist()[0] == "2025-01-05" and out.tolist()[2] == "2025-01" and pd.isna(out[1])
    (issue,) = ctx.report.issues
    assert (issue.code, issue.file, issue.row, issue.variable, issue.value) == ("MAP-DATE-IMPOSSIBLE", "raw.csv", 11, "AESTDTC", "31 FEB 2025")


def test_date_with_separate_time_column():
    ctx = make_ctx({"lb.D": ["05 JAN 2025", "UN JAN 2025"], "lb.T": ["08:30", "09:00"]})
    out = run("date", {"from": "lb.D", "formats": ["DD MMM YYYY"], "time": "lb.T"}, ctx)
    assert out.tolist() == ["2025-01-05T08:30", "2025-01"]


def test_datetime_single_column():
    ctx = make_ctx({"lb.DT": ["05-JAN-2025 08:30", "05-JAN-2025"]})
    out = run("datetime", {"from": "lb.DT", "formats": ["DD-MMM-YYYY HH:MM", "DD-MMM-YYYY"]}, ctx)
    assert out.tolist() == ["2025-01-05T08:30", "2025-01-05"]


def test_usubjid_and_subjid():
    ctx = make_ctx({"rec.Subject": ["01-0003", " 02-0001 "]}, study=STUDY)
    assert run("usubjid", {}, ctx).tolist() == ["STUDY-1-01-0003", "STUDY-1-02-0001"]
    assert run("subjid", {}, ctx).tolist() == ["01-0003", "02-0001"]


def test_seq_numbers_within_subject_in_sort_order():
    ctx = make_ctx({"USUBJID": ["B", "A", "A", "B", "A"], "AESTDTC": ["2025-01-02", "2025-01-03", "2025-01-01", "2025-01-01", None]},
                   sort=("USUBJID", "AESTDTC"), target="AESEQ")
    # A: 01 (row 3) -> 1, 03 (row 2) -> 2, missing (row 5) -> 3; B: 01 (row 4) -> 1, 02 (row 1) -> 2
    assert run("seq", {}, ctx).tolist() == [2.0, 2.0, 1.0, 1.0, 3.0]


def _days(a: str, b: str) -> float:
    d = (dt.date.fromisoformat(a) - dt.date.fromisoformat(b)).days
    return float(d + 1 if d >= 0 else d)


def test_study_day_has_no_day_zero_and_needs_complete_dates():
    ref = pd.DataFrame({"USUBJID": ["S1"], "RFSTDTC": ["2025-01-10"]})
    dates = ["2025-01-10", "2025-01-09", "2025-03-01", "2025-01", "2025-01-11T08:00", None]
    ctx = make_ctx({"USUBJID": ["S1"] * 6, "AESTDTC": dates}, reference=ref)
    out = run("study_day", "AESTDTC", ctx)
    expected = [_days("2025-01-10", "2025-01-10"), _days("2025-01-09", "2025-01-10"), _days("2025-03-01", "2025-01-10"), np.nan,
                _days("2025-01-11", "2025-01-10"), np.nan]
    np.testing.assert_array_equal(out.to_numpy(), np.array(expected))
    assert 0 not in out.tolist()


def test_visit_planned_and_unscheduled_between_planned():
    ref = pd.DataFrame({"USUBJID": ["S1"], "RFSTDTC": ["2025-01-01"]})
    frame = {
        "USUBJID": ["S1"] * 5,
        "rec.Folder": ["D1", "W02", "UNS", "UNS", "XX"],
        "rec.FolderSeq": ["1", "1", "1", "2", "1"],
        # the UNS visits fall on day 20 and day 22: after WEEK 2 (day 15), before WEEK 4 (day 29)
        "LBDTC": ["2025-01-01", "2025-01-15", "2025-01-20", "2025-01-22", "2025-01-30"],
    }
    ctx = make_ctx(frame, study=STUDY, reference=ref, target="VISITNUM")
    num = run("visit", {"attribute": "visitnum", "date": "LBDTC"}, ctx)
    (issue,) = [i for i in ctx.report if i.code == "MAP-VISIT-FOLDER"]
    assert issue.value == "XX" and issue.row == 5
    name = run("visit", {"attribute": "visit", "date": "LBDTC"}, ctx)
    assert num.tolist()[:4] == [2.0, 3.0, 3.01, 3.02]
    assert name.tolist()[:4] == ["DAY 1", "WEEK 2", "UNSCHEDULED 3.01", "UNSCHEDULED 3.02"]
    assert pd.isna(num[4])


def test_lobxfl_last_result_on_or_before_first_dose():
    ref = pd.DataFrame({"USUBJID": ["S1", "S2"], "RFXSTDTC": ["2025-01-10", "2025-02-01"]})
    frame = {
        "USUBJID": ["S1", "S1", "S1", "S1", "S2", "S2"],
        "LBTESTCD": ["CK", "CK", "CK", "ALT", "CK", "CK"],
        "LBDTC": ["2025-01-01", "2025-01-10", "2025-01-20", "2025-01-05", "2025-01-20", "2025-01-25"],
        "LBORRES": ["100", "110", "90", "30", "50", None],
    }
    ctx = make_ctx(frame, reference=ref)
    out = run("lobxfl", {"date": "LBDTC", "by": ["USUBJID", "LBTESTCD"], "result": "LBORRES"}, ctx)
    # S1 CK: day-of-dose record (no time) counts as pre-dose; S2 CK: the record without a result is skipped
    assert out.fillna("").tolist() == ["", "Y", "", "Y", "Y", ""]


def test_coalesce_first_non_missing():
    ctx = make_ctx({"a.X": [None, "1", " "], "a.Y": ["2", "3", "4"]})
    assert run("coalesce", ["a.X", "a.Y"], ctx).tolist() == ["2", "1", "4"]


def test_lookup_table_case_insensitive_and_unmatched_issue():
    ctx = make_ctx({"ex.P": ["Double-blind", "open-label", "Other", None]}, target="EXCAT")
    out = run("lookup", {"from": "ex.P", "table": {"Double-blind": "BLINDED", "Open-label": "OPEN LABEL"}}, ctx)
    assert out.tolist()[:2] == ["BLINDED", "OPEN LABEL"] and out[2:].isna().all()
    (issue,) = ctx.report.issues
    assert issue.code == "MAP-LOOKUP-UNMATCHED" and issue.value == "Other" and issue.row == 3


def test_lookup_numeric_table_gives_numbers():
    ctx = make_ctx({"r.ARMCD": ["IL2", "PBO"]})
    assert run("lookup", {"from": "r.ARMCD", "table": {"IL2": 1, "PBO": 0}}, ctx).tolist() == [1.0, 0.0]


def test_arm_from_study_arms():
    ctx = make_ctx({"ARMCD": ["IL2", "PBO", None, "XYZ"]}, study=STUDY, target="ARM")
    out = run("arm", "ARMCD", ctx)
    assert out.tolist()[:2] == ["IL-2 arm", "Placebo arm"] and out[2:].isna().all()
    assert [i.value for i in ctx.report] == ["XYZ"]


def test_study_attribute():
    ctx = make_ctx({"x": [1, 2]}, study=STUDY)
    assert run("study", "studyid", ctx).tolist() == ["STUDY-1", "STUDY-1"]


def test_subject_date_first_and_last_per_subject_with_filter():
    ex = make_ctx({"ex.Subject": ["01", "01", "02", "02"], "ex.D": ["05 JAN 2025", "03 JAN 2025", "10 JAN 2025", "31 FEB 2025"],
                   "ex.FLAG": ["Y", "Y", "Y", "N"]}).frame
    ctx = make_ctx({"rec.Subject": ["01", "02", "03"]}, sources={"ex": ex}, target="RFXSTDTC")
    first = run("subject_date", {"from": "ex.D", "stat": "min", "formats": ["DD MMM YYYY"]}, ctx)
    assert first.tolist()[:2] == ["2025-01-03", "2025-01-10"] and pd.isna(first[2])
    # the impossible date of subject 02 is reported with its own raw row (4), not the record's
    (issue,) = ctx.report.issues
    assert issue.code == "MAP-DATE-IMPOSSIBLE" and issue.row == 4
    last = run("subject_date", {"from": "ex.D", "stat": "max", "formats": ["DD MMM YYYY"],
                                "filter": {"var": "ex.FLAG", "op": "eq", "value": "y"}}, ctx)
    assert last.tolist()[:2] == ["2025-01-05", "2025-01-10"]


def test_function_runs_a_study_function():
    def bmi(frame, weight, height):
        """Body mass index."""
        return pd.to_numeric(frame[weight]) / (pd.to_numeric(frame[height]) / 100) ** 2

    ctx = make_ctx({"vs.W": ["80"], "vs.H": ["200"]}, functions={"bmi": bmi})
    assert run("function", {"name": "bmi", "args": {"weight": "vs.W", "height": "vs.H"}}, ctx).tolist() == [20.0]


def test_epoch_uses_subject_elements():
    se = pd.DataFrame({"USUBJID": ["S1", "S1"], "SESTDTC": ["2025-01-01", "2025-01-10"], "SEENDTC": ["2025-01-10", "2025-03-01"],
                       "EPOCH": ["SCREENING", "BLINDED TREATMENT"]})
    ctx = make_ctx({"USUBJID": ["S1", "S1", "S1"], "AESTDTC": ["2025-01-05", "2025-01-20", "2024-12-01"]}, se=se)
    out = run("epoch", "AESTDTC", ctx)
    assert out.tolist()[:2] == ["SCREENING", "BLINDED TREATMENT"] and pd.isna(out[2])


@pytest.mark.parametrize("name", sorted(registry.algorithms()))
def test_every_algorithm_declares_origin_and_doc(name):
    algo = registry.get(name)
    assert algo.origin in ("Collected", "Derived", "Assigned", "Protocol")
    assert algo.doc, f"algorithm {name} needs a docstring (it becomes documentation)"
    if algo.origin == "Derived":
        assert algo.method, f"derived algorithm {name} needs a method template for Define-XML"
