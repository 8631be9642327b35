"""ADaM spec loading: errors with file:line, the plan before any data, schema tied to the registry."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cdisc_dm.adam.registry import REGISTRY, names
from cdisc_dm.adam.spec import load_adam_plan
from cdisc_dm.errors import SpecError
from cdisc_dm.resources import specs_dir, study_dir

GOOD = """dataset: ADXX
structure: BDS
inputs: [QS]
from: QS
steps:
  - call: derive_vars_copy
    args: {new_vars: {AVAL: QSSTRESN}}
variables:
  AVAL:
"""


def _study(tmp_path: Path, text: str) -> Path:
    (tmp_path / "adam").mkdir()
    (tmp_path / "adam" / "adxx.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_schema_lists_exactly_the_registered_derivations():
    schema = json.loads((specs_dir() / "schemas" / "adam-spec.schema.json").read_text())
    assert sorted(schema["$defs"]["step"]["properties"]["call"]["enum"]) == names()
    assert all(getattr(fn, "method", None) for fn in REGISTRY.values())


def test_good_spec_loads(tmp_path):
    plan = load_adam_plan(_study(tmp_path, GOOD))
    assert [d.name for d in plan.datasets] == ["ADXX"]


@pytest.mark.parametrize("old, new, line, words", [
    ("call: derive_vars_copy", "call: derive_vars_cpy", 6, ["unknown derivation 'derive_vars_cpy'", "derive_vars_copy"]),
    ("steps:", "stepz:", 5, ["unknown key 'stepz'", "steps"]),
    ("{new_vars: {AVAL: QSSTRESN}}", "{new_varz: {AVAL: QSSTRESN}}", 7, ["no argument 'new_varz'", "new_vars"]),
    ("{new_vars: {AVAL: QSSTRESN}}", "{}", 6, ["needs argument(s) new_vars"]),
    ("from: QS", "from: QX", 4, ["'QX'", "QS"]),
])
def test_bad_spec_fails_with_file_line(tmp_path, old, new, line, words):
    text = GOOD.replace(old, new)
    assert text != GOOD
    with pytest.raises(SpecError) as exc:
        load_adam_plan(_study(tmp_path, text))
    msg = str(exc.value)
    assert f"adxx.yaml:{line}:" in msg, msg
    for w in words:
        assert w in msg, msg


def test_bad_condition_operator(tmp_path):
    text = GOOD.replace("from: QS\n", "from: QS\nwhere: {var: QSTESTCD, eqq: MMT01}\n")
    with pytest.raises(SpecError, match=r"adxx\.yaml:5:.*unknown condition operator 'eqq'.*'eq'"):
        load_adam_plan(_study(tmp_path, text))


def test_cycle_between_specs(tmp_path):
    study = _study(tmp_path, GOOD.replace("inputs: [QS]", "inputs: [QS, ADYY]"))
    (study / "adam" / "adyy.yaml").write_text(GOOD.replace("ADXX", "ADYY").replace("inputs: [QS]", "inputs: [QS, ADXX]"))
    with pytest.raises(SpecError, match="cycle"):
        load_adam_plan(study)


def test_il2dm_plan_is_inspectable_before_data():
    plan = load_adam_plan("il2dm")
    names_ = [d.name for d in plan.datasets]
    assert names_.index("ADSL") < names_.index("ADAE") and names_.index("ADSL") < names_.index("ADQS")
    doc = json.loads(json.dumps(plan.to_json()))
    adae = next(d for d in doc["datasets"] if d["dataset"] == "ADAE")
    calls = [s["call"] for s in adae["pipeline"]["steps"]]
    assert "derive_var_trtemfl" in calls and all(c in REGISTRY for c in calls)
    assert all(k.startswith("adam/") for k in doc["hashes"])


def test_outputs_are_deterministic_and_carry_methods(adam_run, tmp_path):
    from cdisc_dm.derive import derive

    base = adam_run["base"]
    second = derive(base / "run", "il2dm", tmp_path / "again", created="2026-01-01T00:00:00")
    for path in sorted((base / "run" / "adam").iterdir()):
        assert path.read_bytes() == (tmp_path / "again" / "adam" / path.name).read_bytes(), path.name
    adae = second.package["ADAE"]
    trtemfl = next(v for v in adae.variables if v.name == "TRTEMFL")
    assert trtemfl.origin == "Derived" and "28 days" in trtemfl.method
    astdt = next(v for v in adae.variables if v.name == "ASTDT")
    assert astdt.method == REGISTRY["derive_vars_dt"].method
    aeterm = next(v for v in adae.variables if v.name == "AETERM")
    assert aeterm.origin == "Predecessor" and aeterm.source == "AE.AETERM"


def test_cli_plan_and_bad_sdtm(tmp_path, capsys):
    from cdisc_dm.cli import main

    assert main(["derive", "--plan"]) == 0
    assert '"ADSL"' in capsys.readouterr().out
    assert main(["derive", "--sdtm", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]) == 2


def test_docstring_examples_run():
    import doctest

    from cdisc_dm.adam import condition, registry, steps

    for mod in (condition, registry, steps):
        failed, tried = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
        assert failed == 0 and tried > 0, mod.__name__


def test_variable_nobody_derives_names_its_line(tmp_path):
    from cdisc_dm.adam.engine import run_adam_plan

    plan = load_adam_plan(_study(tmp_path, GOOD + "  CHG:\n"))
    qs = __import__("pandas").DataFrame({"QSSTRESN": [1.0]})
    with pytest.raises(SpecError, match=r"adxx\.yaml:10:3: .*CHG"):
        run_adam_plan(plan, {"QS": qs})


def test_sort_on_unknown_variable(tmp_path):
    with pytest.raises(SpecError, match=r"adxx\.yaml:\d+:\d+: sort variable 'AVL'.*'AVAL'"):
        load_adam_plan(_study(tmp_path, GOOD + "sort: [AVL]\n"))


def test_plan_names_every_dataset_it_reads(tmp_path):
    # the SDTM reader loads only these: each spec's inputs, optional step inputs and dataset arguments
    text = GOOD.replace("inputs: [QS]", "inputs: [QS, DM, SUPPQS]").replace(
        "steps:\n", "steps:\n  - call: derive_vars_merged\n    args: {dataset_add: DM, by_vars: USUBJID, new_vars: [AGE]}\n"
                    "    requires: [DM]\n")
    plan = load_adam_plan(_study(tmp_path, text))
    assert plan.referenced() == {"QS", "DM", "SUPPQS"}
    il2dm = load_adam_plan("il2dm").referenced()
    assert {"DM", "EX", "DS", "QS", "LB", "AE"} <= il2dm and not {"CM", "MB", "TS"} & il2dm
