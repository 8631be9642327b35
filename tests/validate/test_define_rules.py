"""Define-aware validation: validate(define=...), the Python rules CDM-DF-0001..0005, the harness.

The cases are the rules' own folders (specs/rules/CDM-DF-*/, each with a define.xml in its data);
the expectations there were written by hand from the edit each negative case makes to the define
or the data. Here: the hook itself (skip without define, hardened parsing, bad input, CLI).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cdisc_dm.errors import UsageError
from cdisc_dm.resources import specs_dir
from cdisc_dm.validate import validate
from cdisc_dm.validate.define_data import load_define
from cdisc_dm.validate.harness import run_python_rule_folder, run_rule_tests
from cdisc_dm.validate.python_rules import PythonRule, load_python_rules

RULES = specs_dir() / "rules"
PYTHON = load_python_rules()
STARTED = "2026-01-01T00:00:00Z"


def test_python_rules_are_the_define_rules_with_metadata():
    assert set(PYTHON) == {"CDM-DF-0001", "CDM-DF-0002", "CDM-DF-0003", "CDM-DF-0004", "CDM-DF-0005"}
    for code, rule in PYTHON.items():
        assert isinstance(rule, PythonRule) and rule.code == code
        assert rule.severity in ("error", "warning", "notice") and rule.description and rule.message and rule.citations


@pytest.mark.parametrize("code", sorted(PYTHON))
def test_python_rule_passes_its_cases(code):
    folder = RULES / code
    result = run_python_rule_folder(folder, PYTHON[code])
    kinds = {c.case.split("/")[0] for c in result.cases}
    assert kinds == {"positive", "negative"}, f"{code}: needs positive and negative cases"
    assert all((folder / c.case / "data" / "define.xml").is_file() for c in result.cases)
    assert result.passed, result.reason


def test_harness_fails_a_python_rule_whose_expectation_is_wrong(tmp_path):
    folder = tmp_path / "CDM-DF-0004"
    shutil.copytree(RULES / "CDM-DF-0004", folder)
    res = folder / "negative" / "01" / "results" / "results.csv"
    res.write_text("Dataset,Record,Variable,Value\nDM,1,SEX,F\n", encoding="utf-8")  # the wrong record
    result = run_python_rule_folder(folder, PYTHON["CDM-DF-0004"])
    assert not result.passed and "negative/01" in result.reason
    # run_rule_tests finds Python rule folders (no rule.yml) by their code
    assert [r.rule_id for r in run_rule_tests(tmp_path).results] == ["CDM-DF-0004"]


def _case(code: str, kind: str = "negative", n: str = "01") -> Path:
    return RULES / code / kind / n / "data"


def test_validate_without_define_skips_define_rules():
    result = validate(_case("CDM-DF-0004"), started=STARTED)
    df = {r.rule_id: r for r in result.rules if r.rule_id.startswith("CDM-DF-")}
    assert set(df) == set(PYTHON)
    assert all(r.status == "skipped" and "define" in r.skip_reason for r in df.values())
    assert result.define is None


def test_validate_with_define_reports_findings_with_subject_and_sequence():
    data = _case("CDM-DF-0004")
    result = validate(data, define=data / "define.xml", started=STARTED)
    df4 = next(r for r in result.rules if r.rule_id == "CDM-DF-0004")
    assert df4.status == "failed" and df4.source == "cdisc_dm"
    (finding,) = df4.findings
    # negative/01 changed SEX of record 3 (S1-003) to U, which CL.SEX of its define does not list
    assert (finding.dataset, finding.row, finding.variables, finding.usubjid) == ("DM", 3, {"SEX": "U"}, "S1-003")
    assert "CL.SEX" in finding.message
    assert result.has_errors and result.define == str(data / "define.xml")
    again = validate(data, define=data / "define.xml", started=STARTED)
    assert again.to_dict() == result.to_dict()  # reproducible run


def test_unmarked_extension_needs_the_ct_to_tell():
    data = _case("CDM-DF-0004", "negative", "02")
    define = load_define(data / "define.xml")
    from cdisc_dm.validate.study_data import load_study_data

    study = load_study_data(data)
    assert [(f.dataset, f.row, f.variables) for f in PYTHON["CDM-DF-0004"].findings(study, define, None)] == [
        ("DM", 2, {"SEX": "X"})]


def test_define_that_is_not_xml_is_bad_input(tmp_path):
    bad = tmp_path / "define.xml"
    bad.write_text("<ODM><unclosed></ODM>", encoding="utf-8")
    with pytest.raises(UsageError, match="not well-formed"):
        validate(_case("CDM-DF-0001", "positive"), define=bad)
    with pytest.raises(UsageError, match="cannot read"):
        validate(_case("CDM-DF-0001", "positive"), define=tmp_path / "missing.xml")


def test_define_entities_are_not_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-VALUE", encoding="utf-8")
    src = (_case("CDM-DF-0001", "positive") / "define.xml").read_text(encoding="utf-8")
    doctype = f'<!DOCTYPE ODM [<!ENTITY x SYSTEM "file://{secret}">]>\n'
    src = src.replace("?>\n", "?>\n" + doctype, 1).replace("<StudyName>S1</StudyName>", "<StudyName>&x;</StudyName>")
    evil = tmp_path / "define.xml"
    evil.write_text(src, encoding="utf-8")
    define = load_define(evil)
    assert "TOPSECRET" not in "".join(define.tree.getroot().itertext())
    result = validate(_case("CDM-DF-0001", "positive"), define=evil, started=STARTED)
    assert "TOPSECRET" not in str(result.to_dict())


def test_cli_validate_define_exit_codes():
    ok = _case("CDM-DF-0005", "positive")
    bad = _case("CDM-DF-0005", "negative")
    cmd = [sys.executable, "-m", "cdisc_dm.cli", "validate"]
    # the tiny DM of the cases lacks Required SDTMIG variables (other project rules: exit 1 for both);
    # the listing of failed rules tells whether the schema rule fired
    passed = subprocess.run(cmd + [str(ok), "--define", str(ok / "define.xml")], capture_output=True, text=True)
    failed = subprocess.run(cmd + [str(bad), "--define", str(bad / "define.xml")], capture_output=True, text=True)
    assert "CDM-DF-0005:" not in passed.stdout and "validated" in passed.stdout, passed.stdout + passed.stderr
    assert failed.returncode == 1 and "CDM-DF-0005:" in failed.stdout
    not_xml = subprocess.run(cmd + [str(ok), "--define", str(ok / "dm.csv")], capture_output=True, text=True)
    assert not_xml.returncode == 2 and "dm.csv" in not_xml.stderr
