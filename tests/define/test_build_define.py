"""build_define: the Define-XML 2.1 document made from the package metadata, CT and data."""
from __future__ import annotations

import json
from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.dataset import Package
from cdisc_dm.io import write_dataset_json
from cdisc_dm.io.define import build_define, write_define
from cdisc_dm.io.define_check import validate_define_xsd
from cdisc_dm.standards import build_dataset, load_sdtmig

from _xml import DEF, all_, one, parse
from define_fixtures import CREATED, SEQ_METHOD, STUDY, USUBJID_METHOD, make_package


@pytest.fixture(scope="module")
def define(ct, tmp_path_factory):
    path = tmp_path_factory.mktemp("define") / "define.xml"
    write_define(build_define(make_package(), study=STUDY, ct=ct, created=CREATED), path)
    return path, parse(path)


def test_generated_define_is_valid_against_the_define_xml_2_1_schema(define):
    path, _ = define
    assert validate_define_xsd(path) == []


def test_odm_root_and_standards(define, ct):
    _, tree = define
    root = tree.getroot()
    assert root.get("FileType") == "Snapshot" and root.get("ODMVersion") == "1.3.2"
    assert root.get(f"{DEF}Context") == "Submission"
    assert root.get("CreationDateTime") == CREATED.isoformat()
    ig = one(tree, "//def:Standard[@Type='IG']")
    assert (ig.get("Name"), ig.get("Version")) == ("SDTMIG", "3.4")
    ct_std = one(tree, "//def:Standard[@Type='CT']")
    assert ct_std.get("Version") == ct.versions["SDTM CT"] and ct_std.get("PublishingSet") == "SDTM"


def test_item_group_attributes_follow_the_dataset_metadata(define, package):
    _, tree = define
    for ds in package:
        igd = one(tree, f"//odm:ItemGroupDef[@Name='{ds.name}']")
        assert igd.get("OID") == f"IG.{ds.name}"
        assert igd.get(f"{DEF}Structure") == ds.structure
        assert one(igd, "def:Class").get("Name") == ds.klass
        assert one(igd, "odm:Description/odm:TranslatedText").text == ds.label
        assert igd.get("Purpose") == "Tabulation"
        assert one(igd, "def:leaf").get("{http://www.w3.org/1999/xlink}href") == f"{ds.name.lower()}.xpt"
        refs = all_(igd, "odm:ItemRef")
        assert [r.get("ItemOID") for r in refs] == [f"IT.{ds.name}.{v}" for v in ds.names]
        assert [int(r.get("OrderNumber")) for r in refs] == list(range(1, len(ds.names) + 1))
        keyed = sorted((int(r.get("KeySequence")), r.get("ItemOID").split(".")[-1]) for r in refs if r.get("KeySequence"))
        assert [name for _, name in keyed] == ds.keys
    assert one(tree, "//odm:ItemGroupDef[@Name='DM']").get("Repeating") == "No"
    assert one(tree, "//odm:ItemGroupDef[@Name='AE']").get("Repeating") == "Yes"
    assert one(tree, "//odm:ItemGroupDef[@Name='TS']").get("IsReferenceData") == "Yes"


def test_mandatory_is_yes_exactly_for_required_variables(define, package):
    _, tree = define
    ig = load_sdtmig()
    for ds in package:
        meta = ig.domain(ds.name)
        for ref in all_(tree, f"//odm:ItemGroupDef[@Name='{ds.name}']/odm:ItemRef"):
            var = ref.get("ItemOID").split(".")[-1]
            assert ref.get("Mandatory") == ("Yes" if meta.find(var).core == "Req" else "No"), ref.get("ItemOID")


def test_data_types_and_lengths_come_from_the_values(define, package):
    _, tree = define
    dm = package["DM"].data
    age = one(tree, "//odm:ItemDef[@OID='IT.DM.AGE']")
    assert age.get("DataType") == "integer"
    assert int(age.get("Length")) == max(len(str(int(v))) for v in dm["AGE"])
    usubjid = one(tree, "//odm:ItemDef[@OID='IT.DM.USUBJID']")
    assert int(usubjid.get("Length")) == max(len(v) for v in dm["USUBJID"])
    stresn = one(tree, "//odm:ItemDef[@OID='IT.LB.LBSTRESN']")
    # 1250, 35.5, 980: one decimal place; 4 digits in 1250 (ODM Length: digits, no point)
    assert (stresn.get("DataType"), stresn.get("SignificantDigits"), stresn.get("Length")) == ("float", "1", "4")
    assert one(tree, "//odm:ItemDef[@OID='IT.DM.RFSTDTC']").get("DataType") == "date"
    assert one(tree, "//odm:ItemDef[@OID='IT.DM.BRTHDTC']").get("DataType") == "partialDate"
    assert one(tree, "//odm:ItemDef[@OID='IT.AE.AESTDTC']").get("DataType") == "partialDatetime"
    assert one(tree, "//odm:ItemDef[@OID='IT.DM.RFSTDTC']").get("Length") is None  # ISO 8601 types carry no Length


def test_origins_and_their_sources(define):
    _, tree = define
    sex = one(tree, "//odm:ItemDef[@OID='IT.DM.SEX']/def:Origin")
    assert (sex.get("Type"), sex.get("Source")) == ("Collected", "Investigator")
    assert "DM.SEX" in one(sex, "odm:Description/odm:TranslatedText").text
    lab = one(tree, "//odm:ItemDef[@OID='IT.LB.LBORRESU']/def:Origin")
    assert (lab.get("Type"), lab.get("Source")) == ("Collected", "Vendor")  # central lab transfer
    assert one(tree, "//odm:ItemDef[@OID='IT.DM.AGE']/def:Origin").get("Type") == "Derived"
    assert one(tree, "//odm:ItemDef[@OID='IT.DM.STUDYID']/def:Origin").get("Type") == "Protocol"


def test_identical_methods_become_one_method_def(define):
    _, tree = define
    seq = [m for m in all_(tree, "//odm:MethodDef") if one(m, "odm:Description/odm:TranslatedText").text == SEQ_METHOD]
    assert len(seq) == 1
    users = sorted(r.get("ItemOID") for r in all_(tree, f"//odm:ItemRef[@MethodOID='{seq[0].get('OID')}']"))
    assert users == ["IT.AE.AESEQ", "IT.LB.LBSEQ", "IT.QS.QSSEQ"]
    usubjid = [m for m in all_(tree, "//odm:MethodDef") if one(m, "odm:Description/odm:TranslatedText").text == USUBJID_METHOD]
    assert len(usubjid) == 1 and usubjid[0].get("Type") == "Computation"
    # every MethodOID used resolves, and every MethodDef is used
    used = {r.get("MethodOID") for r in all_(tree, "//odm:ItemRef[@MethodOID]")}
    assert used == {m.get("OID") for m in all_(tree, "//odm:MethodDef")}


def test_codelists_carry_nci_codes_and_only_the_terms_in_use(define, ct, package):
    _, tree = define
    sex = one(tree, "//odm:CodeList[@OID='CL.SEX']")
    assert one(sex, "odm:Alias[@Context='nci:ExtCodeID']").get("Name") == ct.codelist("SEX").code
    items = all_(sex, "odm:CodeListItem")
    assert [i.get("CodedValue") for i in items] == sorted(set(package["DM"].data["SEX"]))
    for item in items:
        term = ct.codelist("SEX").term(item.get("CodedValue"))
        assert one(item, "odm:Alias").get("Name") == term.code
        assert one(item, "odm:Decode/odm:TranslatedText").text == term.decode
    assert one(tree, "//odm:ItemDef[@OID='IT.DM.SEX']/odm:CodeListRef").get("CodeListOID") == "CL.SEX"


def test_sponsor_extension_is_marked_extended(define, ct):
    _, tree = define
    item = one(tree, "//odm:CodeList[@OID='CL.QSCAT']/*[@CodedValue='MMT-8']")
    assert ct.codelist("QSCAT").term("MMT-8").extended
    assert item.get(f"{DEF}ExtendedValue") == "Yes"
    assert all_(item, "odm:Alias") == []  # a sponsor term has no NCI code
    sponsor = one(tree, "//odm:CodeList[@OID='CL.MMT8TC']")
    assert all_(sponsor, "odm:Alias") == [] and sponsor.get(f"{DEF}StandardOID") is None


def test_external_dictionaries(define, package, ct):
    _, tree = define
    assert one(tree, "//odm:ItemDef[@OID='IT.AE.AEDECOD']/odm:CodeListRef").get("CodeListOID") == "CL.MEDDRA"
    assert one(tree, "//odm:CodeList[@OID='CL.MEDDRA']/odm:ExternalCodeList").get("Dictionary") == "MedDRA"
    assert one(tree, "//odm:CodeList[@OID='CL.ISO3166']/odm:ExternalCodeList").get("Dictionary") == "ISO 3166"
    tree2 = build_define(package, study=STUDY, ct=ct, created=CREATED, dictionaries={"MedDRA": "27.1"})
    assert one(tree2, "//odm:CodeList[@OID='CL.MEDDRA']/odm:ExternalCodeList").get("Version") == "27.1"


def test_value_level_metadata_per_test_code_qnam_and_parameter(define, package):
    _, tree = define
    assert one(tree, "//odm:ItemDef[@OID='IT.LB.LBORRES']/def:ValueListRef").get("ValueListOID") == "VL.LB.LBORRES"
    refs = all_(tree, "//def:ValueListDef[@OID='VL.LB.LBORRES']/odm:ItemRef")
    assert [r.get("ItemOID") for r in refs] == ["IT.LB.LBORRES.CK", "IT.LB.LBORRES.ALT"]
    check = one(tree, "//def:WhereClauseDef[@OID='WC.LB.LBORRES.CK']/odm:RangeCheck")
    assert (check.get("Comparator"), check.get(f"{DEF}ItemOID")) == ("EQ", "IT.LB.LBTESTCD")
    assert [c.text for c in all_(check, "odm:CheckValue")] == ["CK"]
    ck = one(tree, "//odm:ItemDef[@OID='IT.LB.LBORRES.CK']")
    lb = package["LB"].data
    expected = max(len(v) for v in lb.loc[lb["LBTESTCD"] == "CK", "LBORRES"])
    assert (ck.get("DataType"), int(ck.get("Length"))) == ("integer", expected)
    # TS: one where clause with IN for two parameters
    ts = one(tree, "//def:WhereClauseDef[@OID='WC.TS.TSVAL.AGEMIN_AGEMAX']/odm:RangeCheck")
    assert ts.get("Comparator") == "IN" and [c.text for c in all_(ts, "odm:CheckValue")] == ["AGEMIN", "AGEMAX"]
    # SUPP--: QVAL per QNAM, the derived one with its own method
    trtem = one(tree, "//def:ValueListDef[@OID='VL.SUPPAE.QVAL']/odm:ItemRef[@ItemOID='IT.SUPPAE.QVAL.AETRTEM']")
    method = one(tree, f"//odm:MethodDef[@OID='{trtem.get('MethodOID')}']")
    assert one(method, "odm:Description/odm:TranslatedText").text == "Y when AESTDTC is on or after RFSTDTC"
    assert one(tree, "//odm:ItemDef[@OID='IT.SUPPAE.QVAL.AETRTEM']/odm:CodeListRef").get("CodeListOID") == "CL.NY"


def test_comments_on_variables(define):
    _, tree = define
    oid = one(tree, "//odm:ItemDef[@OID='IT.DM.BRTHDTC']").get(f"{DEF}CommentOID")
    assert one(tree, f"//def:CommentDef[@OID='{oid}']/odm:Description/odm:TranslatedText").text == \
        "Partial birth dates are kept as collected"


def test_same_inputs_give_the_same_bytes(package, ct, tmp_path):
    a = write_define(build_define(package, study=STUDY, ct=ct, created=CREATED), tmp_path / "a.xml")
    shuffled = Package(standard=package.standard)
    for name in reversed(list(package.datasets)):
        shuffled.add(package[name])
    b = write_define(build_define(make_package(), study=STUDY, ct=ct, created=CREATED), tmp_path / "b.xml")
    c = write_define(build_define(shuffled, study=STUDY, ct=ct, created=CREATED), tmp_path / "c.xml")
    assert a.read_bytes() == b.read_bytes() == c.read_bytes()
    d = write_define(build_define(package, study=STUDY, ct=ct, created=datetime(2027, 1, 1)), tmp_path / "d.xml")
    assert d.read_bytes() != a.read_bytes()  # the timestamp is the given one, not the clock


def test_dataset_json_item_oids_resolve_in_the_define(define, package, tmp_path):
    _, tree = define
    out = write_dataset_json(package["DM"], tmp_path / "dm.json", study_oid=STUDY["studyid"],
                             metadata_version_oid="MDV.SDTMIG.3.4", creation_datetime=CREATED)
    doc = json.loads(out.read_text())
    assert one(tree, "//odm:MetaDataVersion").get("OID") == doc["metaDataVersionOID"]
    assert all_(tree, f"//odm:ItemGroupDef[@OID='{doc['itemGroupOID']}']")
    oids = {i.get("OID") for i in all_(tree, "//odm:ItemDef")}
    assert {c["itemOID"] for c in doc["columns"]} <= oids


def test_adam_package_numeric_dates_and_subclass(ct, tmp_path):
    usub = ["S-1", "S-2"]
    adsl = build_dataset("ADSL", pd.DataFrame({
        "STUDYID": pd.Series(["S"] * 2, dtype=object), "USUBJID": pd.Series(usub, dtype=object),
        "TRTSDT": pd.to_datetime(["2026-01-05", "2026-02-10"]), "AGE": [40.0, 51.0],
    }), standard="ADaMIG 1.3", overrides={
        "TRTSDT": {"origin": "Derived", "method": "Date part of the first EXSTDTC", "display_format": "DATE9."},
        "AGE": {"origin": "Predecessor", "source": "DM.AGE"},
    })
    adae = build_dataset("ADAE", pd.DataFrame({
        "STUDYID": pd.Series(["S"], dtype=object), "USUBJID": pd.Series(usub[:1], dtype=object),
        "AEDECOD": pd.Series(["Headache"], dtype=object), "TRTEMFL": pd.Series(["Y"], dtype=object),
    }), standard="ADaMIG 1.3", structure="OCCDS", overrides={"AEDECOD": {"origin": "Predecessor", "source": "AE.AEDECOD"}})
    pkg = Package(standard="ADaMIG 1.3")
    pkg.add(adsl)
    pkg.add(adae)
    path = write_define(build_define(pkg, study=STUDY, ct=ct, created=CREATED), tmp_path / "define.xml")
    assert validate_define_xsd(path) == []
    tree = parse(path)
    assert one(tree, "//def:Standard[@Type='IG']").get("Name") == "ADaMIG"
    assert one(tree, "//odm:ItemGroupDef[@Name='ADSL']").get("Purpose") == "Analysis"
    assert one(tree, "//odm:ItemGroupDef[@Name='ADSL']").get("Repeating") == "No"
    trtsdt = one(tree, "//odm:ItemDef[@OID='IT.ADSL.TRTSDT']")
    # SAS date of 2026-02-10 = days since 1960-01-01, computed here independently
    days = (pd.Timestamp("2026-02-10") - pd.Timestamp("1960-01-01")).days
    assert (trtsdt.get("DataType"), trtsdt.get(f"{DEF}DisplayFormat"), trtsdt.get("Length")) == \
        ("integer", "DATE9.", str(len(str(days))))
    assert one(tree, "//odm:ItemGroupDef[@Name='ADAE']/def:Class/def:SubClass").get("Name") == "ADVERSE EVENT"
    pred = one(tree, "//odm:ItemDef[@OID='IT.ADSL.AGE']/def:Origin")
    assert pred.get("Type") == "Predecessor" and one(pred, "odm:Description/odm:TranslatedText").text == "DM.AGE"
    assert all_(tree, "//odm:ItemRef[@Role]") == []  # ADaM variables have no SDTM role


def test_unknown_codelist_is_a_standards_error(package, ct):
    from cdisc_dm.errors import StandardsError

    dm = package["DM"]
    dm.variables[dm.names.index("SEX")] = dm.variable("SEX").with_(codelist="SEXX")
    with pytest.raises(StandardsError, match="DM, variable SEX: codelist 'SEXX'"):
        build_define(package, study=STUDY, ct=ct, created=CREATED)


def test_decimals_are_counted_per_value():
    from cdisc_dm.io.define import _decimals

    values = np.array([1.0, 0.5, 0.125, 12.34, 1e-3, 100.0])
    assert _decimals(values).tolist() == [0, 1, 3, 2, 3, 0]


def test_dataset_comment_imputation_method_and_json_leaves(package, ct):
    package["AE"].comment = "AEs are coded centrally; see the coding conventions"
    ae = package["AE"]
    i = ae.names.index("AESTDTC")
    ae.variables[i] = ae.variables[i].with_(origin="Derived", method="Missing day imputed as the 1st of the month",
                                            method_name="impute_day")
    tree = build_define(package, study=STUDY, ct=ct, created=CREATED, leaf_format="json")
    oid = one(tree, "//odm:ItemGroupDef[@Name='AE']").get(f"{DEF}CommentOID")
    assert one(tree, f"//def:CommentDef[@OID='{oid}']/odm:Description/odm:TranslatedText").text == package["AE"].comment
    method = one(tree, "//odm:ItemRef[@ItemOID='IT.AE.AESTDTC']").get("MethodOID")
    assert one(tree, f"//odm:MethodDef[@OID='{method}']").get("Type") == "Imputation"
    hrefs = [leaf.get("{http://www.w3.org/1999/xlink}href") for leaf in all_(tree, "//odm:ItemGroupDef/def:leaf")]
    assert sorted(hrefs) == sorted(f"{name.lower()}.json" for name in package.datasets)


@pytest.mark.parametrize("change, expected", [
    ({"origin": "CRF"}, "DM, variable SEX: origin 'CRF' is not a Define-XML 2.1 origin type"),
    ({"data_type": "string"}, "DM, variable SEX: data type 'string' is not a Define-XML 2.1 data type"),
])
def test_metadata_outside_define_enumerations_is_refused(package, ct, change, expected):
    from cdisc_dm.errors import OutputError

    dm = package["DM"]
    dm.variables[dm.names.index("SEX")] = dm.variable("SEX").with_(**change)
    with pytest.raises(OutputError, match=expected):
        build_define(package, study=STUDY, ct=ct, created=CREATED)


def test_split_dataset_names_its_domain(package, ct, tmp_path):
    lb = package["LB"].data
    lbch = build_dataset("LBCH", lb, overrides={"LBTESTCD": {"codelist": "LBTESTCD"}})
    pkg = Package(standard="SDTMIG 3.4")
    pkg.add(lbch)
    path = write_define(build_define(pkg, study=STUDY, ct=ct, created=CREATED), tmp_path / "define.xml")
    assert validate_define_xsd(path) == []
    igd = one(parse(path), "//odm:ItemGroupDef[@Name='LBCH']")
    assert igd.get("Domain") == "LB"
    assert one(igd, "odm:Alias[@Context='DomainDescription']").get("Name") == load_sdtmig().domain("LB").label
