"""validation.json: valid against our JSON Schema, stable, and the schema really constrains."""
from __future__ import annotations

import copy
import dataclasses
import json

import jsonschema
import pytest
import report_fixtures
from report_fixtures import CJK_VALUE, EXPECTED, N_AE, N_LB, N_SUPPAE, QUOTES_VALUE, SCRIPT_VALUE

from cdisc_dm.resources import specs_dir
from cdisc_dm.validate.reports import SCHEMA_VERSION, load_report_schema, render_json_report, report_document
from cdisc_dm.validate.results import DatasetInfo, Finding, RuleResult, ValidationResult


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = load_report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _errors(validator, doc) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]


def test_schema_ships_in_specs_and_names_its_version():
    schema = json.loads((specs_dir() / "schemas" / "validation-report.schema.json").read_text(encoding="utf-8"))
    assert "schema_version" in schema["required"]
    assert jsonschema.Draft202012Validator(schema).is_valid({**_minimal_doc(), "schema_version": SCHEMA_VERSION})


def _minimal_doc() -> dict:
    return {"path": "x", "standard": "SDTMIG 3.4", "ct_version": None, "tool_version": "0.1.0",
            "started": "2026-11-29T08:00:00Z", "duration_seconds": 0, "datasets": [], "rules": [], "define": None,
            "summary": {"error": 0, "warning": 0, "notice": 0, "execution_error": 0}}


def test_realistic_result_is_valid(validator, realistic_result):
    doc = json.loads(render_json_report(realistic_result))
    assert _errors(validator, doc) == []
    assert doc["schema_version"] == SCHEMA_VERSION
    assert doc["summary"] == EXPECTED


def test_empty_result_is_valid(validator, empty_result):
    doc = json.loads(render_json_report(empty_result))
    assert _errors(validator, doc) == []
    assert doc["rules"] == [] and doc["datasets"] == []
    assert doc["summary"] == {"error": 0, "warning": 0, "notice": 0, "execution_error": 0}


def _first_rule(doc, status):
    return next(r for r in doc["rules"] if r["status"] == status)


BREAKAGES = {
    "unknown status": lambda d: _first_rule(d, "failed").update(status="fatal"),
    "unknown severity": lambda d: _first_rule(d, "failed").update(severity="critical"),
    "missing summary": lambda d: d.pop("summary"),
    "missing schema_version": lambda d: d.pop("schema_version"),
    "future major version": lambda d: d.update(schema_version="2.0.0"),
    "unexpected top-level key": lambda d: d.update(extra=1),
    "failed rule without findings": lambda d: _first_rule(d, "failed").update(findings=[]),
    "passed rule with findings": lambda d: _first_rule(d, "passed").update(findings=_first_rule(d, "failed")["findings"]),
    "error rule without reason": lambda d: _first_rule(d, "error").update(error=None),
    "skipped rule without reason": lambda d: _first_rule(d, "skipped").update(skip_reason=""),
    "row zero": lambda d: _first_rule(d, "failed")["findings"][0].update(row=0),
    "nested finding value": lambda d: _first_rule(d, "failed")["findings"][0]["variables"].update(AESEV={"a": 1}),
    "negative count": lambda d: d["summary"].update(error=-1),
    "records as text": lambda d: d["datasets"][0].update(records="240"),
    "started not a date": lambda d: d.update(started="yesterday"),
}


@pytest.fixture(scope="module")
def small_doc(validator) -> dict:
    """The realistic document with the long LB list cut to 5 findings (schema checks stay fast)."""
    doc = json.loads(render_json_report(report_fixtures.realistic()))
    next(r for r in doc["rules"] if r["rule_id"] == "CORE-000002")["findings"][5:] = []
    assert _errors(validator, doc) == []  # the unbroken document passes, so a failure below is the breakage's
    return doc


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_schema_rejects_broken_documents(validator, small_doc, name):
    doc = copy.deepcopy(small_doc)
    BREAKAGES[name](doc)
    assert _errors(validator, doc), f"the schema accepted a document with {name}"


@pytest.mark.parametrize(
    ("cls", "path"),
    [(ValidationResult, ("properties",)), (RuleResult, ("$defs", "rule", "properties")),
     (Finding, ("$defs", "finding", "properties")), (DatasetInfo, ("$defs", "dataset", "properties"))],
)
def test_schema_and_results_model_have_the_same_fields(cls, path):
    # A field added to results.py without a schema change (or the reverse) fails here,
    # instead of producing reports that no longer validate.
    node = load_report_schema()
    for key in path:
        node = node[key]
    model = {f.name for f in dataclasses.fields(cls)}
    extra = {"schema_version", "summary"} if cls is ValidationResult else set()
    assert set(node) == model | extra


def test_bytes_are_deterministic(realistic_result):
    first = render_json_report(realistic_result)
    assert render_json_report(copy.deepcopy(realistic_result)) == first
    assert first.endswith(b"\n") and first.decode("utf-8")


def test_hostile_values_round_trip_and_missing_becomes_null(realistic_result):
    doc = json.loads(render_json_report(realistic_result))
    core1 = next(r for r in doc["rules"] if r["rule_id"] == "CORE-000001")
    ae = [f for f in core1["findings"] if f["dataset"] == "AE"]
    assert len(ae) == N_AE and len(core1["findings"]) == N_AE + N_SUPPAE
    assert ae[0]["variables"] == {"AESEV": SCRIPT_VALUE, "AETERM": QUOTES_VALUE}
    assert ae[1]["variables"]["AESEV"] == CJK_VALUE
    assert ae[1]["seq"] == 2 and ae[2]["seq"] == 3  # numpy scalars became JSON numbers
    assert ae[2]["variables"]["AESEV"] is None  # NaN is not valid JSON: it is null
    assert ae[2]["variables"]["AETERM"] == "bell\\x07 and tab\tend"  # control character shown, not dropped
    assert "肌炎" in render_json_report(realistic_result).decode("utf-8")  # non-ASCII kept readable, not \\u-escaped
    lb = next(r for r in doc["rules"] if r["rule_id"] == "CORE-000002")
    assert len(lb["findings"]) == N_LB


def test_document_starts_with_schema_version_and_keeps_model_order(realistic_result):
    keys = list(report_document(realistic_result))
    assert keys[0] == "schema_version"
    assert keys[1:] == list(realistic_result.to_dict())


def test_document_equals_the_models_own_to_dict(realistic_result):
    # report_document avoids asdict's deep copies for speed; it must not differ from to_dict.
    from cdisc_dm.validate.reports._values import to_json_value

    doc = report_document(realistic_result)
    doc.pop("schema_version")
    assert doc == to_json_value(realistic_result.to_dict())
    assert json.loads(render_json_report(realistic_result)) == {"schema_version": SCHEMA_VERSION, **doc}


def test_streamed_file_has_the_rendered_bytes(realistic_result, tmp_path):
    from cdisc_dm.validate.reports import write_json_report

    path = write_json_report(realistic_result, tmp_path / "validation.json")
    assert path.read_bytes() == render_json_report(realistic_result)
