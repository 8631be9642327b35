"""validate_define_xsd and check_define_against_data: a broken define is caught, naming the element."""
from __future__ import annotations

from lxml import etree
import pandas as pd
import pytest

from cdisc_dm.io.define import build_define, write_define
from cdisc_dm.io.define_check import check_define_against_data, validate_define_xsd

from _xml import DEF, NS, one
from define_fixtures import CREATED, STUDY, make_package


@pytest.fixture(scope="module")
def written(ct, tmp_path_factory):
    path = tmp_path_factory.mktemp("define") / "define.xml"
    return write_define(build_define(make_package(), study=STUDY, ct=ct, created=CREATED), path)


def _edit(path, edit):
    tree = etree.parse(str(path))
    edit(tree)
    out = path.with_name(f"broken-{edit.__name__}.xml")
    tree.write(str(out), xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return out


def test_generated_define_agrees_with_its_data(written, package, ct):
    report = check_define_against_data(written, package, ct=ct)
    assert [str(i) for i in report if i.severity == "error"] == []


def test_missing_item_def_is_named(written, package, ct):
    def drop(tree):
        item = one(tree, "//odm:ItemDef[@OID='IT.DM.SEX']")
        item.getparent().remove(item)
    report = check_define_against_data(_edit(written, drop), package, ct=ct)
    found = [i for i in report if i.code == "DEFINE-MISSING-ITEMDEF"]
    assert len(found) == 1 and "IT.DM.SEX" in found[0].message and found[0].dataset == "DM"


def test_length_shorter_than_a_value_is_caught_with_the_row(written, package, ct):
    data = package["DM"].data
    longest = int(data["USUBJID"].str.len().max())
    row = int(data["USUBJID"].str.len().to_numpy().argmax()) + 1

    def shorten(tree):
        one(tree, "//odm:ItemDef[@OID='IT.DM.USUBJID']").set("Length", str(longest - 1))
    report = check_define_against_data(_edit(written, shorten), package, ct=ct)
    found = [i for i in report if i.code == "DEFINE-LENGTH"]
    assert len(found) == 1
    assert "IT.DM.USUBJID" in found[0].message and f"Length {longest - 1}" in found[0].message
    assert (found[0].variable, found[0].row) == ("USUBJID", row)


def test_term_outside_a_non_extensible_codelist(written, package, ct):
    assert not ct.codelist("SEX").extensible
    data = package["DM"].data
    row = int((data["SEX"] == "M").to_numpy().argmax()) + 1

    def drop_male(tree):
        item = one(tree, "//odm:CodeList[@OID='CL.SEX']/odm:CodeListItem[@CodedValue='M']")
        item.getparent().remove(item)
    report = check_define_against_data(_edit(written, drop_male), package, ct=ct)
    found = [i for i in report if i.code == "DEFINE-CODELIST"]
    assert len(found) == 1
    assert "CL.SEX" in found[0].message and "IT.DM.SEX" in found[0].message
    assert (found[0].value, found[0].row, found[0].variable) == ("M", row, "SEX")
    assert "extensible" not in found[0].message


def test_extended_value_that_is_not_listed_is_caught(written, package, ct):
    def drop_extension(tree):
        item = one(tree, "//odm:CodeList[@OID='CL.QSCAT']/*[@CodedValue='MMT-8']")
        item.getparent().remove(item)
    report = check_define_against_data(_edit(written, drop_extension), package, ct=ct)
    found = [i for i in report if i.code == "DEFINE-CODELIST"]
    assert len(found) == 1 and found[0].value == "MMT-8" and "extensible" in found[0].message


def test_value_level_length_is_checked_on_its_records(written, package, ct):
    def shorten(tree):
        one(tree, "//odm:ItemDef[@OID='IT.LB.LBORRES.CK']").set("Length", "3")  # 1250 has 4 digits
    report = check_define_against_data(_edit(written, shorten), package, ct=ct)
    found = [i for i in report if i.code == "DEFINE-LENGTH"]
    assert len(found) == 1 and "IT.LB.LBORRES.CK" in found[0].message and found[0].value == "1250"
    # reported at the first CK record holding the longest result (row numbers are 1-based)
    lb = package["LB"].data.reset_index(drop=True)
    ck = lb[lb["LBTESTCD"] == "CK"]
    lengths = ck["LBORRES"].fillna("").astype(str).str.len()
    assert found[0].row == int(ck.index[int(lengths.to_numpy().argmax())]) + 1


def test_value_level_where_clause_with_two_values_checks_the_union(written, package, ct):
    # IT.LB.LBORRES.CK (DataType integer) made to select CK and ALT records: the first ALT result
    # that is not a number is reported at its own row
    def two_codes(tree):
        check = one(tree, "//def:WhereClauseDef[@OID='WC.LB.LBORRES.CK']/odm:RangeCheck")
        check.set("Comparator", "IN")
        etree.SubElement(check, f"{{{NS['odm']}}}CheckValue").text = "ALT"
    report = check_define_against_data(_edit(written, two_codes), package, ct=ct)
    found = [i for i in report if i.code == "DEFINE-TYPE" and "IT.LB.LBORRES.CK" in i.message]
    lb = package["LB"].data.reset_index(drop=True)
    sub = lb[lb["LBTESTCD"].isin(["CK", "ALT"])]
    not_number = pd.to_numeric(sub["LBORRES"], errors="coerce").isna() & sub["LBORRES"].notna()
    first = int(sub.index[not_number.to_numpy()][0])
    assert len(found) == 1 and (found[0].row, found[0].value) == (first + 1, lb["LBORRES"].iloc[first])


def test_wrong_data_type_is_caught(written, package, ct):
    def to_integer(tree):
        one(tree, "//odm:ItemDef[@OID='IT.LB.LBSTRESN']").set("DataType", "integer")
    report = check_define_against_data(_edit(written, to_integer), package, ct=ct)
    found = [i for i in report if i.code == "DEFINE-TYPE"]
    stresn = package["LB"].data["LBSTRESN"]
    row = int((stresn % 1 > 0).to_numpy().argmax()) + 1  # first value with decimals
    assert len(found) == 1 and "IT.LB.LBSTRESN" in found[0].message and "integer" in found[0].message
    assert (found[0].row, found[0].value) == (row, str(stresn.iloc[row - 1]))


def test_dataset_and_variable_missing_from_the_define(written, package, ct):
    def drop(tree):
        ig = one(tree, "//odm:ItemGroupDef[@Name='TS']")
        ig.getparent().remove(ig)
        ref = one(tree, "//odm:ItemGroupDef[@Name='AE']/odm:ItemRef[@ItemOID='IT.AE.AESEV']")
        ref.getparent().remove(ref)
    report = check_define_against_data(_edit(written, drop), package, ct=ct)
    missing_ds = [i for i in report if i.code == "DEFINE-MISSING-DATASET"]
    missing_var = [i for i in report if i.code == "DEFINE-MISSING-VARIABLE"]
    assert [i.dataset for i in missing_ds] == ["TS"] and "IG.TS" in missing_ds[0].message
    assert [(i.dataset, i.variable) for i in missing_var] == [("AE", "AESEV")]


def test_xsd_problem_names_line_and_element(written):
    def break_it(tree):
        ig = one(tree, "//odm:ItemGroupDef[@Name='LB']")
        del ig.attrib[f"{DEF}Structure"]  # required by Define-XML 2.1
        one(tree, "//odm:ItemDef[@OID='IT.DM.AGE']").set("DataType", "number")  # not an ODM data type
    broken = _edit(written, break_it)
    messages = validate_define_xsd(broken)
    tree = etree.parse(str(broken))
    line_ig = one(tree, "//odm:ItemGroupDef[@Name='LB']").sourceline
    line_age = one(tree, "//odm:ItemDef[@OID='IT.DM.AGE']").sourceline
    assert any(f":{line_ig}: ItemGroupDef IG.LB:" in m and "Structure" in m for m in messages), messages
    assert any(f":{line_age}: ItemDef IT.DM.AGE:" in m and "DataType" in m for m in messages), messages


def test_not_well_formed_xml(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("<ODM><Study></ODM>")
    messages = validate_define_xsd(bad)
    assert len(messages) == 1 and "not well-formed" in messages[0] and str(bad) in messages[0]


def test_missing_origin_and_method_are_warnings(package, ct, tmp_path):
    dm = package["DM"]
    dm.variables[dm.names.index("SEX")] = dm.variable("SEX").with_(origin=None)
    dm.variables[dm.names.index("AGE")] = dm.variable("AGE").with_(method=None)
    path = write_define(build_define(package, study=STUDY, ct=ct, created=CREATED), tmp_path / "define.xml")
    report = check_define_against_data(path, package, ct=ct)
    found = sorted((i.code, i.variable, i.severity) for i in report)
    assert found == [("DEFINE-NO-METHOD", "AGE", "warning"), ("DEFINE-NO-ORIGIN", "SEX", "warning")]
    assert not report.has_errors
