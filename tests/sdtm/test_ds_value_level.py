"""DSDECOD's codelist follows DSCAT (SDTMIG 3.4 DS assumptions): checked through a real define."""
from __future__ import annotations

from datetime import datetime

import pandas as pd

from cdisc_dm.dataset import Package
from cdisc_dm.io.define import build_define, write_define
from cdisc_dm.io.define_check import check_define_against_data, validate_define_xsd
from cdisc_dm.sdtm.ds_value_level import ds_value_level
from cdisc_dm.standards import build_dataset, load_ct


def _package(milestone: str) -> Package:
    frame = pd.DataFrame({
        "STUDYID": ["S1"] * 3, "DOMAIN": ["DS"] * 3, "USUBJID": ["S1-001"] * 3, "DSSEQ": [1.0, 2.0, 3.0],
        "DSTERM": ["INFORMED CONSENT", "COMPLETED", "X"],
        "DSDECOD": ["INFORMED CONSENT OBTAINED", "COMPLETED", milestone],
        "DSCAT": ["PROTOCOL MILESTONE", "DISPOSITION EVENT", "PROTOCOL MILESTONE"],
        "DSSTDTC": ["2025-01-01", "2025-03-01", "2025-01-02"],
    })
    pkg = Package("SDTMIG 3.4")
    pkg.add(build_dataset("DS", frame, overrides={v: {"origin": "Collected"} for v in frame.columns}))
    return ds_value_level(pkg)


def _check(pkg: Package, tmp_path):
    ct = load_ct()
    path = write_define(build_define(pkg, study={"studyid": "S1"}, ct=ct, created=datetime(2026, 1, 1)), tmp_path / "define.xml")
    assert validate_define_xsd(path) == []
    return [i for i in check_define_against_data(path, pkg, ct=ct) if i.severity == "error"]


def test_each_category_gets_its_codelist(tmp_path):
    pkg = _package("RANDOMIZED")
    items = {vl.where["DSCAT"][0]: vl.codelist for vl in pkg["DS"].variable("DSDECOD").value_level}
    assert items == {"DISPOSITION EVENT": "NCOMPLT", "PROTOCOL MILESTONE": "PROTMLST"}
    assert _check(pkg, tmp_path) == []


def test_a_milestone_outside_protmlst_is_caught(tmp_path):
    errors = _check(_package("COMPLETED"), tmp_path)  # COMPLETED is NCOMPLT, not a protocol milestone
    assert any(e.variable == "DSDECOD" and e.value == "COMPLETED" for e in errors), errors
