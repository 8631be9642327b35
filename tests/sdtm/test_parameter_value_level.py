"""SUPP-- QVAL per QNAM and TS TSVAL per TSPARMCD get value-level metadata in a real define."""
from __future__ import annotations

from datetime import datetime

import pandas as pd
from lxml import etree

from cdisc_dm.dataset import Package
from cdisc_dm.io.define import build_define, write_define
from cdisc_dm.io.define_check import check_define_against_data, validate_define_xsd
from cdisc_dm.sdtm.parameter_value_level import parameter_value_level
from cdisc_dm.standards import build_dataset, load_ct

NS = {"odm": "http://www.cdisc.org/ns/odm/v1.3", "def": "http://www.cdisc.org/ns/def/v2.1"}


def _package() -> Package:
    supp = pd.DataFrame({
        "STUDYID": ["S1"] * 4, "RDOMAIN": ["DM"] * 4, "USUBJID": ["S1-1", "S1-2", "S1-1", "S1-2"],
        "IDVAR": [""] * 4, "IDVARVAL": [""] * 4, "QNAM": ["RANDNO", "RANDNO", "CHILDPOT", "CHILDPOT"],
        "QLABEL": ["Randomization Number"] * 2 + ["Childbearing Potential"] * 2,
        "QVAL": ["1001", "1002", "Y", "N"], "QORIG": ["CRF", "CRF", "Collected", "Collected"], "QEVAL": [""] * 4,
    })
    ts = pd.DataFrame({
        "STUDYID": ["S1"] * 3, "DOMAIN": ["TS"] * 3, "TSSEQ": [1.0, 1.0, 1.0], "TSPARMCD": ["AGEMIN", "PLANSUB", "TITLE"],
        "TSPARM": ["Planned Minimum Age of Subjects", "Planned Number of Subjects", "Trial Title"],
        "TSVAL": ["P18Y", "240", "A trial"],
    })
    pkg = Package("SDTMIG 3.4")
    pkg.add(build_dataset("SUPPDM", supp, overrides={v: {"origin": "Assigned"} for v in supp.columns}))
    pkg.add(build_dataset("TS", ts, overrides={v: {"origin": "Assigned"} for v in ts.columns}))
    return parameter_value_level(pkg)


def test_one_item_per_qnam_and_parameter_with_label_type_and_origin():
    pkg = _package()
    qval = {vl.where["QNAM"][0]: vl for vl in pkg["SUPPDM"].variable("QVAL").value_level}
    assert set(qval) == {"RANDNO", "CHILDPOT"}
    assert qval["RANDNO"].label == "Randomization Number" and qval["RANDNO"].type == "integer"
    assert qval["RANDNO"].origin == "Collected" and qval["CHILDPOT"].type == "text"
    tsval = {vl.where["TSPARMCD"][0]: vl for vl in pkg["TS"].variable("TSVAL").value_level}
    assert set(tsval) == {"AGEMIN", "PLANSUB", "TITLE"} and tsval["PLANSUB"].type == "integer"


def test_the_define_carries_them_and_stays_valid(tmp_path):
    pkg = _package()
    ct = load_ct()
    path = write_define(build_define(pkg, study={"studyid": "S1"}, ct=ct, created=datetime(2026, 1, 1)), tmp_path / "define.xml")
    assert validate_define_xsd(path) == []
    assert [i for i in check_define_against_data(path, pkg, ct=ct) if i.severity == "error"] == []
    tree = etree.parse(str(path))
    checks = {c.findtext("odm:CheckValue", namespaces=NS) for c in tree.iterfind(".//def:WhereClauseDef/odm:RangeCheck", NS)}
    assert {"RANDNO", "CHILDPOT", "AGEMIN", "PLANSUB", "TITLE"} <= checks
