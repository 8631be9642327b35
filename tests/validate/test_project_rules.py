"""The project's own conformance rules (specs/rules/CDM-*): every rule passes its own test cases.

Each rule folder carries positive data (no finding expected) and negative data whose expected
findings (results.csv) were written by hand from the rule's intent, record by record; the harness
compares the (dataset, record) pairs and reported variables exactly. One test per rule, so
``pytest tests/validate/test_project_rules.py -k CDM-AD-0004`` runs one rule.
"""
from __future__ import annotations

import csv
import importlib.util
import re
from pathlib import Path

import pytest
import yaml

from cdisc_dm.resources import specs_dir
from cdisc_dm.validate.harness import test_rule_folder as run_rule_folder
from cdisc_dm.validate.rule import parse_rule

RULES = specs_dir() / "rules"
FOLDERS = sorted(p for p in RULES.iterdir() if (p / "rule.yml").is_file())
IDS = [p.name for p in FOLDERS]
CODE = re.compile(r"^CDM-(SD|CT|XD|AD|DF|XP)-\d{4}$")


def _load_script():
    path = Path(__file__).resolve().parents[2] / "scripts" / "new_rule.py"
    spec = importlib.util.spec_from_file_location("new_rule", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_there_are_project_rules_in_every_area():
    areas = {CODE.match(p.name).group(1) for p in FOLDERS if CODE.match(p.name)}
    assert {"SD", "CT", "XD", "AD", "XP"} <= areas


@pytest.mark.parametrize("folder", FOLDERS, ids=IDS)
def test_rule_passes_its_cases(folder: Path):
    result = run_rule_folder(folder)
    assert result.cases, f"{folder.name}: no test case ran"
    assert result.passed, f"{folder.name}: {result.reason}"


@pytest.mark.parametrize("folder", FOLDERS, ids=IDS)
def test_rule_has_positive_and_negative_case(folder: Path):
    positive = sorted((folder / "positive").glob("*/data/_datasets.csv"))
    negative = sorted((folder / "negative").glob("*/data/_datasets.csv"))
    assert positive, f"{folder.name}: no positive/NN/data case"
    assert negative, f"{folder.name}: no negative/NN/data case"
    for ds in negative:
        results = ds.parent.parent / "results" / "results.csv"
        assert results.is_file(), f"{results} is missing"
        with results.open(encoding="utf-8", newline="") as fh:
            rows = [r for r in csv.DictReader(fh) if r.get("Dataset")]
        assert rows, f"{results}: a negative case must expect at least one finding"
    for ds in positive:
        results = ds.parent.parent / "results" / "results.csv"
        if results.is_file():  # a positive case expects nothing
            with results.open(encoding="utf-8", newline="") as fh:
                assert not [r for r in csv.DictReader(fh) if r.get("Dataset")], f"{results} expects findings"


@pytest.mark.parametrize("folder", FOLDERS, ids=IDS)
def test_rule_metadata(folder: Path):
    doc = yaml.safe_load((folder / "rule.yml").read_text(encoding="utf-8"))
    rule = parse_rule(folder / "rule.yml")
    assert CODE.match(rule.core_id), rule.core_id
    assert rule.core_id == folder.name
    assert rule.source == "cdisc_dm"
    # severity is written explicitly (the engine defaults to error when it is absent)
    assert doc.get("Severity") in ("error", "warning", "notice")
    assert rule.severity == doc["Severity"]
    assert rule.citations and all(c.section and c.guidance for c in rule.citations)
    assert rule.message and rule.description
    # validate() runs a rule only for the standards its Authorities name (api.STANDARDS)
    runs_on = {std for std, ver in (("SDTMIG", "3.4"), ("ADAMIG", "1.3")) if rule.applies_to_standard(std, ver)}
    assert runs_on, f"{rule.core_id}: Authorities name neither SDTMIG 3.4 nor ADaMIG 1.3, validate() would never run it"
    if rule.core_id.startswith("CDM-AD-"):
        assert runs_on == {"ADAMIG"}


def _codelists(doc: dict) -> list[str]:
    out = []
    for op in doc.get("Operations") or []:
        if op.get("operator") == "codelist_terms":
            out.extend(op.get("codelists") or [])
    return out


CT_RULES = [p for p in FOLDERS if _codelists(yaml.safe_load((p / "rule.yml").read_text(encoding="utf-8")))]


@pytest.mark.parametrize("folder", CT_RULES, ids=[p.name for p in CT_RULES])
def test_terminology_severity_follows_codelist_extensibility(folder: Path):
    """Non-extensible codelist -> error; extensible -> notice (a sponsor extension to review)."""
    from cdisc_dm.standards import load_ct

    ct = load_ct()
    doc = yaml.safe_load((folder / "rule.yml").read_text(encoding="utf-8"))
    extensible = {ct.codelist(name).extensible for name in _codelists(doc)}
    assert len(extensible) == 1, f"{folder.name} mixes extensible and non-extensible codelists"
    assert doc["Severity"] == ("notice" if extensible.pop() else "error")


def test_codes_are_unique_and_not_reserved():
    mod = _load_script()
    reserved = {p["code"] for p in mod.PLANNED}
    assert len(set(IDS)) == len(IDS)
    assert not reserved & set(IDS), "a reserved (planned) code is used by a rule folder: move it out of PLANNED"


def test_catalog_is_up_to_date():
    mod = _load_script()
    doc = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
    assert doc.read_text(encoding="utf-8") == mod.render_catalog(RULES), "run: python scripts/new_rule.py catalog"


def test_new_rule_script_creates_a_complete_rule_folder(tmp_path: Path):
    mod = _load_script()
    (tmp_path / "CDM-SD-0001").mkdir()
    (tmp_path / "CDM-SD-0003").mkdir()
    assert not any(p["code"].startswith("CDM-SD-") for p in mod.PLANNED)
    folder = mod.create_rule("SD", "AE", tmp_path)
    assert folder.name == "CDM-SD-0004"  # after the highest existing code: gaps are never refilled
    rule = parse_rule(folder / "rule.yml")
    assert rule.core_id == "CDM-SD-0004" and rule.severity == "error"
    for kind in ("positive", "negative"):
        data = folder / kind / "01" / "data"
        assert {p.name for p in data.iterdir()} == {"_datasets.csv", "_variables.csv", "ae.csv", ".env"}
    assert (folder / "negative" / "01" / "results" / "results.csv").is_file()
    # the skeleton runs in the harness (its placeholder check still has to be written)
    assert run_rule_folder(folder).cases


def test_epoch_rule_when_first_subject_has_no_se_records(tmp_path: Path):
    import shutil

    from cdisc_dm.validate import load_study_data, run_rule

    data = tmp_path / "data"
    shutil.copytree(RULES / "CDM-XD-0008" / "positive" / "01" / "data", data)
    ae = (data / "ae.csv").read_text(encoding="utf-8").splitlines()
    # a subject without SE records first: the rule cannot judge it and must still pass the others
    ae.insert(1, "S1,AE,S1-009,1,COUGH,Cough,SCREENING,2024-03-20")
    (data / "ae.csv").write_text("\n".join(ae) + "\n", encoding="utf-8")
    result = run_rule(parse_rule(RULES / "CDM-XD-0008" / "rule.yml"), load_study_data(data))
    assert result.status == "passed", [(f.row, f.variables) for f in result.findings]
