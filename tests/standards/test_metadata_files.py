"""Malformed standards files fail with file:line messages; loaders cache."""
from __future__ import annotations

import pytest

from cdisc_dm.errors import StandardsError
from cdisc_dm.standards import load_adamig, load_sdtmig
from cdisc_dm.standards.adamig import load_adam_structure_file
from cdisc_dm.standards.sdtmig import load_sdtm_domain_file

GOOD = """name: XX
label: "Test"
class: FINDINGS
structure: "One record per test"
keys: [STUDYID]
variables:
  - [STUDYID, "Study Identifier", Char, Req, Identifier, null]
"""


def _write(tmp_path, text, name="XX.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_loads(tmp_path):
    meta = load_sdtm_domain_file(_write(tmp_path, GOOD))
    assert meta.names == ["STUDYID"] and meta.variable("STUDYID").order == 1


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ('[AGE, "Age", Number, Exp, Record Qualifier, null]', "AGE: type 'Number' is not one of"),
        ('[AGE, "Age", Num, Expected, Record Qualifier, null]', "AGE: core 'Expected' is not one of"),
        ('[AGE, "Age", Num, Exp, Qualifier, null]', "AGE: role 'Qualifier' is not one of"),
        ('[age, "Age", Num, Exp, Record Qualifier, null]', "variable name 'age' is not a SAS V5 name"),
        ('[AGE, "Age", Num, Exp]', "a variable row must be"),
        ('[STUDYID, "Study Identifier", Char, Req, Identifier, null]', "variable STUDYID listed twice"),
    ],
)
def test_bad_variable_rows_name_file_and_line(tmp_path, row, message):
    path = _write(tmp_path, GOOD + f"  - {row}\n")
    with pytest.raises(StandardsError) as exc:
        load_sdtm_domain_file(path)
    assert f"{path}:8:5" in str(exc.value) and message in str(exc.value)


def test_keys_must_be_variables(tmp_path):
    path = _write(tmp_path, GOOD.replace("keys: [STUDYID]", "keys: [STUDYID, USUBJID]"))
    with pytest.raises(StandardsError, match=r"XX\.yaml:5:7: keys \['USUBJID'\] are not variables of XX"):
        load_sdtm_domain_file(path)


def test_file_name_must_match_domain(tmp_path):
    with pytest.raises(StandardsError, match="file name YY.yaml does not match domain name 'XX'"):
        load_sdtm_domain_file(_write(tmp_path, GOOD, name="YY.yaml"))


def test_yaml_syntax_error_is_a_standards_error_with_location(tmp_path):
    path = _write(tmp_path, GOOD + "  - [unclosed\n")
    with pytest.raises(StandardsError, match=r"XX\.yaml:\d+:\d+: YAML syntax error"):
        load_sdtm_domain_file(path)


def test_adam_placeholders_must_be_known_tokens(tmp_path):
    text = (
        'name: ADSL\nlabel: "x"\nclass: SUBJECT LEVEL ANALYSIS DATASET\nstructure: "x"\nkeys: []\nvariables:\n'
        '  - [TRTqqP, "Planned Treatment for Period qq", Char, Req, null, "Treatment"]\n'
    )
    with pytest.raises(StandardsError, match=r"ADSL\.yaml:7:5: TRTqqP: lower-case letters must be the placeholders"):
        load_adam_structure_file(_write(tmp_path, text, name="ADSL.yaml"))


def test_missing_version_lists_available_ones():
    with pytest.raises(StandardsError, match="no SDTMIG 9.9 metadata.*available versions: 3.4"):
        load_sdtmig("9.9")


def test_loaders_are_cached():
    assert load_sdtmig() is load_sdtmig("3.4") and load_adamig() is load_adamig("1.3")


def test_public_api_names_exist():
    import cdisc_dm.standards as standards

    assert all(hasattr(standards, n) for n in standards.__all__)


def test_shipped_files_parse_the_same_with_the_located_loader():
    """The fast loader accepts duplicate keys silently; the located one refuses them. Every shipped
    standards file must load (and give the same data) through the located loader too."""
    import yaml

    from cdisc_dm.resources import specs_dir
    from cdisc_dm.yamlio import load_yaml

    files = [*specs_dir().joinpath("sdtmig").rglob("*.yaml"), *specs_dir().joinpath("adamig").rglob("*.yaml"),
             *specs_dir().joinpath("ct").glob("*.yaml")]
    assert len(files) > 25
    for path in files:
        assert load_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8")), path
