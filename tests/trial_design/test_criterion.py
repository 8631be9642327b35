"""The ``criterion`` algorithm: raw criterion code/text -> the study's criterion (TI) attributes."""
from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from cdisc_dm.mapping import registry
from cdisc_dm.mapping.context import FILE_COLUMN, ROW_COLUMN, Context
from cdisc_dm.mapping.params import Where, parse_params
from cdisc_dm.report import Report

CRITERIA = [
    SimpleNamespace(code="IN01", text="Age 18 to 75 years inclusive", category="INCLUSION"),
    SimpleNamespace(code="EX12", text="History of active tuberculosis", category="EXCLUSION"),
]


def _run(params: dict, frame: dict) -> tuple[pd.Series, Report]:
    data = pd.DataFrame(frame, dtype="str")
    data[ROW_COLUMN] = range(1, len(data) + 1)
    data[FILE_COLUMN] = "edc/IE.csv"
    report = Report()
    ctx = Context(frame=data, dataset="IE", spec_file="ie.yaml", report=report,
                  study=SimpleNamespace(criteria=CRITERIA), target="IETESTCD", spec_line="ie.yaml:30")
    algo = registry.get("criterion")
    return algo.fn(ctx, parse_params(algo.params, params, Where(None, None, None), algorithm="criterion")), report


RAW = {
    "ie.CODE": [" ex12", None, "EX99", None, "IN01"],
    "ie.TEXT": [None, "history of  ACTIVE tuberculosis ", "Something else", None, None],
    "ie.CAT": ["EXCLUSION criteria", "Exclusion", "Exclusion", None, "Exclusion"],
}


def test_code_then_text_give_the_study_criterion():
    out, report = _run({"attribute": "code", "code": "ie.CODE", "text": "ie.TEXT"}, RAW)
    assert out.iloc[:2].tolist() == ["EX12", "EX12"]  # by code (case, blanks) and by text
    assert out.iloc[2:4].isna().all() and out.iloc[4] == "IN01"
    texts, _ = _run({"attribute": "text", "code": "ie.CODE", "text": "ie.TEXT", "report": False}, RAW)
    assert texts.iloc[1] == "History of active tuberculosis"
    cats, _ = _run({"attribute": "category", "code": "ie.CODE", "text": "ie.TEXT", "report": False}, RAW)
    assert cats.iloc[4] == "INCLUSION"


def test_unknown_criterion_is_an_issue_with_file_row_and_value():
    _, report = _run({"attribute": "code", "code": "ie.CODE", "text": "ie.TEXT"}, RAW)
    issues = report.to_frame()
    unknown = issues[issues["code"] == "MAP-CRITERION-UNKNOWN"]
    assert len(unknown) == 1  # row 4 (nothing given) is not reported: nothing to match
    row = unknown.iloc[0]
    assert row["file"] == "edc/IE.csv" and int(row["row"]) == 3 and "EX99" in row["value"] and row["variable"] == "IETESTCD"


def test_category_disagreeing_with_the_study_is_reported():
    _, report = _run({"attribute": "code", "code": "ie.CODE", "text": "ie.TEXT", "category": "ie.CAT"}, RAW)
    issues = report.to_frame()
    mismatch = issues[issues["code"] == "MAP-CRITERION-CATEGORY"]
    # row 1 says "EXCLUSION criteria": the same category, not reported
    assert mismatch["row"].astype(int).tolist() == [5] and (mismatch["severity"] == "warning").all()
