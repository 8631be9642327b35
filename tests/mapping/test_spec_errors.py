"""Spec mistakes stop the run with a compiler-style message: file:line:col, what, did-you-mean.

Each test breaks one thing in a copy of the second study and asserts the EXACT location; the
expected line and column are found in the broken file itself, not hard-coded.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from cdisc_dm.cli import main
from cdisc_dm.errors import SpecError
from cdisc_dm.mapping import load_plan, run_plan
from cdisc_dm.raw import read_raw
from cdisc_dm.study import load_study

from mapping_helpers import line_of, replace_in


def where(path: Path, needle: str, token: str | None = None) -> str:
    """'file:line:col' of ``token`` (default: ``needle``) on the first line containing ``needle``."""
    line = line_of(path, needle)
    text = path.read_text(encoding="utf-8").splitlines()[line - 1]
    col = text.index(token or needle) + 1
    return f"{path.resolve()}:{line}:{col}"


def plan_error(study: Path) -> str:
    with pytest.raises(SpecError) as info:
        load_plan(study)
    return str(info.value)


def test_unknown_codelist_points_at_the_codelist_with_suggestion(second_study):
    spec = second_study / "sdtm" / "dm.yaml"
    replace_in(spec, "codelist: SEX}", "codelist: SEXX}")
    msg = plan_error(second_study)
    assert msg == f"{where(spec, 'codelist: SEXX', 'SEXX')}: unknown codelist 'SEXX' (did you mean 'SEX'?)"


def test_unknown_top_level_key(second_study):
    spec = second_study / "sdtm" / "ae.yaml"
    replace_in(spec, "variables:", "variabels:")
    assert plan_error(second_study) == f"{where(spec, 'variabels:')}: unknown spec key 'variabels' (did you mean 'variables'?)"


def test_misspelt_algorithm(second_study):
    spec = second_study / "sdtm" / "ae.yaml"
    replace_in(spec, "AETERM: {copy: ae.AE_TERM}", "AETERM: {cpy: ae.AE_TERM}")
    msg = plan_error(second_study)
    assert msg == f"{where(spec, 'cpy:')}: variable AETERM: unknown algorithm or key 'cpy' (did you mean 'copy'?)"


def test_misspelt_parameter(second_study):
    spec = second_study / "sdtm" / "ae.yaml"
    replace_in(spec, "codelist: AESEV}", "codelst: AESEV}")
    msg = plan_error(second_study)
    assert msg == f"{where(spec, 'codelst:')}: unknown parameter 'codelst' for algorithm 'ct' (did you mean 'codelist'?)"


def test_variable_not_in_the_domain(second_study):
    spec = second_study / "sdtm" / "dm.yaml"
    replace_in(spec, "  ETHNIC: {ct:", "  ETHNC: {ct:")
    msg = plan_error(second_study)
    assert msg.startswith(f"{where(spec, 'ETHNC:')}: 'ETHNC' is not a variable of DM in SDTMIG 3.4 (did you mean 'ETHNIC'?")


def test_unknown_source_alias(second_study):
    spec = second_study / "sdtm" / "ae.yaml"
    replace_in(spec, "AETERM: {copy: ae.AE_TERM}", "AETERM: {copy: ea.AE_TERM}")
    msg = plan_error(second_study)
    assert msg == f"{where(spec, 'ea.AE_TERM')}: unknown source alias 'ea' in 'ea.AE_TERM' (did you mean 'ae'?)"


def test_reference_to_a_later_variable(second_study):
    spec = second_study / "sdtm" / "ae.yaml"
    replace_in(spec, "AESTDY: {study_day: AESTDTC}", "AESTDY: {study_day: AEXDTC}")
    msg = plan_error(second_study)
    assert msg.startswith(f"{where(spec, 'AEXDTC')}: 'AEXDTC' is not a variable defined earlier in this spec")


def test_unknown_study_function(second_study):
    spec = second_study / "sdtm" / "dm.yaml"
    replace_in(spec, "name: smoker_flag", "name: smoker_flg")
    msg = plan_error(second_study)
    assert msg == f"{where(spec, 'smoker_flg')}: unknown study function 'smoker_flg' (did you mean 'smoker_flag'?)"


def test_bad_date_format(second_study):
    spec = second_study / "sdtm" / "ae.yaml"
    replace_in(spec, "formats: [MM/DD/YYYY]}}\n  AEENDTC", "formats: [MM/DD]}}\n  AEENDTC")
    msg = plan_error(second_study)
    assert msg.startswith(f"{where(spec, '[MM/DD]', '[MM/DD]')}: date format 'MM/DD' has no YYYY")


def test_duplicate_variable_is_a_yaml_error(second_study):
    spec = second_study / "sdtm" / "ae.yaml"
    replace_in(spec, "  AETERM: {copy: ae.AE_TERM}", "  AETERM: {copy: ae.AE_TERM}\n  AETERM: {copy: ae.PT}")
    msg = plan_error(second_study)
    line = line_of(spec, "AETERM: {copy: ae.PT}")
    assert msg.startswith(f"{spec.resolve()}:{line}:3: duplicate key 'AETERM'")


def test_supp_qnam_rules(second_study):
    spec = second_study / "sdtm" / "ae.yaml"
    replace_in(spec, "qnam: AENOTE", "qnam: AENOTE_TOO_LONG")
    msg = plan_error(second_study)
    assert msg.startswith(f"{where(spec, 'AENOTE_TOO_LONG')}: variable AENOTE: QNAM 'AENOTE_TOO_LONG' must be")


def _run(study: Path):
    plan = load_plan(study)
    return run_plan(plan, read_raw(study / "raw"), load_study(study))


def test_missing_raw_column_names_spec_line_and_raw_file(second_study):
    (second_study / "raw" / "ADVERSE.csv").write_text(
        (second_study / "raw" / "ADVERSE.csv").read_text().replace("SEVERITY", "SEVERTY"), encoding="utf-8")
    spec = second_study / "sdtm" / "ae.yaml"
    with pytest.raises(SpecError) as info:
        _run(second_study)
    raw_file = second_study / "raw" / "ADVERSE.csv"
    assert str(info.value) == (f"{where(spec, 'ae.SEVERITY')}: raw column 'SEVERITY' not found in form ADVERSE ({raw_file}) "
                               f"(did you mean 'SEVERTY'?)")


def test_unknown_form(second_study):
    spec = second_study / "sdtm" / "vs.yaml"
    replace_in(spec, "form: VITALS", "form: VITAL")
    with pytest.raises(SpecError) as info:
        _run(second_study)
    assert str(info.value).startswith(f"{where(spec, 'vit:')}: unknown form 'VITAL': the raw export")
    assert str(info.value).endswith("(did you mean 'VITALS'?)")


def test_unknown_form_against_the_data_dictionary(second_study):
    from cdisc_dm.mapping import check_dictionary

    plan = load_plan(second_study)
    dictionary = {"forms": [{"form": f, "columns": []} for f in ("DEMOG", "DOSING", "ADVERSE", "VITAL_SIGNS")]}
    with pytest.raises(SpecError) as info:
        check_dictionary(plan, dictionary)
    assert "unknown form 'VITALS'" in str(info.value) and "did you mean 'VITAL_SIGNS'" in str(info.value)


def test_cli_exits_2_with_the_compiler_message(second_study, tmp_path, capsys):
    spec = second_study / "sdtm" / "dm.yaml"
    replace_in(spec, "codelist: SEX}", "codelist: SEXX}")
    code = main(["convert", "--raw", str(second_study / "raw"), "--study", str(second_study), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err[-1] == f"cdisc-dm convert: error: {where(spec, 'codelist: SEXX', 'SEXX')}: unknown codelist 'SEXX' (did you mean 'SEX'?)"
    assert not (tmp_path / "out").exists(), "a failed run must leave no output folder"
