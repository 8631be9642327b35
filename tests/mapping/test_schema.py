"""Spec language, JSON Schema, registry and docs cannot drift: this file ties them together."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from cdisc_dm.mapping import registry
from cdisc_dm.resources import mappings_dir, specs_dir
from cdisc_dm.yamlio import load_yaml

from mapping_helpers import SECOND

SCHEMA_FILE = specs_dir() / "schemas" / "mapping-spec.schema.json"
SPEC_FILES = sorted((mappings_dir() / "il2dm" / "sdtm").glob("*.yaml")) + sorted((SECOND / "sdtm").glob("*.yaml"))
DOCS = Path(__file__).resolve().parents[2] / "docs" / "mapping-spec.md"


def _validator():
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def test_committed_schema_is_generated_from_the_registry():
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == registry.spec_schema(), "regenerate with: python -m cdisc_dm.mapping.registry"


def test_schema_lists_every_algorithm():
    step = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))["$defs"]["step"]["properties"]
    assert set(registry.algorithms()) <= set(step)


@pytest.mark.parametrize("path", SPEC_FILES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_every_shipped_spec_validates_against_the_schema(path):
    doc = json.loads(json.dumps(load_yaml(path)))
    errors = [e.message for e in _validator().iter_errors(doc)]
    assert errors == []


@pytest.mark.parametrize("bad", [
    {"dataset": "AE", "sources": {"ae": {"form": "AE"}}, "variables": {"AETERM": {"cpy": "ae.T"}}},
    {"dataset": "AE", "sources": {"ae": {"form": "AE"}}, "variables": {"AETERM": {"copy": "ae.T", "assign": "X"}}},
    {"dataset": "AE", "sources": {"ae": {"form": "AE"}}, "variables": {"AESEV": {"ct": {"from": "ae.S", "codelst": "AESEV"}}}},
    {"dataset": "AE", "sources": {"ae": {"frm": "AE"}}, "variables": {"AETERM": {"copy": "ae.T"}}},
    {"dataset": "AE", "sources": {"ae": {"form": "AE"}}, "variables": {"AETERM": {"copy": "ae.T", "when": {"var": "x", "op": "like"}}}},
])
def test_schema_rejects_what_the_loader_rejects(bad, tmp_path):
    from cdisc_dm.errors import SpecError
    from cdisc_dm.mapping.spec import load_spec

    assert list(_validator().iter_errors(bad)), "the schema must reject this spec"
    path = tmp_path / "bad.yaml"
    path.write_text(json.dumps(bad), encoding="utf-8")  # JSON is YAML
    with pytest.raises(SpecError):
        load_spec(path)


def test_docs_catalog_is_generated_from_the_registry():
    text = DOCS.read_text(encoding="utf-8")
    generated = text.split(registry.CATALOG_BEGIN, 1)[1].split(registry.CATALOG_END, 1)[0]
    assert generated.strip() == registry.catalog_markdown().strip(), "regenerate with: python -m cdisc_dm.mapping.registry"


@pytest.mark.parametrize("name", sorted(registry.algorithms()))
def test_every_algorithm_is_documented_with_an_example(name):
    section = registry.catalog_markdown().split(f"### `{name}`", 1)[1].split("\n### ", 1)[0]
    assert "```" in section and f"{name}:" in section, f"the docstring of algorithm {name} needs an Example:: using it"
