"""One spec drives conversion and define: editing a variable's spec changes the define, no other edit.

Uses the second study's fixture (tests/mapping/fixtures/second_study): converted as is, then with a
label, an algorithm and a codelist changed in its dm.yaml; the define is rebuilt from each run's
package metadata and compared."""
from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree

from cdisc_dm.convert import convert
from cdisc_dm.io.define import build_define
from cdisc_dm.mapping.plan import default_ct
from cdisc_dm.study import load_study

FIXTURE = Path(__file__).resolve().parents[1] / "mapping" / "fixtures" / "second_study"
NS = {"odm": "http://www.cdisc.org/ns/odm/v1.3", "def": "http://www.cdisc.org/ns/def/v2.1"}


def _define(study_folder: Path) -> etree._ElementTree:
    result = convert(study_folder / "raw", study_folder)
    return build_define(result.package, study=load_study(study_folder), ct=default_ct(study_folder),
                        created=datetime(2026, 1, 1))


def _item(tree, oid: str):
    return tree.find(f".//odm:ItemDef[@OID='{oid}']", NS)


def _text(item) -> str:
    return item.find("odm:Description/odm:TranslatedText", NS).text


@pytest.fixture(scope="module")
def before(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spec") / "study"
    shutil.copytree(FIXTURE, folder)
    return _define(folder)


@pytest.fixture(scope="module")
def after(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spec") / "study"
    shutil.copytree(FIXTURE, folder)
    dm = folder / "sdtm" / "dm.yaml"
    text = dm.read_text(encoding="utf-8")
    edits = {
        "  AGE: {copy: demog.AGE}": '  AGE: {copy: demog.AGE, label: "Age at Informed Consent"}',
        "  RFXSTDTC: {copy: RFSTDTC}": ("  RFXSTDTC: {subject_date: {from: dosing.DOSE_START, stat: min, "
                                        "formats: [DD-MMM-YYYY], subject: PATIENT, key: demog.PATIENT}}"),
    }
    edits["  SEX: {ct: {from: demog.GENDER, codelist: SEX}}"] = "  SEX: {ct: {from: demog.GENDER, codelist: SEXSP}}"
    for old, new in edits.items():
        assert old in text, old
        text = text.replace(old, new)
    dm.write_text(text, encoding="utf-8")
    # a sponsor codelist for SEX, in the study's ct/ folder
    (folder / "ct" / "sponsor.yaml").write_text(
        'version: "1.0"\ncodelists:\n  - short_name: SEXSP\n    sponsor: true\n    name: "Sex, sponsor-defined"\n'
        '    extensible: false\n    terms:\n      - {value: F, decode: Female, synonyms: ["Female"]}\n'
        '      - {value: M, decode: Male, synonyms: ["Male"]}\n', encoding="utf-8")
    return _define(folder)


def test_a_label_edit_reaches_the_item_def(before, after):
    assert _text(_item(before, "IT.DM.AGE")) == "Age"
    assert _text(_item(after, "IT.DM.AGE")) == "Age at Informed Consent"


def test_a_codelist_edit_changes_the_code_list_ref(before, after):
    def ref(tree):
        return _item(tree, "IT.DM.SEX").find("odm:CodeListRef", NS).get("CodeListOID")

    assert ref(before) == "CL.SEX"
    assert ref(after) == "CL.SEXSP"
    assert after.find(".//odm:CodeList[@OID='CL.SEXSP']", NS) is not None


def test_an_algorithm_edit_changes_origin_and_method(before, after):
    def origin_and_method(tree):
        item = _item(tree, "IT.DM.RFXSTDTC")
        ref = tree.find(".//odm:ItemGroupDef[@OID='IG.DM']/odm:ItemRef[@ItemOID='IT.DM.RFXSTDTC']", NS)
        origin = item.find("def:Origin", NS).get("Type")
        method = ref.get("MethodOID")
        text = None
        if method:
            text = tree.find(f".//odm:MethodDef[@OID='{method}']/odm:Description/odm:TranslatedText", NS).text
        return origin, text

    o1, m1 = origin_and_method(before)
    o2, m2 = origin_and_method(after)
    assert (o1, m1) != (o2, m2)
    # copy of another SDTM variable before; a derivation from the dosing form after, with its method
    assert o2 == "Derived" and m2, (o2, m2)
