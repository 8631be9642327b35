"""Relationship datasets resolved against split parents, SUPP-- pivots and RELREC links.

The data are built here by hand; the expected findings follow from SDTMIG 3.4 section 8.4
(a SUPP-- record's IDVAR/IDVARVAL must point at a record of the parent dataset) and are counted
by hand: nothing is taken from the engine's own output.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyreadstat

from cdisc_dm.validate import validate

IDVARVAL_RULE = """\
Core: {Id: XT-0206, Status: Published}
Rule Type: Record Data
Sensitivity: Record
Scope: {Classes: {Include: [ALL]}, Domains: {Include: [SUPP--]}}
Match Datasets:
  - {Name: SUPP--, Child: true, Keys: [USUBJID, IDVAR, IDVARVAL]}
Check:
  all:
    - {name: IDVAR, operator: non_empty}
    - {name: IDVARVAL, operator: not_equal_to, value: IDVAR, value_is_reference: true, type_insensitive: true}
Outcome: {Message: IDVARVAL does not point at a parent record, Output Variables: [USUBJID, IDVAR, IDVARVAL]}
"""

PIVOT_RULE = """\
Core: {Id: XT-0597, Status: Published}
Rule Type: Record Data
Sensitivity: Record
Scope: {Classes: {Include: [ALL]}, Domains: {Include: [LB]}}
Match Datasets:
  - {Name: SUPPLB, Keys: [USUBJID]}
Check:
  all:
    - {name: LBCLSIG, operator: equal_to, value: "Y"}
    - {name: LBNRIND, operator: equal_to, value: NORMAL}
Outcome: {Message: clinically significant but normal, Output Variables: [LBCLSIG, LBNRIND]}
"""


def _xpt(folder: Path, name: str, frame: pd.DataFrame) -> None:
    pyreadstat.write_xport(frame, str(folder / f"{name}.xpt"), table_name=name.upper(), file_format_version=5)


def _package(tmp_path: Path) -> Path:
    folder = tmp_path / "sdtm"
    folder.mkdir()
    lb = lambda dom, seqs, nrind: pd.DataFrame({  # noqa: E731
        "STUDYID": "S", "DOMAIN": dom, "USUBJID": ["S-1"] * len(seqs), "LBSEQ": [float(x) for x in seqs],
        "LBTESTCD": "ALB", "LBNRIND": nrind,
    })
    _xpt(folder, "lbch", lb("LB", [1, 2, 3], ["NORMAL", "HIGH", "NORMAL"]))
    _xpt(folder, "lbhe", lb("LB", [10, 11], ["NORMAL", "LOW"]))
    supp = lambda rdom, vals, qnam: pd.DataFrame({  # noqa: E731
        "STUDYID": "S", "RDOMAIN": rdom, "USUBJID": ["S-1"] * len(vals), "IDVAR": "LBSEQ",
        "IDVARVAL": vals, "QNAM": qnam, "QLABEL": "Clinically Significant", "QVAL": "Y",
    })
    # SUPPLBCH points at LBSEQ 1, 2 (exist in LBCH) and 10 (exists only in LBHE: wrong parent)
    _xpt(folder, "supplbch", supp("LB", ["1", "2", "10"], "LBCLSIG"))
    # SUPPLBHE points at 11 (exists) and 12 (exists nowhere)
    _xpt(folder, "supplbhe", supp("LB", ["11", "12"], "LBCLSIG"))
    return folder


def _rules(tmp_path: Path, text: str) -> Path:
    d = tmp_path / "rules"
    d.mkdir(exist_ok=True)
    (d / "rule.yml").write_text(text, encoding="utf-8")
    return d


def test_supp_of_a_split_dataset_resolves_in_its_own_split_parent(tmp_path):
    result = validate(_package(tmp_path), rules=[_rules(tmp_path, IDVARVAL_RULE)], include_project_rules=False)
    (r,) = result.rules
    assert sorted(r.datasets) == ["SUPPLBCH", "SUPPLBHE"]
    got = sorted((f.dataset, f.row, f.variables["IDVARVAL"]) for f in r.findings)
    assert got == [("SUPPLBCH", 3, "10"), ("SUPPLBHE", 2, "12")]


def test_split_datasets_are_in_scope_of_their_domain(tmp_path):
    result = validate(_package(tmp_path), rules=[_rules(tmp_path, PIVOT_RULE.replace("SUPPLB,", "SUPP--,"))], include_project_rules=False)
    (r,) = result.rules
    assert sorted(r.datasets) == ["LBCH", "LBHE"]
    # the QNAM pivot: LBCLSIG=Y sits on LBCH seq 1 (NORMAL -> reported) and 2 (HIGH); the SUPPLBCH
    # record for seq 10 has no LBCH parent, so LBHE seq 10 (NORMAL) gets no LBCLSIG
    assert [(f.dataset, f.row) for f in r.findings] == [("LBCH", 1)]


def test_dataset_json_is_read_like_xpt(tmp_path):
    import json

    folder = tmp_path / "dj"
    folder.mkdir()
    doc = {
        "datasetJSONVersion": "1.1.0", "name": "AE", "label": "Adverse Events", "records": 2,
        "columns": [
            {"itemOID": "IT.AE.USUBJID", "name": "USUBJID", "label": "Unique Subject Identifier", "dataType": "string", "length": 8},
            {"itemOID": "IT.AE.AESEQ", "name": "AESEQ", "label": "Sequence Number", "dataType": "integer"},
            {"itemOID": "IT.AE.AESEV", "name": "AESEV", "label": "Severity", "dataType": "string", "length": 8},
        ],
        "rows": [["S-1", 1, "MILD"], ["S-1", 2, None]],
    }
    (folder / "ae.json").write_text(json.dumps(doc), encoding="utf-8")
    rule = IDVARVAL_RULE.replace("XT-0206", "XT-0001").replace("[SUPP--]", "[AE]").split("Match Datasets")[0] + (
        "Check:\n  all:\n    - {name: AESEV, operator: empty}\nOutcome: {Message: no severity}\n")
    result = validate(folder, rules=[_rules(tmp_path, rule)], include_project_rules=False)
    (r,) = result.rules
    assert [(f.dataset, f.row, f.seq) for f in r.findings] == [("AE", 2, 2)]
    assert result.datasets[0].records == 2 and result.datasets[0].label == "Adverse Events"


def test_same_input_gives_the_same_result(tmp_path):
    pkg = _package(tmp_path)
    rules = [_rules(tmp_path, IDVARVAL_RULE)]
    a = validate(pkg, rules=rules, started="2026-01-01T00:00:00+00:00").to_dict()
    b = validate(pkg, rules=rules, started="2026-01-01T00:00:00+00:00").to_dict()
    assert a["duration_seconds"] is None  # a reproducible run records no duration
    assert a == b and a["rules"] and a["datasets"]
