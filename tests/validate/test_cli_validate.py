"""The validate and rules commands on bad and good input: exit codes and messages naming the file."""
from __future__ import annotations

from pathlib import Path

import pyreadstat
import pandas as pd

from cdisc_dm.cli import main
from cdisc_dm.validate import validate

RULE = """\
Core: {Id: XT-0001, Status: Published}
Description: AESEV must be filled when AETERM is.
Rule Type: Record Data
Sensitivity: Record
Executability: Fully Executable
Scope: {Classes: {Include: [ALL]}, Domains: {Include: [AE]}}
Check:
  all:
    - {name: AETERM, operator: non_empty}
    - {name: AESEV, operator: empty}
Outcome: {Message: AESEV missing, Output Variables: [AETERM, AESEV]}
"""


def _package(tmp_path: Path, aesev: list[str]) -> Path:
    folder = tmp_path / "sdtm"
    folder.mkdir()
    frame = pd.DataFrame({"STUDYID": ["S"] * len(aesev), "DOMAIN": ["AE"] * len(aesev), "USUBJID": ["S-1"] * len(aesev),
                          "AESEQ": [float(i + 1) for i in range(len(aesev))], "AETERM": ["HEADACHE"] * len(aesev), "AESEV": aesev})
    pyreadstat.write_xport(frame, str(folder / "ae.xpt"), table_name="AE", file_format_version=5)
    return folder


def _rules(tmp_path: Path, text: str = RULE, name: str = "rule.yml") -> Path:
    d = tmp_path / "rules"
    d.mkdir(exist_ok=True)
    (d / name).write_text(text, encoding="utf-8")
    return d


def test_findings_give_exit_1_and_rows(tmp_path, capsys):
    pkg = _package(tmp_path, ["MILD", "", "SEVERE"])
    rules = _rules(tmp_path)
    assert main(["validate", str(pkg), "--rules", str(rules), "--no-project-rules"]) == 1
    result = validate(pkg, rules=[rules], started="2026-01-01T00:00:00+00:00", include_project_rules=False)
    (r,) = [r for r in result.rules if r.rule_id == "XT-0001"]
    assert r.status == "failed" and [f.row for f in r.findings] == [2]
    assert r.findings[0].variables == {"AETERM": "HEADACHE", "AESEV": ""}
    assert r.findings[0].usubjid == "S-1" and r.findings[0].seq == 2


def test_clean_package_exit_0(tmp_path):
    pkg = _package(tmp_path, ["MILD", "MODERATE"])
    assert main(["validate", str(pkg), "--rules", str(_rules(tmp_path)), "--quiet", "--no-project-rules"]) == 0


def test_corrupt_xpt_exit_2_naming_file(tmp_path, capsys):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "ae.xpt").write_bytes(b"this is not a transport file" * 10)
    assert main(["validate", str(folder)]) == 2
    assert "ae.xpt" in capsys.readouterr().err


def test_empty_folder_exit_2(tmp_path, capsys):
    folder = tmp_path / "empty"
    folder.mkdir()
    assert main(["validate", str(folder)]) == 2
    assert "no datasets" in capsys.readouterr().err


def test_unreadable_define_exit_2_naming_file(tmp_path, capsys):
    pkg = _package(tmp_path, ["MILD"])
    define = tmp_path / "define.xml"
    define.write_text("<ODM><unclosed>", encoding="utf-8")
    assert main(["validate", str(pkg), "--define", str(define)]) == 2
    assert "define.xml" in capsys.readouterr().err


def test_malformed_rule_file_exit_2_naming_file(tmp_path, capsys):
    pkg = _package(tmp_path, ["MILD"])
    bad = _rules(tmp_path, "Core: {Id: XT-0002}\nCheck: [unclosed\n", name="bad.yml")
    assert main(["validate", str(pkg), "--rules", str(bad / "bad.yml")]) == 2
    assert "bad.yml" in capsys.readouterr().err


def test_unknown_operator_is_an_execution_error_not_a_crash(tmp_path):
    pkg = _package(tmp_path, ["", "MILD"])
    rules = _rules(tmp_path)
    (rules / "unknown.yml").write_text(RULE.replace("XT-0001", "XT-0003").replace("operator: empty", "operator: no_such_operator"), encoding="utf-8")
    result = validate(pkg, rules=[rules], include_project_rules=False)
    status = {r.rule_id: r for r in result.rules}
    assert status["XT-0003"].status == "error" and "no_such_operator" in status["XT-0003"].error
    assert status["XT-0001"].status == "failed"  # the run went on


def test_rules_test_command_reports_pass(tmp_path, capsys):
    rule_dir = tmp_path / "XT-0001"
    for kind, sev, expected in (("positive", ["MILD"], ""), ("negative", ["MILD", ""], "AE,2,AETERM,HEADACHE\nAE,2,AESEV,\n")):
        data = rule_dir / kind / "01" / "data"
        data.mkdir(parents=True)
        (data / "_datasets.csv").write_text("Filename,Label\nae,Adverse Events\n")
        (data / "_variables.csv").write_text("dataset,variable,label,type,length\nae,DOMAIN,Domain,Char,2\nae,AETERM,Term,Char,20\nae,AESEV,Severity,Char,10\n")
        rows = "".join(f"AE,HEADACHE,{s}\n" for s in sev)
        (data / "ae.csv").write_text("DOMAIN,AETERM,AESEV\n" + rows)
        res = rule_dir / kind / "01" / "results"
        res.mkdir()
        (res / "results.csv").write_text("Dataset,Record,Variable,Value\n" + expected)
    (rule_dir / "rule.yml").write_text(RULE)
    assert main(["rules", "test", str(tmp_path)]) == 0
    assert "PASS XT-0001" in capsys.readouterr().out


def test_a_rule_that_raises_is_an_execution_error(tmp_path):
    pkg = _package(tmp_path, ["", "MILD"])
    rules = _rules(tmp_path)
    bad_regex = RULE.replace("XT-0001", "XT-0004").replace("{name: AESEV, operator: empty}", "{name: AESEV, operator: matches_regex, value: '(['}")
    (rules / "raises.yml").write_text(bad_regex, encoding="utf-8")
    result = validate(pkg, rules=[rules], include_project_rules=False)
    status = {r.rule_id: r for r in result.rules}
    assert status["XT-0004"].status == "error" and status["XT-0004"].error
    assert status["XT-0001"].status == "failed"


def test_malformed_rule_inside_a_folder_is_an_error_status_naming_the_file(tmp_path):
    pkg = _package(tmp_path, ["MILD"])
    rules = _rules(tmp_path)
    (rules / "broken.yml").write_text("Core: {Id: XT-0005}\n", encoding="utf-8")  # no Check
    result = validate(pkg, rules=[rules], include_project_rules=False)
    broken = [r for r in result.rules if r.status == "error"]
    assert len(broken) == 1 and "broken.yml" in broken[0].error and "Check" in broken[0].error
    assert any(r.rule_id == "XT-0001" and r.status == "passed" for r in result.rules)


def test_missing_rules_folder_exit_2(tmp_path, capsys):
    pkg = _package(tmp_path, ["MILD"])
    assert main(["validate", str(pkg), "--rules", str(tmp_path / "nowhere")]) == 2
    assert "nowhere" in capsys.readouterr().err
